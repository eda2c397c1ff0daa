/**
 * One request an entity sends, in its client transaction (RFC 3261 §17.1), answering a 401/407 once
 * with configured credentials before anyone above hears of it (§22.2–22.3, opensips-b2b.md §1.6).
 */
import type { SipRequest, SipResponse } from '../../sip/message';
import type { ClientTransaction } from '../../transaction/transaction-types';
import type { Destination } from '../../transport/transport-layer';
import { placeholderVia } from '../../dialog/request-factory';
import { answerChallenge } from './digest-auth';
import type { EntityServices } from './entity-services';

export interface OutgoingHandlers {
  /** Every response except a challenge we answered ourselves (100 Trying included: it allows a CANCEL, §9.1). */
  onResponse(response: SipResponse): void;
  /** No response (Timer B/F → 408) or a transport failure (→ 503), §8.1.3.1. */
  onFailure(status: 408 | 503, reason: string): void;
  /** The live transaction ended (after Timer M for an INVITE 2xx, RFC 6026): no more responses through it. */
  onDone?(): void;
}

export class OutgoingRequest {
  private current: SipRequest;
  private txValue: ClientTransaction | undefined;
  private challenged = false;
  private stopped = false;

  constructor(
    private readonly services: EntityServices,
    request: SipRequest,
    readonly destination: Destination,
    /** The CSeq number for a resent request (§22.2: a new CSeq, same Call-ID and tags). */
    private readonly nextSeq: () => number,
    private readonly handlers: OutgoingHandlers,
  ) {
    this.current = request;
  }

  /** The live client transaction (after an auth retry, the retry's). */
  get tx(): ClientTransaction | undefined {
    return this.txValue;
  }

  /** The request as last sent, with its final top Via when the transaction has it. */
  get request(): SipRequest {
    return this.txValue?.request ?? this.current;
  }

  start(): void {
    this.send(this.current);
  }

  /** No more upcalls (the entity ended); the transaction runs out on its own timers. */
  stop(): void {
    this.stopped = true;
  }

  private send(request: SipRequest): void {
    this.txValue = this.services.transactions.sendRequest(request, this.destination, {
      onResponse: (response) => this.onResponse(response),
      onTimeout: () => this.fail(408, 'Request Timeout'),
      onTransportError: (_tx, reason) => this.fail(503, `Service Unavailable (${reason})`),
      onTerminated: (tx) => {
        // A transaction replaced by an auth retry ends too; only the live one counts.
        if (tx === this.txValue && !this.stopped) this.handlers.onDone?.();
      },
    });
  }

  private onResponse(response: SipResponse): void {
    if (this.stopped) return;
    if ((response.status === 401 || response.status === 407) && !this.challenged && this.retryWithCredentials(response)) return;
    this.handlers.onResponse(response);
  }

  private retryWithCredentials(response: SipResponse): boolean {
    const header = answerChallenge(this.current, response, this.services.config.credentials, this.services.random.token(16));
    if (header === undefined) return false;
    this.challenged = true;
    const method = this.current.method;
    // §22.2: the retry is a new transaction: new branch, CSeq one higher, credentials added.
    this.current = this.current
      .withoutHeader('Authorization').withoutHeader('Proxy-Authorization')
      .withHeaderValues('Via', [placeholderVia(this.services.random)])
      .withHeaderValues('CSeq', [`${this.nextSeq()} ${method}`])
      .withHeader(header[0], header[1]);
    this.send(this.current);
    return true;
  }

  private fail(status: 408 | 503, reason: string): void {
    if (this.stopped) return;
    this.handlers.onFailure(status, reason);
  }
}
