/** SIPp do_bookkeeping for one call: scenario counters and the response-time timers (`start_rtd`, `rtd`, `repeat_rtd`). */
import type { Step } from '../model/scenario';
import type { AgentStats } from '../model/stats';
import { recordDuration, responseTimeStats } from './agent-stats';

export class StepBookkeeping {
  private readonly started = new Map<string, number>();
  private readonly done = new Set<string>();

  constructor(private readonly createdMs: number) {}

  apply(stats: AgentStats, s: Step, nowMs: number): void {
    if (s.counter !== undefined) stats.counters.set(s.counter, (stats.counters.get(s.counter) ?? 0) + 1);
    for (const name of s.startRtd ?? []) {
      this.started.set(name, nowMs);
      this.done.delete(name);
    }
    for (const name of s.rtd ?? []) {
      if (this.done.has(name)) continue;
      // SIPp starts every timer at call creation unless a start_rtd restarts it.
      recordDuration(responseTimeStats(stats, name), nowMs - (this.started.get(name) ?? this.createdMs));
      if (s.repeatRtd !== true) this.done.add(name);
    }
  }
}
