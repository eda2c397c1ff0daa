/** A host that records what it receives and sends text on demand: the simplest peer for simulator tests. */
import type { InboundPacket, SocketAddress, TransportFailure, TransportProtocol } from '../engine/ports/transport';
import type { ListenSpec } from './host';
import type { World } from './world';

export interface Received {
  readonly atMs: number;
  readonly text: string;
  readonly packet: InboundPacket;
}

export interface Recorder {
  readonly received: Received[];
  readonly failures: TransportFailure[];
  /** Sends `text` from this host's current incarnation. */
  send(destination: SocketAddress, text: string, protocol?: TransportProtocol, connectionId?: string): void;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function addRecorderHost(world: World, name: string, address: string, listen: readonly ListenSpec[] = [{ protocol: 'udp', port: 5060 }]): Recorder {
  const received: Received[] = [];
  const failures: TransportFailure[] = [];
  const host = world.addHost({
    name,
    addresses: [address],
    listen,
    build: (ctx) => {
      ctx.onPacket((packet) => received.push({ atMs: world.nowMs, text: decoder.decode(packet.data), packet }));
      ctx.transport.onFailure((failure) => failures.push(failure));
    },
  });
  return {
    received,
    failures,
    send: (destination, text, protocol = 'udp', connectionId) =>
      host.ctx.transport.send({ protocol, destination, data: encoder.encode(text), ...(connectionId === undefined ? {} : { connectionId }) }),
  };
}
