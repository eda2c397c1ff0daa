/** The non-INVITE server transaction (RFC 3261 §17.2.2, Figure 8): Timer J. */
import type { SipRequest, SipResponse } from '../sip/message';
import type { ReceiveContext } from '../transport/transport-layer';
import { OutboundResponse } from './outbound-response';
import { checkResponseStatus } from './response-status';
import { assertNever, cancelTimer, NO_TIMER, type TrackedTransaction, type TransactionEnv } from './transaction-env';
import type { NistState, ServerTransaction, TerminationCause } from './transaction-types';

export class NonInviteServerTransaction implements ServerTransaction, TrackedTransaction {
  readonly kind = 'nist' as const;
  private current: NistState = 'Trying';
  private cause: TerminationCause = 'completed';
  private readonly reliable: boolean;
  private last: OutboundResponse | undefined;
  private timerJ = NO_TIMER;

  constructor(
    private readonly env: TransactionEnv,
    readonly key: string,
    readonly primary: string,
    readonly request: SipRequest,
    readonly context: ReceiveContext,
  ) {
    this.reliable = env.transport.isReliable(context.protocol);
  }

  get method(): string {
    return this.request.method;
  }

  get state(): NistState {
    return this.current;
  }

  get lastResponse(): SipResponse | undefined {
    return this.last?.response;
  }

  respond(response: SipResponse): boolean {
    checkResponseStatus(response);
    switch (this.current) {
      case 'Trying':
      case 'Proceeding': {
        const result = OutboundResponse.send(this.env.transport, response, this.context);
        if (!result.ok) {
          this.onTransportFailure(result.reason);
          return false;
        }
        if (this.last === undefined) this.env.track(this, result.sent.destination);
        this.last = result.sent;
        if (response.status >= 200) {
          this.transition('Completed');
          // §17.2.2: Timer J is zero on reliable transports, so Completed ends at once.
          if (this.state === 'Completed' && this.timerJ === NO_TIMER) this.transition('Terminated');
        } else if (this.current === 'Trying') {
          this.transition('Proceeding');
        }
        return true;
      }
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
        this.last?.resend(this.env.transport);
        return;
      default:
        return assertNever(this.current);
    }
  }

  onTransportFailure(reason: string): void {
    if (this.current === 'Terminated') return;
    // §17.2.4: with no alternative address to try, the transaction ends and the TU is told.
    this.env.user.onServerTransportError?.(this, reason);
    if (this.state !== 'Terminated') this.transition('Terminated', 'transport-error');
  }

  terminate(): void {
    if (this.current !== 'Terminated') this.transition('Terminated', 'terminated-by-tu');
  }

  private transition(to: NistState, cause: TerminationCause = 'completed'): void {
    const from = this.current;
    this.leave(from);
    this.current = to;
    if (to === 'Terminated') this.cause = cause;
    this.env.transitioned(this, from, to);
    this.enter(to);
  }

  /** Arms the timers the state owns. */
  private enter(state: NistState): void {
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
        this.env.retire(this);
        this.env.user.onServerTransactionTerminated?.(this, this.cause);
        return;
      default:
        return assertNever(state);
    }
  }

  /** Cancels the timers the state owns. */
  private leave(state: NistState): void {
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
