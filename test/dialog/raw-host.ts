/** Test support: a scripted SIP peer on a simulator host that speaks raw messages (engine parser and builders, no transactions). */
import type { InboundPacket, SocketAddress } from '../../engine/ports/transport';
import { parseMessage, serializeMessage } from '../../engine/sip';
import type { SipMessage } from '../../engine/sip/message';
import type { HostContext, SimHost, World } from '../../simulator';

export interface RawPeer {
  readonly ctx: HostContext;
  readonly received: SipMessage[];
  send(message: SipMessage, to: SocketAddress): void;
}

export function addRawPeer(world: World, name: string, address: string, onMessage: (peer: RawPeer, message: SipMessage, packet: InboundPacket) => void): SimHost<RawPeer> {
  return world.addHost<RawPeer>({
    name,
    addresses: [address],
    listen: [{ protocol: 'udp', port: 5060 }],
    build: (ctx) => {
      const peer: RawPeer = {
        ctx,
        received: [],
        send: (message, to) => ctx.transport.send({ protocol: 'udp', local: { host: address, port: 5060 }, destination: to, data: serializeMessage(message) }),
      };
      ctx.onPacket((packet) => {
        const parsed = parseMessage(packet.data);
        if (!parsed.ok) throw new Error(`raw peer ${name} got unparseable bytes: ${parsed.error.reason}`);
        peer.received.push(parsed.message);
        onMessage(peer, parsed.message, packet);
      });
      return peer;
    },
  });
}
