/** Test support for the session starters (pickup, 3PCC, MI bridge, two calls): parties that log what reaches them on the wire. */
import { parseMessage } from '../../engine/sip';
import type { SipRequest } from '../../engine/sip/message';
import type { BodyPart } from '../../engine/dialog/request-factory';
import { createUserAgentStack } from '../../engine/dialog/user-agent-stack';
import type { InviteSession } from '../../engine/dialog/invite-session';
import type { IncomingInvite } from '../../engine/dialog/incoming-invite';
import type { Reply } from '../../engine/dialog/session-types';
import type { SimHost, World } from '../../simulator';
import type { SimUa } from '../dialog/sim-ua';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function sdp(name: string): BodyPart {
  return { body: encoder.encode(`v=0\r\no=${name} 1 1 IN IP4 10.0.0.1\r\ns=${name}\r\n`), contentType: 'application/sdp' };
}

/** `s=<name>` of an SDP body, or "empty". */
export function sdpName(body: Uint8Array): string {
  if (body.length === 0) return 'empty';
  return /\r\ns=([^\r\n]*)/.exec(decoder.decode(body))?.[1] ?? 'other';
}

export type PartyPlan = 'answer' | 'ring' | { readonly reject: number };

export interface Party {
  readonly name: string;
  /** What reached this party, in order: `INVITE <sdp>`, `ACK <sdp>`, `BYE`, `200 <sdp>` (responses by status). */
  readonly wire: string[];
  /** Virtual time of each wire entry. */
  readonly times: number[];
  readonly requests: SipRequest[];
  session: InviteSession | undefined;
  invite: IncomingInvite | undefined;
  ended: string | undefined;
  /** Replaces the default re-INVITE answer (200 with the party's SDP). */
  onReinvite?: ((request: SipRequest, reply: Reply, answer: () => void) => void) | undefined;
}

/** A UA that answers INVITEs per `plan` with its own SDP (as offer or answer) and re-INVITEs with the same. */
export function addParty(
  world: World, name: string, address: string, plan: PartyPlan = 'answer', log?: string[], body: BodyPart = sdp(name),
): SimHost<SimUa> & { readonly party: Party } {
  const party: Party = { name, wire: [], times: [], requests: [], session: undefined, invite: undefined, ended: undefined, onReinvite: undefined };
  const watch = (session: InviteSession): void => watchSession(party, session, body);
  const host = world.addHost<SimUa>({
    name, addresses: [address], listen: [{ protocol: 'udp', port: 5060 }],
    build: (ctx) => {
      const stack = createUserAgentStack({
        transport: ctx.transport,
        listen: [{ protocol: 'udp', local: { host: address, port: 5060 }, advertised: { host: address, port: 5060 } }],
        timers: ctx.timers, random: ctx.random,
        delegate: {
          onInvite: (invite) => {
            party.invite = invite;
            if (typeof plan === 'object') {
              invite.reject(plan.reject);
              return;
            }
            invite.progress(180);
            if (plan === 'ring') return;
            ctx.timers.schedule(20, () => {
              if (invite.state !== 'proceeding') return;
              const session = invite.accept({ body });
              if (session !== undefined) watch(session);
            });
          },
        },
      });
      ctx.onPacket((packet) => {
        const parsed = parseMessage(packet.data);
        if (parsed.ok) {
          const m = parsed.message;
          const line = m.kind === 'request' ? `${m.method} ${sdpName(m.body)}` : `${m.status} ${sdpName(m.body)}`;
          if (m.kind === 'request') party.requests.push(m);
          if (m.kind === 'request' || m.status >= 200) {
            party.wire.push(line);
            party.times.push(world.nowMs);
            log?.push(`${name}<${line}`);
          }
        }
        stack.receive(packet);
      });
      return { stack, ctx };
    },
  });
  return Object.assign(host, { party });
}

/** Hooks an outgoing call's session into the party's log. */
export function watchSession(party: Party, session: InviteSession, body: BodyPart): void {
  party.session = session;
  session.handler = {
    onTerminated: (_s, reason) => { party.ended = reason; },
    onReinvite: (_s, request, reply) => {
      const answer = (): void => reply(200, { body });
      if (party.onReinvite === undefined) answer();
      else party.onReinvite(request, reply, answer);
    },
  };
}

/** The wire lines without 2xx retransmissions and the like: each distinct consecutive line once. */
export function distinct(lines: readonly string[]): string[] {
  return lines.filter((line, i) => i === 0 || lines[i - 1] !== line);
}
