/** The real Clock: monotonic performance-counter milliseconds and one Node timer for the wake-up slot (DESIGN.md, runtime/). */
import { performance } from 'node:perf_hooks';
import type { Clock } from '../ports/clock';

export interface RealClockOptions {
  /** Let the process exit while a wake-up is pending (for CLIs and tests); default false. */
  readonly unref?: boolean;
}

export class RealClock implements Clock {
  private handle: NodeJS.Timeout | undefined = undefined;
  private readonly unref: boolean;

  constructor(options: RealClockOptions = {}) {
    this.unref = options.unref ?? false;
  }

  nowMs(): number {
    return performance.now();
  }

  setWakeup(atMs: number | undefined, onWake: () => void): void {
    this.clear();
    if (atMs === undefined) return;
    this.armFor(atMs, onWake);
  }

  /** Drops the pending wake-up, so nothing keeps the event loop alive. */
  close(): void {
    this.clear();
  }

  private armFor(atMs: number, onWake: () => void): void {
    const delayMs = Math.max(0, Math.ceil(atMs - this.nowMs()));
    const handle = setTimeout(() => {
      this.handle = undefined;
      // Node's timers work in whole loop-milliseconds and can run a fraction early: never wake early.
      if (this.nowMs() < atMs) this.armFor(atMs, onWake);
      else onWake();
    }, delayMs);
    if (this.unref) handle.unref();
    this.handle = handle;
  }

  private clear(): void {
    if (this.handle !== undefined) {
      clearTimeout(this.handle);
      this.handle = undefined;
    }
  }
}
