/**
 * The b2b_logic layer (opensips-b2b.md §1.2–1.4, §2.1, §2.4, §2.6, §6.8): the entity owner that routes
 * every entity callback to its session's scenario (top hiding or script-driven), `initRequest`, the
 * rules for requests after deletion marking, and `list` / `terminate` / `ctx`; the session life itself
 * is in session-core.ts, what starts sessions from outside their routes in session-starters.ts.
 */
import { formatUri, parseNameAddr } from '../../sip';
import type { SipRequest } from '../../sip/message';
import type { Clock } from '../../ports/clock';
import type { Logger } from '../../ports/logger';
import type { Random } from '../../ports/random';
import type { TimerService } from '../../timers/timer-service';
import type { ServerTransaction } from '../../transaction/transaction-types';
import type { ReceiveContext } from '../../transport/transport-layer';
import type {
  EntitiesApi, Entity, EntityEndReason, EntityOwner, EntityReply, ReceivedRequest, SentRequest, ServerEntity,
} from '../entities/entity-types';
import { HeaderFilter } from './leg-headers';
import type { LogicServices } from './logic-services';
import type {
  BridgeRequestSpec, InitRequestSpec, InitResult, LogicApi, LogicConfig, LogicEvents, LogicOutcome, MiBridgeSpec, SessionSnapshot, TriggerSpec,
} from './logic-types';
import type {
  BridgeFlags, ClientDeclaration, EntityRef, LogicInternals, LogicRoutes, ScriptedHandle, ScriptedSessionOptions, SessionCallbacks, SessionStats,
} from './scripted-types';
import { SessionStarters } from './session-starters';
import { liveLegs, type Session, type SessionHandler } from './session';
import { SessionCore } from './session-core';
import { sessionSnapshot } from './session-snapshot';
import { startTopHiding } from './top-hiding';
import { procedures } from './procedures';
import { ScriptedSession } from './scripted-session';
import { startScripted } from './scripted-init';
import { moveLeg, peerDialogOf } from './leg-moves';

export interface B2bLogicOptions {
  readonly entities: EntitiesApi;
  readonly timers: TimerService;
  readonly clock: Clock;
  readonly random: Random;
  readonly logger: Logger;
  readonly config: LogicConfig;
  /** Our Contact for a session started from a request received on `received` (§1.7). */
  contactFor(received: ReceiveContext, fromUser?: string): string;
  readonly events?: LogicEvents;
}

export class B2bLogicError extends Error {
  constructor(readonly code: 'bad-config', message: string) {
    super(message);
    this.name = 'B2bLogicError';
  }
}

export const TOP_HIDING = 'top hiding';

export class B2bLogic implements LogicApi, EntityOwner {
  private readonly core: SessionCore;
  private readonly services: LogicServices;
  private readonly logger: Logger;
  /** `script_req_route` / `script_reply_route`: the routes of script-driven sessions started without their own. */
  protected globalRoutes: LogicRoutes | undefined;
  private readonly starters: SessionStarters;
  /** What the starters, and every script-driven session, build on. */
  readonly internals: LogicInternals;

  constructor(private readonly options: B2bLogicOptions) {
    const config = options.config;
    if (!(config.cleanupPeriodS > 0)) throw new B2bLogicError('bad-config', `cleanup_period must be > 0 s, got ${config.cleanupPeriodS}`);
    if (!(config.maxDurationS >= 0) || !(config.initTimeoutS >= 0)) throw new B2bLogicError('bad-config', 'max_duration and b2bl_th_init_timeout must be >= 0');
    const core = new SessionCore(options, this);
    this.core = core;
    this.logger = options.logger;
    this.services = {
      entities: options.entities, owner: this, config, headers: new HeaderFilter(config),
      clock: options.clock, logger: options.logger, timers: options.timers, random: options.random,
      createServer: (session, tx, id) => core.createServer(session, tx, id),
      createClient: (session, spec, id) => core.createClient(session, spec, id),
      setLifetime: (session, delayMs) => core.setLifetime(session, delayMs),
      bridge: (session, first, second) => core.bridge(session, first, second),
      markForDeletion: (session) => core.markForDeletion(session),
      endAllLegs: (session, except) => core.endAllLegs(session, except),
      finish: (session, cause) => core.finish(session, cause),
    };
    this.internals = {
      services: this.services, procedures, find: (key) => this.find(key),
      newScriptedSession: (o) => this.newScriptedSession(o),
      scripted: (session) => (session.handler instanceof ScriptedSession ? session.handler : undefined),
      moveLeg: (leg, to) => moveLeg(core, leg, to),
    };
    this.starters = new SessionStarters(this.internals);
  }

