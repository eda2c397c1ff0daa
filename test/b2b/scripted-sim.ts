/**
 * Test support: a B2BUA on the simulator whose main route starts a script-driven session
 * (opensips-b2b.md §2.1 b2b_init_request with server/client declarations) with routes that are plain
 * functions, plus callers and callees made of the engine's UA layers that log what they see.
 */
import type { SipRequest } from '../../engine/sip/message';
import type { LogFields, Logger } from '../../engine/ports/logger';
import type { BodyPart } from '../../engine/dialog/request-factory';
import type { InviteSession } from '../../engine/dialog/invite-session';
import type { IncomingInvite } from '../../engine/dialog/incoming-invite';
import type { OutgoingInvite } from '../../engine/dialog/outgoing-invite';
import type { SessionHandler } from '../../engine/dialog/session-types';
import { createB2bStack, defaultDelegate } from '../../engine/b2b/b2b-stack';
import { defaultEntitiesConfig } from '../../engine/b2b/entities/entity-types';
import { defaultLogicConfig, type InitFlags, type InitResult, type LogicConfig } from '../../engine/b2b/logic/logic-types';
import type { ClientDeclaration, LogicRoutes, ServerDeclaration, SessionCallbacks } from '../../engine/b2b/logic/scripted-types';
import type { SimHost, World } from '../../simulator';
import type { SimUa } from '../dialog/sim-ua';
import { addUa } from '../dialog/sim-ua';
import { B2B_ADDRESS, SDP_A, SDP_B, calleeAt, viaB2b, type SimB2b } from './sim-b2b';

export interface LogLine {
  readonly level: string;
  readonly message: string;
  readonly fields: LogFields;
}

export interface ScriptedB2b extends SimB2b {
  readonly lines: LogLine[];
  readonly inits: InitResult[];
}

export interface ScriptedOptions {
  readonly scenario?: string;
  readonly routes?: LogicRoutes;
  /** Fresh callbacks per session (API sessions: no routes). */
  readonly callbacks?: () => SessionCallbacks;
  readonly flags?: InitFlags;
  /** The one client of the initial call; default `callee` at the R-URI. */
  readonly client?: (request: SipRequest) => ClientDeclaration;
  readonly server?: ServerDeclaration;
  readonly clients?: (request: SipRequest) => ClientDeclaration[];
  readonly logic?: Partial<LogicConfig>;
}

function memoryLogger(lines: LogLine[], bound: LogFields = {}): Logger {
  const at = (level: string) => (fields: LogFields, message: string) => { lines.push({ level, message, fields: { ...bound, ...fields } }); };
  return { trace: () => undefined, debug: () => undefined, info: at('info'), warn: at('warn'), error: at('error'), child: (f) => memoryLogger(lines, { ...bound, ...f }) };
}

export function addScriptedB2b(world: World, options: ScriptedOptions = {}): SimHost<ScriptedB2b> {
  return world.addHost<ScriptedB2b>({
    name: 'b2b',
    addresses: [B2B_ADDRESS],
    listen: [{ protocol: 'udp', port: 5060 }],
    build: (ctx) => {
      const ended: string[] = [];
      const lines: LogLine[] = [];
      const inits: InitResult[] = [];
      const stack = createB2bStack({
        transport: ctx.transport,
        listen: [{ protocol: 'udp', local: { host: B2B_ADDRESS, port: 5060 }, advertised: { host: B2B_ADDRESS, port: 5060 } }],
        timers: ctx.timers, clock: ctx.clock, random: ctx.random, logger: memoryLogger(lines),
        entitiesConfig: defaultEntitiesConfig,
        logicConfig: { ...defaultLogicConfig, ...options.logic },
        events: { onSessionEnd: (key, _scenario, cause) => ended.push(`${key} ${cause}`) },
        delegate: (s) => ({
          onInitialRequest: (request, tx) => {
            if (request.method !== 'INVITE') return defaultDelegate(s).onInitialRequest(request, tx);
            const clients = options.clients?.(request) ?? [options.client?.(request) ?? { id: 'callee', uri: request.uri }];
            const callbacks = options.callbacks?.();
            inits.push(s.logic.initRequest(tx, {
              scenario: options.scenario ?? 'custom', flags: options.flags ?? {}, targets: [{ uri: request.uri }], request, clients,
              ...(options.server === undefined ? {} : { server: options.server }),
              ...(options.routes === undefined ? {} : { routes: options.routes }),
              ...(callbacks === undefined ? {} : { callbacks }),
            }, tx.context));
          },
        }),
      });
      ctx.onPacket((packet) => stack.receive(packet));
      return { stack, ctx, ended, lines, inits };
    },
  });
}

/** What one UA saw, in order. */
export interface Party {
  readonly events: string[];
  readonly invites: SipRequest[];
  readonly requests: SipRequest[];
  session?: InviteSession;
  incoming?: IncomingInvite;
}

export function party(): Party {
  return { events: [], invites: [], requests: [] };
}

/** A session handler that logs and answers: re-INVITE 200 with `sdp`, other requests 200. */
export function loggingHandler(p: Party, sdp: BodyPart): SessionHandler {
  return {
    onConfirmed: () => p.events.push('ack'),
    onTerminated: (_s, reason) => p.events.push(`ended ${reason}`),
    onReinvite: (_s, request, reply) => {
      p.requests.push(request);
      p.events.push(`reinvite ${request.body.length > 0 ? 'sdp' : 'empty'}`);
      reply(200, { body: sdp });
    },
    onRequest: (_s, request, reply) => {
      p.requests.push(request);
      p.events.push(request.method);
      reply(request.method === 'REFER' ? 202 : 200);
    },
  };
}

export type CalleePlan = 'answer' | 'ring' | 'none' | number;

/** A callee that rings then answers after 50 ms (or rejects with the plan's status, or only rings). */
export function addCallee(world: World, name: string, address: string, plan: CalleePlan, p: Party, sdp: BodyPart = SDP_B): SimHost<SimUa> {
  let host: SimHost<SimUa> | undefined;
  host = addUa(world, name, address, {
    onInvite: (invite) => {
      p.invites.push(invite.request);
      p.incoming = invite;
      invite.onCancelled = () => p.events.push('cancelled');
      if (plan === 'none') return;
      if (typeof plan === 'number') {
        invite.reject(plan);
        return;
      }
      invite.progress(180);
      if (plan === 'ring') return;
      host!.app.ctx.timers.schedule(50, () => {
        if (invite.state !== 'proceeding') return;
        const session = invite.accept({ body: sdp });
        if (session === undefined) return;
        p.session = session;
        session.handler = loggingHandler(p, sdp);
      });
    },
  });
  return host;
}

/** The caller places a call through the B2BUA to `user@address`. */
export function placeCall(caller: SimHost<SimUa>, p: Party, address: string, user = 'bob', body: BodyPart = SDP_A): OutgoingInvite {
  return caller.app.stack.core.invite({ to: calleeAt(address, user), destination: viaB2b(), body }, {
    onProgress: (response) => p.events.push(`${response.status}`),
    onAccepted: (session, response) => {
      p.events.push(`${response.status}${response.body.length > 0 ? ' sdp' : ''}`);
      p.session = session;
      session.handler = loggingHandler(p, SDP_A);
    },
    onFailed: (status) => p.events.push(`failed ${status}`),
  });
}

export function warnings(b2b: ScriptedB2b): string[] {
  return b2b.lines.filter((l) => l.level === 'warn' || l.level === 'error').map((l) => `${l.level}: ${l.message}${typeof l.fields.route === 'string' ? ` [${l.fields.route}]` : ''}`);
}
