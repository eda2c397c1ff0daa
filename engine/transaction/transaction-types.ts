/** The transaction layer's upward interface (RFC 3261 §17, RFC 6026): transactions as the TU sees them, and the TU callbacks. */
import type { SipRequest, SipResponse } from '../sip/message';
import type { Destination, ReceiveContext } from '../transport/transport-layer';

export type TransactionKind = 'ict' | 'nict' | 'ist' | 'nist';

/** §17.1.1.2 Figure 5 with RFC 6026's Accepted state. */
export type IctState = 'Calling' | 'Proceeding' | 'Accepted' | 'Completed' | 'Terminated';
/** §17.1.2.2 Figure 6. */
export type NictState = 'Trying' | 'Proceeding' | 'Completed' | 'Terminated';
/** §17.2.1 Figure 7 with RFC 6026's Accepted state. */
export type IstState = 'Proceeding' | 'Accepted' | 'Completed' | 'Confirmed' | 'Terminated';
/** §17.2.2 Figure 8. */
export type NistState = 'Trying' | 'Proceeding' | 'Completed' | 'Terminated';
export type TransactionState = IctState | NictState | IstState | NistState;

/** Which timer ended a client transaction without a final response. */
export type ClientTimeoutTimer = 'B' | 'C' | 'F';

/** Why a transaction reached Terminated (for logs, traces and the TU). */
export type TerminationCause =
  | 'completed' | 'timeout' | 'transport-error' | 'terminated-by-tu' | 'no-final-response';

export interface ClientTransaction {
  readonly kind: 'ict' | 'nict';
  readonly key: string;
  readonly branch: string;
  readonly method: string;
  /** The request as sent (its top Via final): e.g. the base for a CANCEL (§9.1). */
  readonly request: SipRequest;
  /** Where it went (the transport layer may have moved an oversized UDP request to TCP, §18.1.1). */
  readonly destination: Destination;
  readonly state: IctState | NictState;
  /** Ends the transaction at once: timers cancelled, no more upcalls except `onTerminated`. */
  terminate(): void;
}

export interface ClientTransactionUser {
  /**
   * Every response the transaction passes up: provisionals, the final response, and in the ICT's
   * Accepted state every further 2xx (retransmissions and forks, RFC 6026 §8.4).
   */
  onResponse(response: SipResponse, tx: ClientTransaction): void;
  /**
   * Timer B or F (or C) fired before a final response: the TU synthesises 408 (§8.1.3.1). After Timer C
   * the INVITE transaction stays in Proceeding for up to 64·T1 so the TU can CANCEL (§16.8); responses
   * may still be passed up in that time.
   */
  onTimeout(tx: ClientTransaction, timer: ClientTimeoutTimer): void;
  /** The request could not be sent, or the transport reported a failure (§17.1.4): the TU maps it to 503. */
  onTransportError(tx: ClientTransaction, reason: string): void;
  onTerminated?(tx: ClientTransaction, cause: TerminationCause): void;
}

export interface ServerTransaction {
  readonly kind: 'ist' | 'nist';
  readonly key: string;
  readonly method: string;
  readonly request: SipRequest;
  /** Where the request came from: responses follow §18.2.2 from it. */
  readonly context: ReceiveContext;
  readonly state: IstState | NistState;
  /** The last response sent, if any. */
  readonly lastResponse: SipResponse | undefined;
  /**
   * Sends a response through the transaction. Returns false (and sends nothing) when the state no
   * longer takes one (e.g. a 487 after a 200 already went out); throws on a status outside 100..699.
   */
  respond(response: SipResponse): boolean;
  /** Ends the transaction at once: timers cancelled, no more upcalls except `onServerTransactionTerminated`. */
  terminate(): void;
}

/** The INVITE server transaction, as handed to `onCancel` (§9.2). */
export interface InviteServerTransaction extends ServerTransaction {
  readonly kind: 'ist';
  readonly state: IstState;
}

/** What the transaction layer calls upward: implemented by the UA core / dialog layer. */
export interface TransactionUser {
  /** A new request (not a retransmission, not an ACK, not a CANCEL): answer with `serverTx.respond`. */
  onRequest(serverTx: ServerTransaction, request: SipRequest): void;
  /** An ACK that matched no server transaction, i.e. an ACK for a 2xx (§17.2.3, §13.3.1.4), or one the IST passes up in Accepted (RFC 6026 §8.7). */
  onStrayAck(ack: SipRequest, context: ReceiveContext): void;
  /** A response that matched no client transaction, e.g. a 2xx retransmission after the ICT ended (§13.2.2.4). */
  onStrayResponse(response: SipResponse, context: ReceiveContext): void;
  /**
   * A CANCEL matched an INVITE server transaction still in Proceeding. The layer has already answered
   * the CANCEL with 200 (§9.2); the TU answers the INVITE (normally 487). When this callback is absent
   * the layer sends the 487 itself.
   */
  onCancel?(inviteTx: InviteServerTransaction, cancel: SipRequest): void;
  /** Timer H fired: a final non-2xx response was never acknowledged (§17.2.1). */
  onServerTimeout?(tx: ServerTransaction): void;
  /** A response could not be sent (§17.2.4): the transaction has ended. */
  onServerTransportError?(tx: ServerTransaction, reason: string): void;
  onServerTransactionTerminated?(tx: ServerTransaction, cause: TerminationCause): void;
}

/** One state change, for traces, tests and metrics. */
export interface TransactionTransition {
  readonly kind: TransactionKind;
  readonly key: string;
  readonly from: TransactionState;
  readonly to: TransactionState;
}

export class TransactionError extends Error {
  constructor(readonly code: 'duplicate-transaction' | 'bad-response-status' | 'not-a-request-for-transaction', message: string) {
    super(message);
    this.name = 'TransactionError';
  }
}
