/** The non-INVITE server transaction (RFC 3261 §17.2.2, Figure 8): Timer J. */
import type { SipRequest, SipResponse } from '../sip/message';
import type { ReceiveContext } from '../transport/transport-layer';
import { checkResponseStatus } from './response-status';
import { ServerTransactionBase } from './server-transaction-base';
import { assertNever, cancelTimer, NO_TIMER, type TransactionEnv } from './transaction-env';
import type { NistState } from './transaction-types';

export class NonInviteServerTransaction extends ServerTransactionBase<NistState> {
  override readonly kind = 'nist' as const;
  private timerJ = NO_TIMER;

  constructor(env: TransactionEnv, key: string, primary: string, request: SipRequest, context: ReceiveContext) {
    super(env, key, primary, request, context, 'Trying');
  }

  override get method(): string {
    return this.request.method;
  }

  override respond(response: SipResponse): boolean {
    checkResponseStatus(response);
    switch (this.current) {
      case 'Trying':
      case 'Proceeding':
        if (this.send(response) === undefined) return false;
        if (response.status >= 200) {
          this.transition('Completed');
          // §17.2.2: Timer J is zero on reliable transports, so Completed ends at once.
          if (this.state === 'Completed' && this.timerJ === NO_TIMER) this.transition('Terminated');
        } else if (this.current === 'Trying') {
          this.transition('Proceeding');
        }
        return true;
      case 'Completed':
      case 'Terminated':
        // §17.2.2: once final, further responses from the TU are discarded.
        return false;
      default:
        return assertNever(this.current);
    }
  }

  /** A retransmission of the request (§17.2.2): the last response goes out again; in Trying it is discarded. */
  receiveRetransmission(): void {
    switch (this.current) {
      case 'Trying':
      case 'Terminated':
        return;
      case 'Proceeding':
      case 'Completed':
        this.lastSent?.resend(this.env.transport);
        return;
      default:
        return assertNever(this.current);
    }
  }

  /** Arms the timers the state owns. */
  protected override enter(state: NistState): void {
    switch (state) {
      case 'Trying':
      case 'Proceeding':
        return;
      case 'Completed':
        // §17.2.2: Timer J = 64·T1 on unreliable transports, zero on reliable ones.
        if (!this.reliable) {
          this.timerJ = this.env.timers.schedule(64 * this.env.config.t1Ms, () => {
            this.timerJ = NO_TIMER;
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
  protected override leave(state: NistState): void {
    switch (state) {
      case 'Trying':
      case 'Proceeding':
      case 'Terminated':
        return;
      case 'Completed':
        this.timerJ = cancelTimer(this.env.timers, this.timerJ);
        return;
      default:
        return assertNever(state);
    }
  }
}