  get counts(): { readonly sessions: number } {
    return { sessions: this.core.table.size };
  }

  initRequest(tx: ServerTransaction, spec: InitRequestSpec, received: ReceiveContext): InitResult {
    const request = spec.request;
    if (request.method !== 'INVITE') return this.refuse(tx, 405, 'Method Not Allowed');
    // RFC 3261 §16.3 item 3 (a B2BUA forwards as a proxy would): Max-Forwards 0 gets 483.
    if (request.maxForwards === 0) return this.refuse(tx, 483, 'Too Many Hops');
    let from;
    if (spec.from !== undefined) {
      from = parseNameAddr(spec.from);
      if (from === undefined) return this.refuse(tx, 500, 'Bad From Override');
    }
    if (spec.scenario !== TOP_HIDING) {
      return startScripted({
        core: this.core, logger: this.logger, services: this.services, procedures,
        newHandler: (session) => this.newHandler(session),
        contact: this.core.contactOf(received, request), lifetimeMs: this.core.setupLifetimeMs(spec.flags), globalRoutes: this.globalRoutes,
      }, tx, spec, from ?? request.from);
    }
    if (spec.targets.length === 0) return this.refuse(tx, 500, 'No Destination');
    const session = this.core.newSession({
      scenario: spec.scenario, hashUris: [formatUri(request.to.uri), formatUri(request.from.uri)], contact: this.core.contactOf(received, request),
      lifetimeMs: this.core.setupLifetimeMs(spec.flags), flags: spec.flags, ctx: spec.ctx ?? new Map(), request,
    });
    try {
      const result = startTopHiding(this.services, session, tx, spec, from);
      // Refused before any entity took the transaction over: answer it here; otherwise the scenario answered.
      if (!result.ok && session.servers.length === 0) {
        this.core.finish(session, `refused ${result.status}`);
        this.core.answerTx(tx, result.status, result.reason);
      }
      return result;
    } catch (error) {
      this.logger.error({ key: session.key, error: String(error) }, 'b2b session set-up threw; ending it');
      this.core.answerTx(tx, 500);
      this.core.abort(session);
      return { ok: false, status: 500, reason: 'Server Internal Error' };
    }
  }

  list(): SessionSnapshot[] {
    const now = this.options.clock.nowMs();
    const out: SessionSnapshot[] = [];
    for (const session of this.core.table.all()) out.push(sessionSnapshot(session, now));
    return out;
  }

  terminate(key: string): boolean {
    const session = this.find(key);
    if (session === undefined) return false;
    this.core.endAllLegs(session);
    return true;
  }

  terminateAll(): void {
    for (const session of [...this.core.table.all()]) this.core.endAllLegs(session);
  }

  ctx(key: string): Map<string, string> | undefined {
    return this.find(key)?.ctx;
  }

  // ---- script-driven sessions (scripted-session.ts) and what starts them from outside (session-starters.ts) ----

  setGlobalRoutes(routes: LogicRoutes | undefined): void {
    this.globalRoutes = routes;
  }

  bridgeRequest(tx: ServerTransaction, spec: BridgeRequestSpec, received: ReceiveContext): InitResult {
    return this.starters.bridgeRequest(tx, spec, received);
  }

  triggerScenario(spec: TriggerSpec): LogicOutcome { return this.starters.triggerScenario(spec); }
  miBridge(spec: MiBridgeSpec): LogicOutcome { return this.starters.miBridge(spec); }
  apiBridge(key: string, target: ClientDeclaration, entityNo: 0 | 1, flags?: BridgeFlags): LogicOutcome { return this.starters.apiBridge(key, target, entityNo, flags); }
  bridgeTwoCalls(key1: string, key2: string): LogicOutcome { return this.starters.bridgeTwoCalls(key1, key2); }
  peer(dialog: string): string | undefined { return this.starters.peer(dialog); }
  registerCallbacks(key: string, callbacks: SessionCallbacks): boolean { return this.starters.registerCallbacks(key, callbacks); }
  stats(key: string): SessionStats | undefined { return this.starters.stats(key); }
  entityInfo(key: string, index: 0 | 1): EntityRef | undefined { return this.starters.entityInfo(key, index); }

