/**
 * The engine's one timer facility (DESIGN.md, Timers and tables): SIP Timers A–K, session
 * lifetimes and cleanup all go through it, driven by the Clock port.
 */

/** Opaque handle of an armed timer. */
export type TimerId = number;

export interface TimerService {
  /** Arms a timer that calls `fire` once, `delayMs` after the clock's now. */
  schedule(delayMs: number, fire: () => void): TimerId;
  /** Disarms a timer; cancelling one that already fired or was cancelled is a no-op. */
  cancel(id: TimerId): void;
  /** How many timers are armed now: tests assert it returns to zero when everything has ended. */
  readonly armedCount: number;
}
