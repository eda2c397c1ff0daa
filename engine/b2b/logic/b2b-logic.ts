/**
 * The b2b_logic session core (opensips-b2b.md §1.3–1.4, §2.4, §6.8): the session table, the entity
 * owner that routes every entity callback to its session's scenario, lifetimes and the expiry sweep,
 * the rules for requests after deletion marking, and `list` / `terminate` / `ctx`.
 */
import { formatUri, parseNameAddr } from '../../sip';
import type { SipRequest } from '../../sip/message';
import type { Clock } from '../../ports/clock';
import type { Logger } from '../../ports/logger';
import type { Random } from '../../ports/random';
import type { TimerService } from '../../timers/timer-service';
import type { ServerTransaction } from '../../transaction/transaction-types';
import type { ReceiveContext } from '../../transport/transport-layer';
import { buildResponse } from '../../dialog/responses';
import type {
  ClientSpec, EntitiesApi, Entity, EntityEndReason, EntityOwner, EntityReply, ReceivedRequest, SentRequest, ServerEntity,
} from '../entities/entity-types';
import { HeaderFilter } from './leg-headers';
import type { LogicServices } from './logic-services';
import type {
  BridgeRequestSpec, InitRequestSpec, InitResult, LogicApi, LogicConfig, LogicEvents, LogicOutcome, MiBridgeSpec, SessionSnapshot, TriggerSpec,
} from './logic-types';
import type { BridgeFlags, ClientDeclaration, EntityRef, LogicRoutes, SessionCallbacks, SessionStats } from './scripted-types';
import { SessionStarters } from './session-starters';
import { DELETE_GRACE_MS, liveLegs, type Leg, type Session, type SessionHandler, type SessionState } from './session';
import { sessionSnapshot } from './session-snapshot';
import { SessionTable } from './session-table';
import { ExpirySweep } from './expiry-sweep';
import { startTopHiding } from './top-hiding';
import { procedures } from './procedures';

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
  private readonly table: SessionTable;
  private readonly services: LogicServices;
  private readonly logger: Logger;
  private readonly sweep: ExpirySweep;
  /** The session an entity being created belongs to, for callbacks it fires before its constructor returns. */
  private adoption: { readonly session: Session; readonly id: string } | undefined;
  /** `script_req_route` / `script_reply_route`: the routes of script-driven sessions started without their own. */
  protected globalRoutes: LogicRoutes | undefined;
  private readonly starters: SessionStarters;

  constructor(private readonly options: B2bLogicOptions) {
    const config = options.config;
    if (!(config.cleanupPeriodS > 0)) throw new B2bLogicError('bad-config', `cleanup_period must be > 0 s, got ${config.cleanupPeriodS}`);
    if (!(config.maxDurationS >= 0) || !(config.initTimeoutS >= 0)) throw new B2bLogicError('bad-config', 'max_duration and b2bl_th_init_timeout must be >= 0');
    this.table = new SessionTable(config.hashSizeBits);
    this.sweep = new ExpirySweep(options.timers, config.cleanupPeriodS * 1000, this.table, () => options.clock.nowMs(), (session) => this.expire(session));
    this.logger = options.logger;
    const logic = this;
    this.services = {
      entities: options.entities,
      owner: this,
      config,
      headers: new HeaderFilter(config),
      clock: options.clock,
      logger: options.logger,
      createServer: (session, tx, id) => logic.createServer(session, tx, id),
      createClient: (session, spec, id) => logic.createClient(session, spec, id),
      setLifetime: (session, delayMs) => { session.deadlineMs = delayMs === undefined ? undefined : options.clock.nowMs() + delayMs; },
      bridge: (session, first, second) => logic.bridge(session, first, second),
      markForDeletion: (session) => logic.markForDeletion(session),
      endAllLegs: (session, except) => logic.endAllLegs(session, except),
      finish: (session, cause) => logic.finish(session, cause),
    };
    // L1 replaces this with the real LogicInternals (newScriptedSession, scripted, moveLeg).
    this.starters = new SessionStarters({
      services: this.services, procedures, find: (key) => this.find(key),
      newScriptedSession: () => { throw new Error('not built yet'); },
      scripted: () => undefined,
      moveLeg: () => { throw new Error('not built yet'); },
    });
  }

  get counts(): { readonly sessions: number } {
    return { sessions: this.table.size };
  }

  initRequest(tx: ServerTransaction, spec: InitRequestSpec, received: ReceiveContext): InitResult {
    const request = spec.request;
    if (request.method !== 'INVITE') return this.refuse(tx, 405, 'Method Not Allowed');
    // RFC 3261 §16.3 item 3 (a B2BUA forwards as a proxy would): Max-Forwards 0 gets 483.
    if (request.maxForwards === 0) return this.refuse(tx, 483, 'Too Many Hops');
    if (spec.scenario !== TOP_HIDING) return this.refuse(tx, 500, 'Unknown Scenario');
    if (spec.targets.length === 0) return this.refuse(tx, 500, 'No Destination');
    let from;
    if (spec.from !== undefined) {
      from = parseNameAddr(spec.from);
      if (from === undefined) return this.refuse(tx, 500, 'Bad From Override');
    }
    const session = this.newSession(spec, received, request);
    try {
      const result = startTopHiding(this.services, session, tx, spec, from);
      // Refused before any entity took the transaction over: answer it here; otherwise the scenario answered.
      if (!result.ok && session.servers.length === 0) {
        this.finish(session, `refused ${result.status}`);
        this.answerTx(tx, result.status, result.reason);
      }
      return result;
    } catch (error) {
      this.logger.error({ key: session.key, error: String(error) }, 'b2b session set-up threw; ending it');
      this.answerTx(tx, 500);
      this.abort(session);
      return { ok: false, status: 500, reason: 'Server Internal Error' };
    }
  }

  list(): SessionSnapshot[] {
    const now = this.options.clock.nowMs();
    const out: SessionSnapshot[] = [];
    for (const session of this.table.all()) out.push(sessionSnapshot(session, now));
    return out;
  }

  terminate(key: string): boolean {
    const session = this.find(key);
    if (session === undefined) return false;
    this.endAllLegs(session);
    return true;
  }

  terminateAll(): void {
    for (const session of [...this.table.all()]) this.endAllLegs(session);
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
    const direct = this.table.get(key);
    if (direct !== undefined) return direct;
    const parts = key.split(';');
    if (parts.length !== 3) return undefined;
    const [callId, fromTag, toTag] = parts as [string, string, string];
    for (const session of this.table.all()) {
      for (const leg of liveLegs(session)) {
        const e = leg.entity;
        if (e.callId !== callId) continue;
        const tags = [e.localTag, e.remoteTag];
        if (tags.includes(fromTag) && tags.includes(toTag)) return session;
      }
    }
    return undefined;
  }

  // ---- EntityOwner: every callback is matched to its session and guarded. ----

  onRequest(entity: Entity, request: ReceivedRequest): void {
    const leg = this.legOf(entity);
    if (leg === undefined) {
      // An entity whose session is gone: its dialog is over as far as we are concerned.
      this.reply(request, request.request.method === 'BYE' ? 200 : 481);
      return;
    }
    const session = leg.session;
    if (session.state === 'cancel') {
      this.afterDeletionMark(leg, request);
      return;
    }
    // RFC 3261 §16.3 item 3: a request we would forward with Max-Forwards 0 gets 483.
    if (request.request.maxForwards === 0) {
      this.reply(request, 483);
      return;
    }
    this.guard(session, (handler) => handler.onRequest(leg, request), request);
  }

  onAck(entity: Entity, ack: SipRequest): void {
    const leg = this.legOf(entity);
    // §1.4: an ACK after deletion marking is ignored.
    if (leg === undefined || leg.session.state === 'cancel') return;
    this.guard(leg.session, (handler) => handler.onAck(leg, ack));
  }

  onCancel(entity: ServerEntity): void {
    const leg = this.legOf(entity);
    if (leg === undefined) {
      this.reply(entity.invite, 487);
      return;
    }
    leg.session.cancelled = true;
    this.guard(leg.session, (handler) => handler.onCancel(leg));
  }

  onReply(entity: Entity, reply: EntityReply, sent: SentRequest): void {
    const leg = this.legOf(entity);
    if (leg === undefined) return;
    this.guard(leg.session, (handler) => handler.onReply(leg, reply, sent));
  }

  onEnded(entity: Entity, reason: EntityEndReason): void {
    const leg = this.legOf(entity);
    if (leg === undefined) return;
    leg.ended = true;
    leg.stats.endMs = this.options.clock.nowMs();
    entity.ownerData = undefined;
    const session = leg.session;
    this.guard(session, (handler) => handler.onLegEnded(leg, reason));
    if (!session.destroyed && session.state === 'cancel' && liveLegs(session).length === 0) this.destroy(session, `${reason}`);
  }

  // ---- session life ----

  private newSession(spec: InitRequestSpec, received: ReceiveContext, request: SipRequest): Session {
    const { hashIndex, localIndex, key } = this.table.allocate(formatUri(request.to.uri), formatUri(request.from.uri));
    const config = this.options.config;
    const fromUser = config.contactUser && 'user' in request.from.uri ? request.from.uri.user : undefined;
    const contact = config.serverAddress !== undefined
      ? (config.serverAddress.includes('<') ? config.serverAddress : `<${config.serverAddress}>`)
      : this.options.contactFor(received, fromUser);
    const setupS = spec.flags.setupTimeoutS ?? config.initTimeoutS;
    // §6.8: setup-timeout=0 means max_duration; max_duration 0 means no expiry.
    const lifetimeS = setupS > 0 ? setupS : config.maxDurationS;
    const session: Session = {
      key, hashIndex, localIndex, scenario: spec.scenario, state: 'init-bridging',
      deadlineMs: lifetimeS > 0 ? this.options.clock.nowMs() + lifetimeS * 1000 : undefined,
      servers: [], clients: [], bridgeEntities: [], ctx: new Map(spec.ctx ?? []), flags: spec.flags, contact,
      cancelled: false, pending: new Set(), destroyed: false, handler: undefined,
    };
    this.table.add(session);
    this.sweep.arm();
    this.options.events?.onSessionStart?.(key, spec.scenario, request);
    return session;
  }

  private createServer(session: Session, tx: ServerTransaction, id: string): Leg {
    return this.adopting(session, id, () => this.options.entities.serverNew(tx.request, tx, this, { contact: session.contact, logicKey: session.key }));
  }

  private createClient(session: Session, spec: ClientSpec, id: string): Leg {
    return this.adopting(session, id, () => this.options.entities.clientNew(spec, this, { logicKey: session.key }));
  }

  /** Runs an entity constructor; a callback it fires before returning files the entity under the session first. */
  private adopting(session: Session, id: string, make: () => Entity): Leg {
    const previous = this.adoption;
    this.adoption = { session, id };
    let entity: Entity;
    try {
      entity = make();
    } finally {
      this.adoption = previous;
    }
    const existing = this.legOf(entity);
    return existing ?? this.addLeg(session, entity, id);
  }

  private addLeg(session: Session, entity: Entity, id: string): Leg {
    const leg: Leg = {
      session, entity, id, no: session.servers.length + session.clients.length, state: 'new', peer: undefined,
      disconnected: false, ended: false, finalStatus: undefined, inSdp: undefined, outSdp: undefined,
      stats: { startMs: this.options.clock.nowMs(), setupMs: undefined, endMs: undefined },
    };
    entity.ownerData = leg;
    entity.logicKey = session.key;
    (entity.kind === 'server' ? session.servers : session.clients).push(leg);
    return leg;
  }

  private bridge(session: Session, first: Leg, second: Leg): void {
    first.peer = second;
    second.peer = first;
    session.bridgeEntities.length = 0;
    session.bridgeEntities.push(first, second);
    this.transition(session, 'bridged');
  }

  private markForDeletion(session: Session): void {
    if (session.destroyed) return;
    if (session.state !== 'cancel') this.transition(session, 'cancel');
    session.deadlineMs = this.options.clock.nowMs() + DELETE_GRACE_MS;
    if (liveLegs(session).length === 0) this.destroy(session, 'ended');
  }

  /** §6.8 / terminate_call: BYE to confirmed legs, 408 (487 after CANCEL) to an unanswered caller, CANCEL to unanswered clients. */
  private endAllLegs(session: Session, except?: Leg): void {
    if (session.destroyed) return;
    // Marked first: entity callbacks re-entering from the sends below then see a session being deleted.
    this.transition(session, 'cancel');
    session.deadlineMs = this.options.clock.nowMs() + DELETE_GRACE_MS;
    for (const leg of liveLegs(session)) {
      if (leg === except || leg.ended || leg.entity.state === 'terminated') continue;
      leg.disconnected = true;
      this.answerPendingFrom(session, leg);
      if (leg.entity.kind === 'server' && leg.entity.state !== 'confirmed') leg.entity.terminate({ status: session.cancelled ? 487 : 408 });
      else leg.entity.terminate();
    }
    if (!session.destroyed && liveLegs(session).length === 0) this.destroy(session, 'ended');
  }

  /** After a BYE completed: the remaining entities are deleted without signalling and the session dropped. */
  private finish(session: Session, cause: string): void {
    if (session.destroyed) return;
    this.answerPending(session);
    for (const leg of liveLegs(session)) {
      leg.ended = true;
      leg.entity.ownerData = undefined;
      if (leg.entity.state !== 'terminated') leg.entity.delete();
    }
    this.destroy(session, cause);
  }

  /** A scenario bug: the session ends cleanly (legs signalled, pending requests answered) and the error is logged. */
  private abort(session: Session): void {
    if (session.destroyed) return;
    try {
      this.endAllLegs(session);
    } catch (error) {
      this.logger.error({ key: session.key, error: String(error) }, 'ending a failed b2b session threw; deleting it');
    }
    // The handler is the suspect: a second failure must not leave the session behind, so it is dropped now.
    if (!session.destroyed) this.finish(session, 'error');
  }

  private destroy(session: Session, cause: string): void {
    if (session.destroyed) return;
    session.destroyed = true;
    this.answerPending(session);
    for (const leg of session.servers) leg.entity.ownerData = undefined;
    for (const leg of session.clients) leg.entity.ownerData = undefined;
    this.table.remove(session);
    if (this.table.size === 0) this.sweep.disarm();
    this.options.events?.onSessionEnd?.(session.key, session.scenario, cause);
  }

  /** §1.4: after deletion marking, ACK ignored, BYE 200 (a pending BYE too) and the session deleted, others 400. */
  private afterDeletionMark(leg: Leg, request: ReceivedRequest): void {
    const session = leg.session;
    if (request.request.method !== 'BYE') {
      this.reply(request, 400, 'Not Acceptable');
      return;
    }
    this.reply(request, 200);
    this.finish(session, 'bye-after-mark');
  }

  /** §1.4: relayed requests that will never get the peer's answer: a BYE gets 200, the rest 481. */
  private answerPending(session: Session): void {
    for (const request of session.pending) this.reply(request, request.request.method === 'BYE' ? 200 : 481);
    session.pending.clear();
  }

  /** Requests this leg sent us that we relayed and that now never get their answer. */
  private answerPendingFrom(session: Session, leg: Leg): void {
    for (const request of session.pending) {
      if (request.entity !== leg.entity) continue;
      session.pending.delete(request);
      this.reply(request, request.request.method === 'BYE' ? 200 : 481);
    }
  }

  private transition(session: Session, to: SessionState): void {
    const from = session.state;
    if (from === to) return;
    session.state = to;
    this.logger.debug({ key: session.key, from, to }, 'b2b session state');
  }

  /** §6.8: past its lifetime, a session is ended; one already marked and still there is deleted. */
  private expire(session: Session): void {
    try {
      if (session.state === 'cancel') this.finish(session, 'expired');
      else {
        this.logger.info({ key: session.key }, 'b2b session lifetime expired');
        this.endAllLegs(session);
      }
    } catch (error) {
      this.logger.error({ key: session.key, error: String(error) }, 'expiring a b2b session threw; deleting it');
      this.finish(session, 'error');
    }
  }

  // ---- helpers ----

  private legOf(entity: Entity): Leg | undefined {
    const data = entity.ownerData;
    const adoption = this.adoption;
    if (data === undefined && adoption !== undefined && entity.logicKey === adoption.session.key && !adoption.session.destroyed) {
      return this.addLeg(adoption.session, entity, adoption.id);
    }
    if (data === undefined || data === null || typeof data !== 'object') return undefined;
    const leg = data as Leg;
    return leg.entity === entity && !leg.session.destroyed ? leg : undefined;
  }

  private guard(session: Session, run: (handler: SessionHandler) => void, request?: ReceivedRequest): void {
    const handler = session.handler;
    if (handler === undefined || session.destroyed) {
      if (request !== undefined) this.reply(request, 481);
      return;
    }
    try {
      run(handler);
    } catch (error) {
      this.logger.error({ key: session.key, error: String(error), stack: error instanceof Error ? error.stack : undefined }, 'b2b scenario callback threw; ending the session');
      if (request !== undefined) this.reply(request, 500);
      this.abort(session);
    }
  }

  private reply(request: ReceivedRequest, status: number, reason?: string): void {
    if (request.answered) return;
    try {
      request.entity.reply(request, status, reason === undefined ? undefined : { reason });
    } catch (error) {
      this.logger.error({ status, error: String(error) }, 'replying on a b2b entity threw');
    }
  }

  private refuse(tx: ServerTransaction, status: number, reason: string): InitResult {
    this.answerTx(tx, status, reason);
    return { ok: false, status, reason };
  }

  /** A final answer on the INVITE's transaction when no entity took it over (§8.2.6.2: with a To-tag). */
  private answerTx(tx: ServerTransaction, status: number, reason?: string): void {
    if (tx.lastResponse !== undefined && tx.lastResponse.status >= 200) return;
    tx.respond(buildResponse(tx.request, status, { reason, toTag: this.options.random.token(10) }));
  }
}
