/** The one-line progress report a real run prints on stderr about once a second. */
import type { AgentStats } from '../model/stats';

export interface ProgressSample {
  readonly elapsedMs: number;
  /** Calls created since the previous line, over `periodMs`: the current call rate. */
  readonly createdInPeriod: number;
  readonly periodMs: number;
}

/** `12.0 s  created 1200  live 3  ok 1197  failed 0  rate 100.0 cps` summed over the agents. */
export function formatProgressLine(stats: readonly AgentStats[], sample: ProgressSample): string {
  let created = 0, live = 0, ok = 0, failed = 0;
  for (const s of stats) {
    created += s.totalCallsCreated;
    live += s.currentCalls;
    ok += s.successfulCalls;
    failed += s.failedCalls;
  }
  const cps = sample.periodMs > 0 ? (sample.createdInPeriod * 1000) / sample.periodMs : 0;
  return `${(sample.elapsedMs / 1000).toFixed(1).padStart(7)} s  created ${created}  live ${live}  ok ${ok}  failed ${failed}  rate ${cps.toFixed(1)} cps`;
}
