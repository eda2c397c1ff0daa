/**
 * Test support for the property tests of script-driven sessions (opensips-b2b.md §1.2, §1.4, §2.1):
 * a random service script made of b2b_logic verbs, random peers, and one run of both in the simulator
 * that reports what escaped, what was left and the trace digest.
 */
import { parseNameAddr, parseUri } from '../../engine/sip';
import type { BodyPart } from '../../engine/dialog/request-factory';
import type { InviteSession } from '../../engine/dialog/invite-session';
import type { IncomingInvite } from '../../engine/dialog/incoming-invite';
import type { OutgoingInvite } from '../../engine/dialog/outgoing-invite';
import type { SessionHandler } from '../../engine/dialog/session-types';
import { createUserAgentStack } from '../../engine/dialog/user-agent-stack';
import {
  LogicUsageError, type BridgeFlags, type LogicReplyContext, type LogicRequestContext, type LogicRoutes,
} from '../../engine/b2b/logic/scripted-types';
import type { SimHost, World } from '../../simulator';
import { leftovers, lossyLink, newWorld, type SimUa } from '../dialog/sim-ua';
import { b2bLeftovers, calleeAt, viaB2b } from './sim-b2b';
import { addScriptedB2b } from './scripted-sim';

// ---- the generated case ----

/** Parties the script can call: two transfer targets, a provisional-media server, a retry announcement. */
export type Target = 't1' | 't2';
export const ADDRESSES = { caller: '10.0.0.1', callee: '10.0.0.2', t1: '10.0.0.3', t2: '10.0.0.4', retry: '10.0.0.6', media: '10.0.0.8' } as const;
export type PartyName = keyof typeof ADDRESSES;

/** What the script does with a REFER / BYE / re-INVITE / INFO (§2.1 LQ verbs). */
export type Verb =
  | { readonly kind: 'pass' }
  | { readonly kind: 'reply'; readonly status: number }
  | { readonly kind: 'end'; readonly status?: number }
  | { readonly kind: 'delete' }
  | {
    readonly kind: 'bridge'; readonly status?: number; readonly endFirst: boolean; readonly side: 'peer' | 'this';
    readonly target: Target | 'refer-to'; readonly flags: BridgeFlags; readonly provMedia: boolean;
  };

export interface ScriptPlan {
  readonly refer: Verb;
  readonly bye: Verb;
  readonly reinvite: Verb;
  readonly info: Verb;
  /** Reply route: on a >=300 to an INVITE from a client, `bridgeRetry` to the retry party (at most this many times). */
  readonly retries: number;
}

export type Answer =
  | { readonly kind: 'answer'; readonly delayMs: number; readonly ring: boolean }
  | { readonly kind: 'reject'; readonly status: number; readonly delayMs: number }
  | { readonly kind: 'never'; readonly ring: boolean };

/** A peer: how it answers INVITEs, and what it does at random instants (ms after its dialog is confirmed). */
export interface PeerPlan {
  readonly answer: Answer;
  readonly hangupMs?: number;
  readonly reinviteMs?: number;
  readonly referMs?: number;
  readonly referTo: Target;
  readonly infoMs?: number;
  /** Status for re-INVITEs it receives (200 carries its SDP). */
  readonly reinviteStatus: number;
  /** Caller only: CANCEL this long after the INVITE if still unanswered. */
  readonly cancelMs?: number;
}

export interface PropertyCase {
  readonly seed: number;
  readonly loss: number;
  readonly duplicate: number;
  readonly script: ScriptPlan;
  readonly peers: Readonly<Record<PartyName, PeerPlan>>;
}

// ---- the outcome ----

export interface Outcome {
  /** Error lines with "threw" that are not the script's own misuse (LogicUsageError from a verb it called). */
  readonly escaped: string[];
  /** LogicUsageErrors the generated script provoked (the engine fails such calls cleanly). */
  readonly misuse: string[];
  /** Dialogs, INVITEs, transactions or timers still there on a peer after the drain. */
  readonly uaLeft: string[];
  /** Sessions, entities, transactions or timers still there on the B2BUA after the drain. */
  readonly b2bLeft: string[];
  readonly digest: string;
  readonly warnings: number;
  /** What each party saw, for reading a counterexample. */
  readonly story: string[];
  /** The simulator's packet trace (for digging into a counterexample by hand). */
  trace(): string;
}

/** Random actions stop here; then every human hangs up, and the world drains. */
export const ACTIVE_MS = 30_000;
const DRAIN_MS = 200_000;
const encoder = new TextEncoder();

function sdp(name: string): BodyPart {
  return { body: encoder.encode(`v=0\r\no=${name} 1 1 IN IP4 10.0.0.1\r\ns=${name}\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=sendrecv\r\n`), contentType: 'application/sdp' };
}

function partyUri(name: PartyName): string {
  return `sip:${name}@${ADDRESSES[name]}:5060`;
}

