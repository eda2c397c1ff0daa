/**
 * SIPp-style call pacing for a uac agent (-r, -rp, -l, -m; ecosystem.md §2.7): call n (0-based)
 * is due at start + n·period/rate, spread evenly; calls held back by the concurrency limit start
 * as soon as a slot frees (SIPp catches up the same way).
 */
import type { Clock } from '../../engine/ports/clock';
import type { TimerId, TimerService } from '../../engine/timers/timer-service';
import type { CallControl } from './agent-runner-api';

export class CallGenerator {
  private startMs = 0;
  private created = 0;
  private timer: TimerId | undefined;
  private running = false;
  private ticking = false;

  constructor(
    private readonly clock: Clock,
    private readonly timers: TimerService,
    private readonly control: CallControl,
    /** True when the concurrency limit allows one more call now. */
    private readonly hasRoom: () => boolean,
    private readonly startCall: () => void,
  ) {
    if (!(control.rate > 0) || !(control.ratePeriodMs > 0)) {
      throw new RangeError(`call rate must be > 0 per period > 0 ms, got ${control.rate} per ${control.ratePeriodMs} ms`);
    }
  }

  /** No more calls will be created (maximum reached or stopped). */
  get exhausted(): boolean {
    return !this.running;
  }

  get createdCount(): number {
    return this.created;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.startMs = this.clock.nowMs();
    this.tick();
  }

  stop(): void {
    this.running = false;
    if (this.timer !== undefined) this.timers.cancel(this.timer);
    this.timer = undefined;
  }

  /** A call ended: a slot may have freed for a call that is overdue. */
  poke(): void {
    if (this.running && this.timer === undefined && !this.ticking) this.tick();
  }

  private dueTimeMs(n: number): number {
    return this.startMs + Math.ceil((n * this.control.ratePeriodMs) / this.control.rate);
  }

  private readonly tick = (): void => {
    this.timer = undefined;
    this.ticking = true;
    try {
      this.createDue();
    } finally {
      this.ticking = false;
    }
  };

  private createDue(): void {
    const max = this.control.maxCalls;
    const now = this.clock.nowMs();
    while (this.running && (max === undefined || this.created < max) && this.dueTimeMs(this.created) <= now) {
      if (!this.hasRoom()) return; // poke() resumes when a call ends
      this.created++;
      this.startCall();
    }
    if (!this.running) return;
    if (max !== undefined && this.created >= max) {
      this.running = false;
      return;
    }
    this.timer = this.timers.schedule(Math.max(0, this.dueTimeMs(this.created) - now), this.tick);
  }
}
