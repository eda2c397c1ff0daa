/** Test support: a B2BUA host (createB2bStack) on the simulator, plus caller/callee helpers built from the engine's UA layers. */
import type { TransportProtocol } from '../../engine/ports/transport';
import { parseUri } from '../../engine/sip';
import type { NameAddr } from '../../engine/sip/types';
import type { Destination } from '../../engine/transport/transport-layer';
import { createB2bStack, type B2bStack, type B2bStackOptions } from '../../engine/b2b/b2b-stack';
import { defaultEntitiesConfig } from '../../engine/b2b/entities/entity-types';
import { defaultLogicConfig, type LogicConfig } from '../../engine/b2b/logic/logic-types';
import type { HostContext, SimHost, World } from '../../simulator';

export interface SimB2b {
  readonly stack: B2bStack;
  readonly ctx: HostContext;
  readonly ended: string[];
}

export const B2B_ADDRESS = '10.0.0.9';

export function addB2b(
  world: World, logicConfig: Partial<LogicConfig> = {}, extra: Partial<Pick<B2bStackOptions, 'delegate' | 'entitiesConfig'>> = {},
): SimHost<SimB2b> {
  const protocols: TransportProtocol[] = ['udp', 'tcp'];
  return world.addHost<SimB2b>({
    name: 'b2b',
    addresses: [B2B_ADDRESS],
    listen: protocols.map((protocol) => ({ protocol, port: 5060 })),
    build: (ctx) => {
      const ended: string[] = [];
      const stack = createB2bStack({
        transport: ctx.transport,
        listen: protocols.map((protocol) => ({ protocol, local: { host: B2B_ADDRESS, port: 5060 }, advertised: { host: B2B_ADDRESS, port: 5060 } })),
        timers: ctx.timers, clock: ctx.clock, random: ctx.random,
        entitiesConfig: extra.entitiesConfig ?? defaultEntitiesConfig,
        logicConfig: { ...defaultLogicConfig, ...logicConfig },
        events: { onSessionEnd: (key, _scenario, cause) => ended.push(`${key} ${cause}`) },
        ...(extra.delegate === undefined ? {} : { delegate: extra.delegate }),
      });
      ctx.onPacket((packet) => stack.receive(packet));
      return { stack, ctx, ended };
    },
  });
}

/** What must hold once the world is idle: nothing live or armed on the B2BUA. */
export function b2bLeftovers(b2b: SimB2b): string[] {
  const out: string[] = [];
  const c = b2b.stack.counts();
  if (c.sessions !== 0) out.push(`b2b: ${c.sessions} sessions`);
  if (c.servers !== 0) out.push(`b2b: ${c.servers} server entities`);
  if (c.clients !== 0) out.push(`b2b: ${c.clients} client entities`);
  if (c.transactions !== 0) out.push(`b2b: ${c.transactions} transactions`);
  if (b2b.ctx.timers.armedCount !== 0) out.push(`b2b: ${b2b.ctx.timers.armedCount} timers armed`);
  return out;
}

/** The callee's identity as the caller dials it, and the B2BUA as the caller's next hop. */
export function calleeAt(address: string, user = 'bob'): NameAddr {
  return { uri: parseUri(`sip:${user}@${address}:5060`)!, params: new Map() };
}

export function viaB2b(protocol: TransportProtocol = 'udp'): Destination {
  return { protocol, address: { host: B2B_ADDRESS, port: 5060 } };
}

export const SDP_A = { body: new TextEncoder().encode('v=0\r\no=alice 1 1 IN IP4 10.0.0.1\r\ns=-\r\n'), contentType: 'application/sdp' };
export const SDP_B = { body: new TextEncoder().encode('v=0\r\no=bob 1 1 IN IP4 10.0.0.2\r\ns=-\r\n'), contentType: 'application/sdp' };
