/** A host's view of virtual time, with optional skew, implementing the Clock port over the world's event queue (DESIGN.md, Simulator). */
import type { Clock } from '../engine/ports/clock';
import type { SimEvent, SimScheduler } from './event-queue';

export interface ClockSkew {
  /** Local time when world time is 0. */
  readonly offsetMs?: number;
  /** Local milliseconds per world millisecond (1.001 runs 0.1% fast); must be > 0. */
  readonly rate?: number;
}

/** local = offsetMs + rate * world. */
export class VirtualClock implements Clock {
  private offsetMs: number;
  private rate: number;
  private pending: SimEvent | undefined = undefined;
  private stopped = false;

  constructor(
    private readonly world: SimScheduler,
    readonly label: string,
    skew: ClockSkew = {},
  ) {
    this.offsetMs = skew.offsetMs ?? 0;
    this.rate = skew.rate ?? 1;
    if (!(this.rate > 0) || !Number.isFinite(this.offsetMs)) {
      throw new RangeError(`clock skew needs rate > 0 and a finite offset, got ${JSON.stringify(skew)}`);
    }
  }

  nowMs(): number {
    return this.toLocal(this.world.nowMs);
  }

  setWakeup(atMs: number | undefined, onWake: () => void): void {
    this.clearPending();
    if (atMs === undefined || this.stopped) return;
    const worldAt = Math.max(this.world.nowMs, this.toWorldNotEarly(atMs));
    this.pending = this.world.at(worldAt, `${this.label}:wake`, () => {
      this.pending = undefined;
      onWake();
    });
  }

  /** Whether a wake-up is armed (an idle host leaves none). */
  get armed(): boolean {
    return this.pending !== undefined;
  }

  /**
   * Changes the skew from now on while keeping local time continuous (a rate change) or stepping
   * it (an offset change), as NTP slews and steps do. A pending wake-up keeps its world instant.
   */
  adjust(skew: ClockSkew): void {
    const localNow = this.nowMs();
    if (skew.rate !== undefined) {
      if (!(skew.rate > 0)) throw new RangeError(`clock rate must be > 0, got ${skew.rate}`);
      this.rate = skew.rate;
      this.offsetMs = localNow - this.rate * this.world.nowMs;
    }
    if (skew.offsetMs !== undefined) this.offsetMs += skew.offsetMs;
  }

  /** Stops the clock for good: the host crashed, and its timers die with it. */
  stop(): void {
    this.stopped = true;
    this.clearPending();
  }

  private toLocal(worldMs: number): number {
    return this.offsetMs + this.rate * worldMs;
  }

  /** The world instant at which local time reaches `localMs`, nudged up past float rounding. */
  private toWorldNotEarly(localMs: number): number {
    let worldMs = (localMs - this.offsetMs) / this.rate;
    for (let i = 0; i < 64 && this.toLocal(worldMs) < localMs; i++) {
      worldMs += Math.max(Number.MIN_VALUE, Math.abs(worldMs) * Number.EPSILON);
    }
    return worldMs;
  }

  private clearPending(): void {
    if (this.pending !== undefined) {
      this.world.cancel(this.pending);
      this.pending = undefined;
    }
  }
}
