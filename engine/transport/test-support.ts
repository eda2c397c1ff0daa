/** Test doubles for the transport layer: an in-memory Transport port and a TransportUser that records. */
import type { OutboundPacket, Transport, TransportFailure, TransportProtocol } from '../ports/transport';
import type { SipRequest, SipResponse } from '../sip/message';
import type { Destination, ReceiveContext, TransportUser } from './transport-layer';

export class FakeTransport implements Transport {
  readonly sent: OutboundPacket[] = [];
  readonly closed: string[] = [];
  private listener: ((failure: TransportFailure, packet: OutboundPacket) => void) | undefined;

  send(packet: OutboundPacket): void {
    this.sent.push(packet);
  }

  onFailure(listener: (failure: TransportFailure, packet: OutboundPacket) => void): void {
    this.listener = listener;
  }

  isReliable(protocol: TransportProtocol): boolean {
    return protocol !== 'udp';
  }

  closeConnection(connectionId: string): void {
    this.closed.push(connectionId);
  }

  /** Plays a late failure (ICMP, refused connect) for a packet sent earlier. */
  fail(failure: TransportFailure, packet: OutboundPacket): void {
    if (this.listener === undefined) throw new Error('no failure listener registered');
    this.listener(failure, packet);
  }
}

export class RecordingUser implements TransportUser {
  readonly requests: Array<{ request: SipRequest; context: ReceiveContext }> = [];
  readonly responses: Array<{ response: SipResponse; context: ReceiveContext }> = [];
  readonly errors: Array<{ destination: Destination; reason: string }> = [];

  onRequest(request: SipRequest, context: ReceiveContext): void {
    this.requests.push({ request, context });
  }

  onResponse(response: SipResponse, context: ReceiveContext): void {
    this.responses.push({ response, context });
  }

  onTransportError(destination: Destination, reason: string): void {
    this.errors.push({ destination, reason });
  }
}

/** A SIP message from lines joined with CRLF (and the blank line before the body added). */
export function sipText(lines: readonly string[], body = ''): string {
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}
