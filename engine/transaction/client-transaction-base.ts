/** What the INVITE and non-INVITE client transactions share (RFC 3261 §17.1): the request sent, where it went, and transport failure (§17.1.4). */
import type { SipRequest } from '../sip/message';
import type { Destination } from '../transport/transport-layer';
import { OutboundRequest } from './outbound-request';
import { TransactionBase } from './transaction-base';
import type { TransactionEnv } from './transaction-env';
import type { ClientTransaction, ClientTransactionUser, IctState, NictState, TerminationCause } from './transaction-types';

export abstract class ClientTransactionBase<S extends IctState | NictState> extends TransactionBase<S> implements ClientTransaction {
  abstract override readonly kind: 'ict' | 'nict';
  abstract readonly method: string;
  /** What went out, once the first send succeeded: retransmissions resend its bytes. */
  protected out: OutboundRequest | undefined;

  protected constructor(
    env: TransactionEnv,
    key: string,
    readonly branch: string,
    private readonly initial: SipRequest,
    private readonly initialDestination: Destination,
    protected readonly user: ClientTransactionUser,
    /** Calling or Trying: the state the request is sent in. */
    private readonly first: S,
  ) {
    super(env, key, first);
  }

  get primary(): string {
    return this.branch;
  }

  get request(): SipRequest {
    return this.out?.request ?? this.initial;
  }

  get destination(): Destination {
    return this.out?.destination ?? this.initialDestination;
  }

  /** Sends the request and enters Calling or Trying; a synchronous send failure ends the transaction (§17.1.4). */
  start(): void {
    const result = OutboundRequest.send(this.env.transport, this.initial, this.initialDestination);
    if (!result.ok) {
      this.failTransport(result.reason);
      return;
    }
    this.out = result.sent;
    this.env.track(this, result.sent.destination);
    this.enter(this.first);
  }

  onTransportFailure(reason: string): void {
    // §17.1.4: a failure matters only while the request still awaits a final response.
    if (this.current === this.first || this.current === 'Proceeding') this.failTransport(reason);
  }

  protected notifyTerminated(cause: TerminationCause): void {
    this.user.onTerminated?.(this, cause);
  }

  private failTransport(reason: string): void {
    this.user.onTransportError(this, reason);
    this.end('transport-error');
  }
}
