/** The INVITE client transaction (RFC 3261 §17.1.1, Figure 5) with RFC 6026's Accepted state and Timer M (§7.2, §8.4), and a proxy-style Timer C (§16.8). */
import { createAckForNon2xx, serializeMessage } from '../sip';
import type { SipRequest, SipResponse } from '../sip/message';
import type { Destination } from '../transport/transport-layer';
import { ClientTransactionBase } from './client-transaction-base';
import { assertNever, cancelTimer as cancel, NO_TIMER, type TransactionEnv } from './transaction-env';
import type { ClientTransactionUser, IctState } from './transaction-types';

export class InviteClientTransaction extends ClientTransactionBase<IctState> {
  override readonly kind = 'ict' as const;
  override readonly method = 'INVITE';
  /** The ACK for the non-2xx final response, resent on each retransmission of it (§17.1.1.3). */
  private ackBytes: Uint8Array | undefined;
  private timerA = NO_TIMER;
  private intervalAMs: number;
  private timerB = NO_TIMER;
  /** Timer C while it runs; once it fired, the 64·T1 bound on waiting for the CANCELled INVITE's final response. */
  private timerC = NO_TIMER;
  private timerCFired = false;
  private timerD = NO_TIMER;
  private timerM = NO_TIMER;

  constructor(
    env: TransactionEnv,
    key: string,
    branch: string,
    initial: SipRequest,
    initialDestination: Destination,
    user: ClientTransactionUser,
  ) {
    super(env, key, branch, initial, initialDestination, user, 'Calling');
    this.intervalAMs = env.config.t1Ms;
  }

  /** A response matched to this transaction (§17.1.3). */
  receive(response: SipResponse): void {
    const status = response.status;
    switch (this.current) {
      case 'Calling':
      case 'Proceeding':
        if (status < 200) {
          if (this.current === 'Calling') this.transition('Proceeding');
          else this.restartTimerC();
          this.user.onResponse(response, this);
        } else if (status < 300) {
          // RFC 6026 §8.4: a 2xx moves the ICT to Accepted, not Terminated, so later 2xx still match.
          this.transition('Accepted');
          this.user.onResponse(response, this);
        } else {
          this.completeWith(response);
        }
        return;
      case 'Accepted':
        // RFC 6026 §8.4: each further 2xx (retransmission or fork) is passed up; anything else is dropped.
        if (status >= 200 && status < 300) this.user.onResponse(response, this);
        return;
      case 'Completed':
        // §17.1.1.2: a retransmitted final response MUST be answered with the same ACK and not passed up.
        if (status >= 300) this.resendAck();
        return;
      case 'Terminated':
        return;
      default:
        return assertNever(this.current);
    }
  }

  private completeWith(response: SipResponse): void {
    // §17.1.1.3: the ACK for a non-2xx goes to the same address, port and transport as the INVITE.
    this.ackBytes = serializeMessage(createAckForNon2xx(this.request, response));
    this.resendAck();
    this.transition('Completed');
    this.user.onResponse(response, this);
    // §17.1.1.2: Timer D is zero on reliable transports, so Completed ends at once.
    if (this.current === 'Completed' && this.timerD === NO_TIMER) this.transition('Terminated');
  }

  private resendAck(): void {
    if (this.ackBytes !== undefined && this.out !== undefined) this.env.transport.resend(this.ackBytes, this.out.destination);
  }

  /** Arms the timers the state owns. */
  protected override enter(state: IctState): void {
    const { timers, config } = this.env;
    switch (state) {
      case 'Calling':
        // §17.1.1.2: Timer A only on unreliable transports, starting at T1; Timer B = 64·T1 always.
        if (this.out !== undefined && !this.out.reliable) this.timerA = timers.schedule(this.intervalAMs, () => this.onTimerA());
        this.timerB = timers.schedule(64 * config.t1Ms, () => this.onTimerB());
        return;
      case 'Proceeding':
        this.restartTimerC();
        return;
      case 'Accepted':
        // RFC 6026 §7.2: Timer M = 64·T1 on every transport.
        this.timerM = timers.schedule(64 * config.t1Ms, () => {
          this.timerM = NO_TIMER;
          this.transition('Terminated');
        });
        return;
      case 'Completed':
        if (this.out !== undefined && !this.out.reliable) {
          this.timerD = timers.schedule(config.timerDMs, () => {
            this.timerD = NO_TIMER;
            this.transition('Terminated');
          });
        }
        return;
      case 'Terminated':
        this.retire();
        return;
      default:
        return assertNever(state);
    }
  }

  /** Cancels the timers the state owns. */
  protected override leave(state: IctState): void {
    const timers = this.env.timers;
    switch (state) {
      case 'Calling':
        this.timerA = cancel(timers, this.timerA);
        this.timerB = cancel(timers, this.timerB);
        return;
      case 'Proceeding':
        this.timerC = cancel(timers, this.timerC);
        return;
      case 'Accepted':
        this.timerM = cancel(timers, this.timerM);
        return;
      case 'Completed':
        this.timerD = cancel(timers, this.timerD);
        return;
      case 'Terminated':
        return;
      default:
        return assertNever(state);
    }
  }

  private onTimerA(): void {
    this.timerA = NO_TIMER;
    if (this.current !== 'Calling' || this.out === undefined) return;
    this.out.resend(this.env.transport);
    // §17.1.1.2: INVITE retransmission intervals double without the T2 cap.
    this.intervalAMs *= 2;
    this.timerA = this.env.timers.schedule(this.intervalAMs, () => this.onTimerA());
  }

  private restartTimerC(): void {
    const timerCMs = this.env.config.timerCMs;
    if (timerCMs === undefined || this.timerCFired) return;
    this.timerC = cancel(this.env.timers, this.timerC);
    this.timerC = this.env.timers.schedule(timerCMs, () => this.onTimerC());
  }

  private onTimerB(): void {
    this.timerB = NO_TIMER;
    this.user.onTimeout(this, 'B');
    this.end('timeout');
  }

  /**
   * §16.8: Timer C does not end the transaction: the TU is told (it answers 408 and CANCELs), and
   * the CANCELled INVITE's 487 still completes here, so it gets its ACK (§17.1.1.3). Without any
   * final response within 64·T1 (§9.1) the transaction ends so nothing is left behind.
   */
  private onTimerC(): void {
    this.timerCFired = true;
    // Armed before the upcall: a TU that terminates us from inside it cancels the bound too.
    this.timerC = this.env.timers.schedule(64 * this.env.config.t1Ms, () => {
      this.timerC = NO_TIMER;
      this.end('timeout');
    });
    this.user.onTimeout(this, 'C');
  }
}
