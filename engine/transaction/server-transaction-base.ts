/** What the INVITE and non-INVITE server transactions share (RFC 3261 §17.2): the request, sending responses (§18.2.2), and transport failure (§17.2.4). */
import type { SipRequest, SipResponse } from '../sip/message';
import type { ReceiveContext } from '../transport/transport-layer';
import { OutboundResponse } from './outbound-response';
import { TransactionBase } from './transaction-base';
import type { TransactionEnv } from './transaction-env';
import type { IstState, NistState, ServerTransaction, TerminationCause } from './transaction-types';

export abstract class ServerTransactionBase<S extends IstState | NistState> extends TransactionBase<S> implements ServerTransaction {
  abstract override readonly kind: 'ist' | 'nist';
  abstract readonly method: string;
  /** Whether the request came over a reliable transport: retransmission timers run only when it did not. */
  protected readonly reliable: boolean;
  /** The last response that went out. */
  protected lastSent: OutboundResponse | undefined;

  protected constructor(
    env: TransactionEnv,
    key: string,
    readonly primary: string,
    readonly request: SipRequest,
    readonly context: ReceiveContext,
    first: S,
  ) {
    super(env, key, first);
    this.reliable = env.transport.isReliable(context.protocol);
  }

  get lastResponse(): SipResponse | undefined {
    return this.lastSent?.response;
  }

  abstract respond(response: SipResponse): boolean;

  onTransportFailure(reason: string): void {
    if (this.current === 'Terminated') return;
    // §17.2.4: with no alternative address to try, the transaction ends and the TU is told.
    this.env.user.onServerTransportError?.(this, reason);
    this.end('transport-error');
  }

  /** Sends `response` where §18.2.2 says; a failure ends the transaction and yields undefined. */
  protected send(response: SipResponse): OutboundResponse | undefined {
    const result = OutboundResponse.send(this.env.transport, response, this.context);
    if (!result.ok) {
      this.onTransportFailure(result.reason);
      return undefined;
    }
    if (this.lastSent === undefined) this.env.track(this, result.sent.destination);
    this.lastSent = result.sent;
    return result.sent;
  }

  protected notifyTerminated(cause: TerminationCause): void {
    this.env.user.onServerTransactionTerminated?.(this, cause);
  }
}
