/** The engine's TimerService over the Clock port's single wake-up slot (DESIGN.md, Timers and tables; RFC 3261 §17 timers run on it). */
import type { Clock } from '../ports/clock';
import type { TimerId, TimerService } from './timer-service';
import { TimerQueue } from './timer-queue';

export type TimerErrorCode = 'ERR_TIMER_INVALID_DELAY' | 'ERR_TIMER_INVALID_CALLBACK';

export class TimerError extends Error {
  constructor(
    readonly code: TimerErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TimerError';
  }
}

export interface ClockTimerServiceOptions {
  /**
   * Receives what a timer callback threw. Required: one bad callback must not stop the other
   * timers, and its error must not vanish either.
   */
  readonly onError: (error: unknown, id: TimerId) => void;
}

/**
 * Fires timers in (deadline, scheduling order). A timer scheduled at clock time t for d ms fires
 * on the first wake-up at which the clock reads >= t + d; with a virtual clock that is exactly t + d.
 */
export class ClockTimerService implements TimerService {
  private readonly queue = new TimerQueue();
  private readonly onError: (error: unknown, id: TimerId) => void;
  /** The deadline the clock's wake-up slot is armed for, undefined when disarmed. */
  private armedAtMs: number | undefined = undefined;
  private draining = false;
  private readonly wake = (): void => this.onWake();

  constructor(
    private readonly clock: Clock,
    options: ClockTimerServiceOptions,
  ) {
    if (typeof options?.onError !== 'function') {
      throw new TimerError('ERR_TIMER_INVALID_CALLBACK', 'ClockTimerService needs an onError handler');
    }
    this.onError = options.onError;
  }

  get armedCount(): number {
    return this.queue.size;
  }

  /** The earliest armed deadline on the clock's scale, for a driver that polls instead of waking. */
  nextDeadlineMs(): number | undefined {
    return this.queue.peekDeadline();
  }

  schedule(delayMs: number, fire: () => void): TimerId {
    if (!(delayMs >= 0 && delayMs !== Infinity)) {
      throw new TimerError('ERR_TIMER_INVALID_DELAY', `timer delay must be a finite number >= 0, got ${delayMs}`);
    }
    if (typeof fire !== 'function') {
      throw new TimerError('ERR_TIMER_INVALID_CALLBACK', 'timer callback must be a function');
    }
    const deadlineMs = this.clock.nowMs() + delayMs;
    const id = this.queue.add(deadlineMs, fire);
    if (!this.draining && (this.armedAtMs === undefined || deadlineMs < this.armedAtMs)) {
      this.arm(deadlineMs);
    }
    return id;
  }

  cancel(id: TimerId): void {
    if (!this.queue.remove(id)) return;
    // A wake-up armed for a cancelled head is left alone: it finds nothing due and re-arms.
    // Only an empty queue disarms, so an idle simulated host leaves no event behind.
    if (this.queue.size === 0 && this.armedAtMs !== undefined && !this.draining) {
      this.armedAtMs = undefined;
      this.clock.setWakeup(undefined, this.wake);
    }
  }

  /**
   * Fires everything due. Timers scheduled by a callback during this drain wait for the next
   * wake-up even when already due, so a callback that re-arms itself with delay 0 cannot spin here.
   */
  private onWake(): void {
    this.armedAtMs = undefined;
    const nowMs = this.clock.nowMs();
    const sequenceLimit = this.queue.sequenceMark;
    const queue = this.queue;
    this.draining = true;
    try {
      while (queue.size > 0 && (queue.peekDeadline() as number) <= nowMs && queue.peekSequence() < sequenceLimit) {
        const id = queue.peekId();
        const fire = queue.pop();
        try {
          fire();
        } catch (error) {
          this.onError(error, id);
        }
      }
    } finally {
      this.draining = false;
      const next = queue.peekDeadline();
      if (next !== undefined) this.arm(next);
      else this.clock.setWakeup(undefined, this.wake);
    }
  }

  private arm(atMs: number): void {
    this.armedAtMs = atMs;
    this.clock.setWakeup(atMs, this.wake);
  }
}