  /** A session by key, or by `callid;from-tag;to-tag` of one of its legs (§1.3). */
  find(key: string): Session | undefined {
    return this.core.find(key);
  }

  // ---- EntityOwner: every callback is matched to its session and guarded. ----

  onRequest(entity: Entity, request: ReceivedRequest): void {
    const leg = this.core.legOf(entity);
    if (leg === undefined) {
      // An entity whose session is gone: its dialog is over as far as we are concerned.
      this.core.reply(request, request.request.method === 'BYE' ? 200 : 481);
      return;
    }
    const session = leg.session;
    if (session.state === 'cancel') {
      this.core.afterDeletionMark(leg, request);
      return;
    }
    // RFC 3261 §16.3 item 3: a request we would forward with Max-Forwards 0 gets 483.
    if (request.request.maxForwards === 0) {
      this.core.reply(request, 483);
      return;
    }
    this.guard(session, (handler) => handler.onRequest(leg, request), request);
  }

  onAck(entity: Entity, ack: SipRequest): void {
    const leg = this.core.legOf(entity);
    // §1.4: an ACK after deletion marking is ignored.
    if (leg === undefined || leg.session.state === 'cancel') return;
    this.guard(leg.session, (handler) => handler.onAck(leg, ack));
  }

  onCancel(entity: ServerEntity): void {
    const leg = this.core.legOf(entity);
    if (leg === undefined) {
      this.core.reply(entity.invite, 487);
      return;
    }
    leg.session.cancelled = true;
    this.guard(leg.session, (handler) => handler.onCancel(leg));
  }

  onReply(entity: Entity, reply: EntityReply, sent: SentRequest): void {
    const leg = this.core.legOf(entity);
    if (leg === undefined) return;
    this.guard(leg.session, (handler) => handler.onReply(leg, reply, sent));
  }

  onEnded(entity: Entity, reason: EntityEndReason): void {
    const leg = this.core.legOf(entity);
    if (leg === undefined) return;
    leg.ended = true;
    leg.stats.endMs = this.options.clock.nowMs();
    entity.ownerData = undefined;
    const session = leg.session;
    this.guard(session, (handler) => handler.onLegEnded(leg, reason));
    if (!session.destroyed && session.state === 'cancel' && liveLegs(session).length === 0) this.core.destroy(session, `${reason}`);
  }

  // ---- helpers ----

  private newScriptedSession(options: ScriptedSessionOptions): ScriptedHandle {
    const routes = options.routes ?? (options.callbacks === undefined ? this.globalRoutes : undefined);
    const session = this.core.newSession({
      scenario: options.scenario, hashUris: options.hashUris, contact: options.contact, lifetimeMs: options.lifetimeMs, flags: {},
      ...(options.ctx === undefined ? {} : { ctx: options.ctx }),
      ...(routes === undefined ? {} : { routes }),
      ...(options.callbacks === undefined ? {} : { callbacks: options.callbacks }),
    });
    const handler = this.newHandler(session);
    options.callbacks?.onNewSession?.({ key: session.key });
    return handler;
  }

  private newHandler(session: Session): ScriptedSession {
    const handler = new ScriptedSession(session, {
      services: this.services, procedures,
      transition: (s, to) => this.core.transition(s, to),
      abort: (s, error) => {
        this.logger.error({ key: s.key, error: String(error), stack: error instanceof Error ? error.stack : undefined }, 'b2b session timer threw; ending the session');
        this.core.abort(s);
      },
    }, (callId, tagA, tagB) => peerDialogOf(this.find(`${callId};${tagA};${tagB}`), callId, tagA, tagB));
    session.handler = handler;
    return handler;
  }

  private guard(session: Session, run: (handler: SessionHandler) => void, request?: ReceivedRequest): void {
    const handler = session.handler;
    if (handler === undefined || session.destroyed) {
      if (request !== undefined) this.core.reply(request, 481);
      return;
    }
    try {
      run(handler);
    } catch (error) {
      this.logger.error({ key: session.key, error: String(error), stack: error instanceof Error ? error.stack : undefined }, 'b2b scenario callback threw; ending the session');
      if (request !== undefined) this.core.reply(request, 500);
      this.core.abort(session);
    }
  }

  private refuse(tx: ServerTransaction, status: number, reason: string): InitResult {
    this.core.answerTx(tx, status, reason);
    return { ok: false, status, reason };
  }
}

