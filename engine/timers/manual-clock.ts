/** A Clock that moves only when told to: for unit tests and benchmarks of code built on the Clock port (DESIGN.md, the sans-I/O rule). */
import type { Clock } from '../ports/clock';

const MAX_WAKEUPS_PER_ADVANCE = 10_000_000;

export class ManualClock implements Clock {
  private now: number;
  private wakeAtMs: number | undefined = undefined;
  private onWake: (() => void) | undefined = undefined;
  /** How many times the wake-up fired: tests use it to see that idle services leave the clock alone. */
  wakeups = 0;

  constructor(startMs = 0) {
    this.now = startMs;
  }

  nowMs(): number {
    return this.now;
  }

  setWakeup(atMs: number | undefined, onWake: () => void): void {
    this.wakeAtMs = atMs;
    this.onWake = atMs === undefined ? undefined : onWake;
  }

  /** The armed wake-up time, undefined when disarmed. */
  get wakeupAtMs(): number | undefined {
    return this.wakeAtMs;
  }

  /**
   * Moves time to `targetMs`, stopping at every wake-up on the way so that each fires with the
   * clock reading exactly its requested time (or the current time if that was in the past).
   */
  advanceTo(targetMs: number): void {
    if (!(targetMs >= this.now)) throw new RangeError(`ManualClock cannot go back from ${this.now} to ${targetMs}`);
    for (let rounds = 0; ; rounds++) {
      // A callback that re-arms itself with delay 0 forever would otherwise hang the test silently.
      if (rounds > MAX_WAKEUPS_PER_ADVANCE) throw new RangeError(`more than ${MAX_WAKEUPS_PER_ADVANCE} wake-ups in one advance`);
      const at = this.wakeAtMs;
      if (at === undefined || at > targetMs) break;
      this.now = Math.max(this.now, at);
      const wake = this.onWake as () => void;
      this.wakeAtMs = undefined;
      this.onWake = undefined;
      this.wakeups++;
      wake();
    }
    this.now = targetMs;
  }

  advanceBy(deltaMs: number): void {
    this.advanceTo(this.now + deltaMs);
  }
}