const REASONS: Readonly<Record<number, string>> = { 200: 'OK', 202: 'Accepted', 403: 'Forbidden', 415: 'Unsupported Media Type', 481: 'Call Does Not Exist', 488: 'Not Acceptable Here', 491: 'Request Pending', 500: 'Server Error', 603: 'Decline' };

/** The script: per-method verbs in the request route, handleReply / bridgeRetry in the reply route. */
function scriptRoutes(plan: ScriptPlan, misuse: Map<string, string>): LogicRoutes {
  const recorded = <C extends LogicRequestContext | LogicReplyContext>(body: (ctx: C) => void) => (ctx: C): void => {
    try {
      body(ctx);
    } catch (error) {
      const where = 'request' in ctx ? `${ctx.request.method} from ${ctx.entity.id}` : `${ctx.reply.status} to ${ctx.method} from ${ctx.entity.id}`;
      if (error instanceof LogicUsageError) misuse.set(String(error), where);
      throw error;
    }
  };
  return {
    request: recorded((ctx: LogicRequestContext) => {
      const method = ctx.request.method;
      const verb = method === 'REFER' ? plan.refer : method === 'BYE' ? plan.bye : method === 'INVITE' ? plan.reinvite : method === 'INFO' ? plan.info : undefined;
      if (verb === undefined) ctx.passRequest();
      else applyVerb(ctx, verb);
    }),
    reply: recorded((ctx: LogicReplyContext) => {
      const tried = Number(ctx.ctx.get('retries') ?? '0');
      if (ctx.method === 'INVITE' && ctx.reply.status >= 300 && ctx.reply.status !== 487 && ctx.entity.kind === 'client' && tried < plan.retries) {
        ctx.ctx.set('retries', String(tried + 1));
        ctx.clientNew({ id: 'retry', uri: parseUri(partyUri('retry'))! });
        ctx.bridgeRetry('retry');
        return;
      }
      ctx.handleReply();
    }),
  };
}

function applyVerb(ctx: LogicRequestContext, verb: Verb): void {
  const answer = (status: number | undefined): void => { if (status !== undefined) ctx.sendReply(status, REASONS[status] ?? 'Whatever'); };
  switch (verb.kind) {
    case 'pass': ctx.passRequest(); return;
    case 'reply': answer(verb.status); return;
    case 'end': answer(verb.status); ctx.endDlgLeg(); return;
    case 'delete': answer(200); ctx.deleteEntity(); return;
    case 'bridge': {
      answer(verb.status);
      if (verb.endFirst) ctx.endDlgLeg();
      const referTo = parseNameAddr(ctx.request.header('refer-to') ?? '')?.uri;
      const uri = verb.target === 'refer-to' ? referTo ?? parseUri(partyUri('t1'))! : parseUri(partyUri(verb.target))!;
      ctx.clientNew({ id: 'target', uri });
      ctx.bridge(verb.side, 'target', { flags: verb.flags, ...(verb.provMedia ? { provMedia: { id: 'media', uri: parseUri(partyUri('media'))! } } : {}) });
      return;
    }
    default: {
      const never: never = verb;
      throw new Error(`unknown verb ${JSON.stringify(never)}`);
    }
  }
}

// ---- the peers ----

interface Peer {
  readonly host: SimHost<SimUa>;
  readonly sessions: InviteSession[];
  outgoing: OutgoingInvite | undefined;
  /** Takes a dialog over: its handler and the random mid-call actions. */
  adopt(session: InviteSession): void;
}

