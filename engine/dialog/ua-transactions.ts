/**
 * What the UA core needs from the transaction layer (RFC 3261 §17), stated narrowly so the dialog
 * layer depends on a few calls; `transaction-adapter.ts` maps the real TransactionLayer onto it.
 */
import type { SipRequest, SipResponse } from '../sip/message';
import type { Destination } from '../transport/transport-layer';

/** A server transaction as the core uses it: respond (2xx retransmissions included, RFC 6026 Accepted). */
export interface UaServerTransaction {
  readonly request: SipRequest;
  respond(response: SipResponse): void;
}

export interface UaClientHandlers {
  /** Every response the client transaction passes up (in RFC 6026 Accepted, retransmitted 2xx too). */
  onResponse(response: SipResponse): void;
  /** Timer B/F, a transport error, or no route: the core synthesises 408 or 503 (§8.1.3.1). */
  onFailure(status: 408 | 503, reason: string): void;
  /** The client transaction is gone: no more responses through it. */
  onTerminated?(): void;
}

export interface UaClientTransaction {
  /** The request as sent (its top Via final), e.g. for building a CANCEL (§9.1). */
  readonly request: SipRequest;
}

export interface UaTransactions {
  sendRequest(request: SipRequest, destination: Destination, handlers: UaClientHandlers): UaClientTransaction;
  /** Sends an ACK for a 2xx outside any transaction (§13.2.2.4, §17.1.1.3 the ACK for 2xx is its own). */
  sendAck(ack: SipRequest, destination: Destination): void;
}

/** Upcalls the core takes from the transaction layer. */
export interface UaTransactionUser {
  onRequest(serverTx: UaServerTransaction, request: SipRequest): void;
  /** An ACK that matched no server transaction: the ACK for a 2xx (§17.2.3, §13.3.1.4). */
  onStrayAck(ack: SipRequest): void;
  /** A response that matched no client transaction: a 2xx retransmission after the ICT ended (§13.2.2.4). */
  onStrayResponse(response: SipResponse): void;
  /** A CANCEL matched this INVITE server transaction; the layer already answered the CANCEL 200 (§9.2). */
  onCancel(inviteTx: UaServerTransaction, cancel: SipRequest): void;
}
