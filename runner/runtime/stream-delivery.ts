/**
 * Frames TCP byte streams into SIP messages before the executor sees them (RFC 3261 §18.3: on a
 * stream, Content-Length delimits messages; one chunk may hold several or part of one).
 */
import type { InboundPacket } from '../../engine/ports/transport';
import type { NodeTransport } from '../../engine/runtime/node-transport';
import { StreamBuffers } from '../../engine/transport/stream-buffers';

/** Hands `deliver` one packet per datagram, and one per framed message on streams. */
export function deliverFramed(transport: NodeTransport, deliver: (packet: InboundPacket) => void, onFramingError: (detail: string) => void): void {
  const buffers = new StreamBuffers(undefined);
  transport.onConnectionClosed((connectionId) => buffers.drop(connectionId));
  transport.onReceive((packet) => {
    if (packet.connectionId === undefined || packet.protocol === 'udp') {
      deliver(packet);
      return;
    }
    const framed = buffers.push(packet.connectionId, packet.data);
    for (const data of framed.messages) deliver({ ...packet, data });
    if (framed.error !== undefined) {
      // §18.3: a stream that cannot be framed any more is closed.
      buffers.drop(packet.connectionId);
      transport.closeConnection(packet.connectionId);
      onFramingError(framed.error);
    }
  });
}
