/**
 * UDP retransmission of a call's last send, SIPp style (RFC 3261 §17.1.1.2 Timer A for INVITE:
 * doubling without cap; §17.1.2.2 Timer E for the rest: doubling up to T2). One per call: a new
 * send replaces it; a matching receive stops it or, for a non-INVITE provisional, slows it to T2.
 */
import type { TimerId, TimerService } from '../../engine/timers/timer-service';

export interface RetransmissionHooks {
  /** Sends the bytes again; the call counts it. */
  resend(stepIndex: number): void;
  /** The count is used up: the call fails with FailedMaxUDPRetrans. */
  exhausted(stepIndex: number): void;
}

export class Retransmission {
  private timer: TimerId | undefined;
  private count = 0;
  private delayMs = 0;
  private invite = false;
  private max = 0;
  /** The step whose send is being retransmitted; -1 when none. */
  stepIndex = -1;

  constructor(
    private readonly timers: TimerService,
    private readonly t2Ms: number,
    private readonly hooks: RetransmissionHooks,
  ) {}

  get active(): boolean {
    return this.timer !== undefined;
  }

  start(stepIndex: number, firstDelayMs: number, invite: boolean, maxRetrans: number): void {
    this.stop();
    this.stepIndex = stepIndex;
    this.count = 0;
    this.delayMs = firstDelayMs;
    this.invite = invite;
    this.max = maxRetrans;
    this.timer = this.timers.schedule(firstDelayMs, this.fire);
  }

  stop(): void {
    if (this.timer !== undefined) this.timers.cancel(this.timer);
    this.timer = undefined;
  }

  /** §17.1.2.2: a provisional response moves a non-INVITE client transaction to retransmitting every T2. */
  slowToT2(): void {
    if (this.timer === undefined) return;
    this.timers.cancel(this.timer);
    this.delayMs = this.t2Ms;
    this.timer = this.timers.schedule(this.t2Ms, this.fire);
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    this.count++;
    if (this.count > this.max) {
      this.hooks.exhausted(this.stepIndex);
      return;
    }
    this.delayMs *= 2;
    if (!this.invite && this.delayMs > this.t2Ms) this.delayMs = this.t2Ms;
    this.timer = this.timers.schedule(this.delayMs, this.fire);
    this.hooks.resend(this.stepIndex);
  };
}
