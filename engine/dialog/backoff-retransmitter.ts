/**
 * The TU-level retransmission schedule shared by the UAS 2xx (RFC 3261 §13.3.1.4) and reliable
 * provisional responses (RFC 3262 §3): resend at T1, doubling (capped at T2 for the 2xx),
 * give up after 64·T1.
 */
import type { TimerId, TimerService } from '../timers/timer-service';

export interface BackoffOptions {
  readonly firstIntervalMs: number;
  /** Doubling stops here; undefined doubles without a cap (RFC 3262 §3 names no cap). */
  readonly capIntervalMs: number | undefined;
  readonly giveUpAfterMs: number;
  /** False on reliable transports: only the give-up timer runs then. */
  readonly retransmit: boolean;
  readonly resend: () => void;
  readonly onGiveUp: () => void;
}

export class BackoffRetransmitter {
  private resendTimer: TimerId | undefined;
  private giveUpTimer: TimerId | undefined;
  private intervalMs: number;
  private stopped = false;

  constructor(private readonly timers: TimerService, private readonly options: BackoffOptions) {
    this.intervalMs = options.firstIntervalMs;
    if (options.retransmit) this.resendTimer = timers.schedule(this.intervalMs, () => this.fire());
    this.giveUpTimer = timers.schedule(options.giveUpAfterMs, () => this.giveUp());
  }

  get isRunning(): boolean {
    return !this.stopped;
  }

  /** Stops both timers (ACK or PRACK arrived, or the dialog ended). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.resendTimer !== undefined) this.timers.cancel(this.resendTimer);
    if (this.giveUpTimer !== undefined) this.timers.cancel(this.giveUpTimer);
    this.resendTimer = undefined;
    this.giveUpTimer = undefined;
  }

  private fire(): void {
    this.resendTimer = undefined;
    if (this.stopped) return;
    this.options.resend();
    if (this.stopped) return;
    const doubled = this.intervalMs * 2;
    this.intervalMs = this.options.capIntervalMs === undefined ? doubled : Math.min(doubled, this.options.capIntervalMs);
    this.resendTimer = this.timers.schedule(this.intervalMs, () => this.fire());
  }

  private giveUp(): void {
    this.giveUpTimer = undefined;
    if (this.stopped) return;
    this.stop();
    this.options.onGiveUp();
  }
}