function addPeer(world: World, name: PartyName, plan: PeerPlan, story: string[]): Peer {
  const address = ADDRESSES[name];
  const body = sdp(name);
  const say = (what: string): void => { story.push(`${(world.nowMs / 1000).toFixed(3)} ${name} ${what}`); };
  const active = (): boolean => world.nowMs < ACTIVE_MS;
  const confirmedOnce = new WeakSet<InviteSession>();
  const handler: SessionHandler = {
    onConfirmed: (session) => confirmed(session),
    onTerminated: (_s, reason) => say(`ended ${reason}`),
    onReinvite: (_s, request, reply) => {
      say(`re-INVITE ${request.body.length > 0 ? 'sdp' : 'empty'} -> ${plan.reinviteStatus}`);
      reply(plan.reinviteStatus, plan.reinviteStatus === 200 ? { body } : {});
    },
    onRequest: (_s, request, reply) => {
      say(request.method);
      reply(request.method === 'REFER' ? 202 : 200);
    },
  };
  /** A confirmed dialog: the random mid-call actions, or an immediate hang-up once the active phase is over. */
  const confirmed = (session: InviteSession): void => {
    if (confirmedOnce.has(session)) return;
    confirmedOnce.add(session);
    peer.sessions.push(session);
    say('confirmed');
    if (!active()) {
      session.bye();
      return;
    }
    const timers = peer.host.app.ctx.timers;
    const later = (ms: number | undefined, run: () => void): void => { if (ms !== undefined) timers.schedule(ms, run); };
    const live = (): boolean => !session.isEnded && active();
    later(plan.hangupMs, () => { if (!session.isEnded) { say('hangs up'); session.bye(); } });
    later(plan.reinviteMs, () => { if (live()) say(`re-INVITEs${session.reinvite({ body }) ? '' : ' (refused locally)'}`); });
    later(plan.referMs, () => {
      if (!live()) return;
      say(`REFERs to ${plan.referTo}`);
      session.request('REFER', { headers: [['Refer-To', `<${partyUri(plan.referTo)}>`]] });
    });
    later(plan.infoMs, () => { if (live()) { say('INFO'); session.request('INFO'); } });
  };
  const host = world.addHost<SimUa>({
    name, addresses: [address], listen: [{ protocol: 'udp', port: 5060 }],
    build: (ctx) => {
      const stack = createUserAgentStack({
        transport: ctx.transport,
        listen: [{ protocol: 'udp', local: { host: address, port: 5060 }, advertised: { host: address, port: 5060 } }],
        timers: ctx.timers, random: ctx.random,
        delegate: {
          onInvite: (invite: IncomingInvite) => {
            say(`INVITE ${invite.request.body.length > 0 ? 'sdp' : 'empty'}`);
            invite.onCancelled = () => say('cancelled');
            const a = plan.answer;
            if (a.kind !== 'reject' && a.ring) invite.progress(180);
            if (a.kind === 'never') return;
            ctx.timers.schedule(a.delayMs, () => {
              if (invite.state !== 'proceeding') return;
              if (a.kind === 'reject') {
                say(`rejects ${a.status}`);
                invite.reject(a.status);
                return;
              }
              const session = invite.accept({ body });
              if (session !== undefined) session.handler = handler;
            });
          },
        },
      });
      ctx.onPacket((packet) => stack.receive(packet));
      return { stack, ctx };
    },
  });
  const peer: Peer = {
    host, sessions: [], outgoing: undefined,
    adopt: (session) => {
      session.handler = handler;
      confirmed(session);
    },
  };
  return peer;
}

/** The caller dials bob through the B2BUA; it may CANCEL while it rings. */
function placeCall(world: World, caller: Peer, plan: PeerPlan, story: string[]): void {
  const say = (what: string): void => { story.push(`${(world.nowMs / 1000).toFixed(3)} caller ${what}`); };
  const out = caller.host.app.stack.core.invite({ to: calleeAt(ADDRESSES.callee), destination: viaB2b(), body: sdp('caller') }, {
    onAccepted: (session) => caller.adopt(session),
    onFailed: (status) => say(`failed ${status}`),
  });
  caller.outgoing = out;
  if (plan.cancelMs === undefined) return;
  caller.host.app.ctx.timers.schedule(plan.cancelMs, () => {
    if (out.state !== 'calling' && out.state !== 'proceeding') return;
    say('CANCELs');
    out.cancel();
  });
}

/** One run of a case: active phase, every human hangs up (the caller CANCELs if still ringing), drain. */
export function runCase(c: PropertyCase): Outcome {
  const misuse = new Map<string, string>();
  const story: string[] = [];
  const world = newWorld(c.seed, lossyLink(c.loss, c.duplicate, 0));
  const b2b = addScriptedB2b(world, { routes: scriptRoutes(c.script, misuse), logic: { cleanupPeriodS: 5, initTimeoutS: 20 } });
  const peers: Peer[] = [];
  for (const name of Object.keys(ADDRESSES) as PartyName[]) peers.push(addPeer(world, name, c.peers[name], story));
  placeCall(world, peers[0]!, c.peers.caller, story);
  world.runSync({ untilMs: ACTIVE_MS });
  story.push(`${(world.nowMs / 1000).toFixed(3)} -- everyone hangs up --`);
  for (const peer of peers) {
    for (const session of peer.sessions) session.bye();
    const out = peer.outgoing;
    if (out !== undefined && (out.state === 'calling' || out.state === 'proceeding')) out.cancel();
  }
  world.runSync({ untilMs: ACTIVE_MS + DRAIN_MS });
  const lines = b2b.app.lines;
  const threw = lines.filter((l) => l.level === 'error' && l.message.includes('threw'));
  const escaped = threw.filter((l) => !misuse.has(String(l.fields.error))).map((l) => `${l.message}: ${String(l.fields.error)}`);
  return {
    escaped, misuse: [...misuse].map(([error, where]) => `${where}: ${error}`),
    uaLeft: peers.flatMap((p) => leftovers(p.host.app)), b2bLeft: b2bLeftovers(b2b.app), digest: world.digest(), trace: () => world.trace.format(), warnings: lines.filter((l) => l.level === 'warn').length, story,
  };
}
