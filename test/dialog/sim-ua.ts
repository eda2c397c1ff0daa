/** Test support: user agents made of the engine's layers (transport, transactions, dialogs) on simulator hosts. */
import type { TransportProtocol } from '../../engine/ports/transport';
import { createUserAgentStack, type UserAgentStack } from '../../engine/dialog/user-agent-stack';
import type { UserAgentDelegate } from '../../engine/dialog/user-agent-core';
import type { HostContext, LinkSpec, SimHost } from '../../simulator';
import { World } from '../../simulator';

export interface SimUa {
  readonly stack: UserAgentStack;
  readonly ctx: HostContext;
}

export function addUa(world: World, name: string, address: string, delegate: UserAgentDelegate = {}, protocol: TransportProtocol = 'udp'): SimHost<SimUa> {
  return world.addHost<SimUa>({
    name,
    addresses: [address],
    listen: [{ protocol, port: 5060 }],
    build: (ctx) => {
      const stack = createUserAgentStack({
        transport: ctx.transport,
        listen: [{ protocol, local: { host: address, port: 5060 }, advertised: { host: address, port: 5060 } }],
        timers: ctx.timers,
        random: ctx.random,
        delegate,
      });
      ctx.onPacket((packet) => stack.receive(packet));
      return { stack, ctx };
    },
  });
}

/** What must hold once a world has gone idle: nothing left armed or live on any UA. */
export function leftovers(ua: SimUa): string[] {
  const out: string[] = [];
  const counts = ua.stack.core.counts;
  if (counts.sessions !== 0) out.push(`${ua.ctx.name}: ${counts.sessions} sessions`);
  if (counts.incomingInvites !== 0) out.push(`${ua.ctx.name}: ${counts.incomingInvites} incoming INVITEs`);
  if (counts.outgoingInvites !== 0) out.push(`${ua.ctx.name}: ${counts.outgoingInvites} outgoing INVITEs`);
  if (ua.stack.transactions.liveCount !== 0) out.push(`${ua.ctx.name}: ${ua.stack.transactions.liveCount} transactions`);
  if (ua.ctx.timers.armedCount !== 0) out.push(`${ua.ctx.name}: ${ua.ctx.timers.armedCount} timers armed`);
  return out;
}

export function lossyLink(loss: number, duplicate: number, reorder: number): Partial<LinkSpec> {
  return {
    latency: { kind: 'uniform', minMs: 5, maxMs: 40 },
    lossProbability: loss,
    duplicateProbability: duplicate,
    reorderProbability: reorder,
    reorderExtraMs: 200,
  };
}

export function newWorld(seed: number, link?: Partial<LinkSpec>): World {
  return new World({ seed, link });
}
