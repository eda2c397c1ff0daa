/** A request a client transaction has sent, kept so retransmissions resend the identical bytes (RFC 3261 §17.1.1.2, §17.1.2.2). */
import { serializeMessage } from '../sip';
import type { SipRequest } from '../sip/message';
import type { Destination, TransportLayer } from '../transport/transport-layer';

export type OutboundRequestResult =
  | { readonly ok: true; readonly sent: OutboundRequest }
  | { readonly ok: false; readonly reason: string };

export class OutboundRequest {
  private bytes: Uint8Array | undefined;

  private constructor(
    /** The request as the transport layer sent it (final top Via). */
    readonly request: SipRequest,
    /** The destination actually used (an oversized UDP request may have moved to TCP, §18.1.1). */
    readonly destination: Destination,
    readonly reliable: boolean,
    bytes: Uint8Array | undefined,
  ) {
    this.bytes = bytes;
  }

  /** Sends `request` once through the transport layer and records what went out. */
  static send(transport: TransportLayer, request: SipRequest, destination: Destination): OutboundRequestResult {
    const result = transport.sendRequest(request, destination);
    const outcome = result.outcome;
    if (!outcome.ok) return { ok: false, reason: `${outcome.code}: ${outcome.reason}` };
    const actual: Destination = outcome.protocol === destination.protocol && outcome.destination === destination.address
      ? destination
      : {
        protocol: outcome.protocol, address: outcome.destination,
        ...(outcome.protocol === destination.protocol && destination.connectionId !== undefined ? { connectionId: destination.connectionId } : {}),
      };
    // The concrete transport layer also hands back the bytes it serialized; the contract does not promise them.
    const extra = result as { readonly bytes?: Uint8Array };
    return { ok: true, sent: new OutboundRequest(result.sent, actual, transport.isReliable(outcome.protocol), extra.bytes) };
  }

  /** Resends the identical bytes (serialized on first need: reliable transports never retransmit). */
  resend(transport: TransportLayer): void {
    if (this.bytes === undefined) this.bytes = serializeMessage(this.request);
    transport.resend(this.bytes, this.destination);
  }
}
