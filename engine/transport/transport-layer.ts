/**
 * The contract between the SIP transport layer (RFC 3261 §18) and the transaction layer above it.
 * The transport layer owns Via sent-by/received/rport handling, destination choice for responses,
 * stream framing and connection reuse; the transaction layer sees parsed messages and send outcomes.
 */
import type { SocketAddress, TransportProtocol } from '../ports/transport';
import type { SipRequest, SipResponse } from '../sip/message';

/** Where a request goes: the resolved next hop (RFC 3263 resolution happens above, in the TU). */
export interface Destination {
  readonly protocol: TransportProtocol;
  readonly address: SocketAddress;
  /** Reuse this stream connection if still open. */
  readonly connectionId?: string;
}

/** Where and how a message arrived; kept with server transactions so responses can follow §18.2.2. */
export interface ReceiveContext {
  readonly protocol: TransportProtocol;
  readonly local: SocketAddress;
  readonly source: SocketAddress;
  readonly connectionId?: string;
}

export type SendOutcome =
  | { readonly ok: true; readonly protocol: TransportProtocol; readonly destination: SocketAddress }
  | { readonly ok: false; readonly code: 'too-large' | 'no-route' | 'unsupported-transport'; readonly reason: string };

/** What the transaction layer calls to send. */
export interface TransportLayer {
  /**
   * Sends a request (the top Via must already carry its branch; the transport layer fills sent-by,
   * transport and rport per §18.1.1 and RFC 3581, and switches an oversized UDP request to TCP).
   * Returns the request actually sent (with its final top Via) so retransmissions reuse the same bytes;
   * `bytes`, when given, are those exact bytes, so the caller need not serialize `sent` again.
   * A send may switch transport (oversized UDP goes over TCP): `outcome.protocol` is the one used.
   */
  sendRequest(request: SipRequest, destination: Destination): { readonly outcome: SendOutcome; readonly sent: SipRequest; readonly bytes?: Uint8Array };
  /** Sends a response to where §18.2.2 says, using the context its request arrived with. */
  sendResponse(response: SipResponse, context: ReceiveContext): SendOutcome;
  /** Sends already-serialized bytes (retransmissions: the transaction keeps the bytes it sent). */
  resend(bytes: Uint8Array, destination: Destination): void;
  isReliable(protocol: TransportProtocol): boolean;
}

/** What the transport layer delivers upward (implemented by the transaction layer). */
export interface TransportUser {
  /** A parsed request, its top Via already stamped with received/rport (§18.2.1, RFC 3581). */
  onRequest(request: SipRequest, context: ReceiveContext): void;
  /** A parsed response whose top Via sent-by matched us (§18.1.2). */
  onResponse(response: SipResponse, context: ReceiveContext): void;
  /** A send failed after the fact (ICMP unreachable, refused or dropped connection): §17.1.4 / §18.4. */
  onTransportError(destination: Destination, reason: string): void;
}
