/** A response a server transaction has sent, kept so retransmissions resend the identical bytes (RFC 3261 §17.2.1, §17.2.2, §18.2.2). */
import { serializeMessage } from '../sip';
import type { SipResponse } from '../sip/message';
import type { Destination, ReceiveContext, TransportLayer } from '../transport/transport-layer';

export type OutboundResponseResult =
  | { readonly ok: true; readonly sent: OutboundResponse }
  | { readonly ok: false; readonly reason: string };

export class OutboundResponse {
  private bytes: Uint8Array | undefined;

  private constructor(readonly response: SipResponse, readonly destination: Destination, readonly reliable: boolean) {}

  /** Sends `response` once to where §18.2.2 says for `context`, and records where it went. */
  static send(transport: TransportLayer, response: SipResponse, context: ReceiveContext): OutboundResponseResult {
    const outcome = transport.sendResponse(response, context);
    if (!outcome.ok) return { ok: false, reason: `${outcome.code}: ${outcome.reason}` };
    const destination: Destination = {
      protocol: outcome.protocol, address: outcome.destination,
      ...(outcome.protocol === context.protocol && context.connectionId !== undefined ? { connectionId: context.connectionId } : {}),
    };
    return { ok: true, sent: new OutboundResponse(response, destination, transport.isReliable(outcome.protocol)) };
  }

  get status(): number {
    return this.response.status;
  }

  /** Resends the identical bytes (serialized on first need). */
  resend(transport: TransportLayer): void {
    if (this.bytes === undefined) this.bytes = serializeMessage(this.response);
    transport.resend(this.bytes, this.destination);
  }
}
