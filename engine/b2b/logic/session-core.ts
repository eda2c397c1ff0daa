/**
 * The life of b2b_logic sessions (opensips-b2b.md §1.3 keys, §1.4 deletion marking, §6.8 lifetimes and
 * the expiry sweep): the table, entity adoption into a session, pairing, marking, ending, deleting.
 */
import type { SipRequest } from '../../sip/message';
import type { Logger } from '../../ports/logger';
import type { ServerTransaction } from '../../transaction/transaction-types';
import type { ReceiveContext } from '../../transport/transport-layer';
import { buildResponse } from '../../dialog/responses';
import type { ClientSpec, Entity, EntityOwner, ReceivedRequest } from '../entities/entity-types';
import type { B2bLogicOptions } from './b2b-logic';
import { ExpirySweep } from './expiry-sweep';
import type { InitFlags } from './logic-types';
import type { LogicRoutes, SessionCallbacks } from './scripted-types';
import { DELETE_GRACE_MS, liveLegs, type Leg, type Session, type SessionState } from './session';
import { SessionTable } from './session-table';

export interface NewSessionParams {
  readonly scenario: string;
  /** The URIs hashed into the key (§1.3: To and From, or the two destinations for 3PCC). */
  readonly hashUris: readonly [string, string];
  readonly contact: string;
  /** Lifetime from now; undefined: no expiry. */
  readonly lifetimeMs: number | undefined;
  readonly flags: InitFlags;
  readonly ctx?: ReadonlyMap<string, string>;
  readonly routes?: LogicRoutes;
  readonly callbacks?: SessionCallbacks;
  /** The INVITE that started it (for the start event), if any. */
  readonly request?: SipRequest;
}

export class SessionCore {
  readonly table: SessionTable;
  private readonly sweep: ExpirySweep;
  private readonly logger: Logger;
  /** The session an entity being created belongs to, for callbacks it fires before its constructor returns. */
  private adoption: { readonly session: Session; readonly id: string } | undefined;

  constructor(private readonly options: B2bLogicOptions, private readonly owner: EntityOwner) {
    this.table = new SessionTable(options.config.hashSizeBits);
    this.sweep = new ExpirySweep(options.timers, options.config.cleanupPeriodS * 1000, this.table, () => options.clock.nowMs(), (session) => this.expire(session));
    this.logger = options.logger;
  }

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

  /** §1.7: `server_address`, else the receiving socket (`contact_user` adds the From user). */
  contactOf(received: ReceiveContext, request: SipRequest): string {
    const config = this.options.config;
    if (config.serverAddress !== undefined) return config.serverAddress.includes('<') ? config.serverAddress : `<${config.serverAddress}>`;
    const fromUser = config.contactUser && 'user' in request.from.uri ? request.from.uri.user : undefined;
    return this.options.contactFor(received, fromUser);
  }

  /** §6.8: setup-timeout (default b2bl_th_init_timeout) until answered; 0 means max_duration; max_duration 0 means no expiry. */
  setupLifetimeMs(flags: InitFlags): number | undefined {
    const config = this.options.config;
    const setupS = flags.setupTimeoutS ?? config.initTimeoutS;
    const lifetimeS = setupS > 0 ? setupS : config.maxDurationS;
    return lifetimeS > 0 ? lifetimeS * 1000 : undefined;
  }

  newSession(params: NewSessionParams): Session {
    const { hashIndex, localIndex, key } = this.table.allocate(params.hashUris[0], params.hashUris[1]);
    const session: Session = {
      key, hashIndex, localIndex, scenario: params.scenario, state: 'init-bridging',
      deadlineMs: params.lifetimeMs === undefined ? undefined : this.options.clock.nowMs() + params.lifetimeMs,
      servers: [], clients: [], bridgeEntities: [], ctx: new Map(params.ctx ?? []), flags: params.flags, contact: params.contact,
      cancelled: false, pending: new Set(), destroyed: false, handler: undefined,
      ...(params.routes === undefined ? {} : { routes: params.routes }),
      ...(params.callbacks === undefined ? {} : { callbacks: params.callbacks }),
    };
    this.table.add(session);
    this.sweep.arm();
    if (params.request !== undefined) this.options.events?.onSessionStart?.(key, params.scenario, params.request);
    return session;
  }

  createServer(session: Session, tx: ServerTransaction, id: string, contact = session.contact): Leg {
    return this.adopting(session, id, () => this.options.entities.serverNew(tx.request, tx, this.owner, { contact, logicKey: session.key }));
  }

  createClient(session: Session, spec: ClientSpec, id: string): Leg {
    return this.adopting(session, id, () => this.options.entities.clientNew(spec, this.owner, { logicKey: session.key }));
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

  addLeg(session: Session, entity: Entity, id: string): Leg {
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

  /** The live leg an entity is filed under (adopting it if its constructor is still running). */
  legOf(entity: Entity): Leg | undefined {
    const data = entity.ownerData;
    const adoption = this.adoption;
    if (data === undefined && adoption !== undefined && entity.logicKey === adoption.session.key && !adoption.session.destroyed) {
      return this.addLeg(adoption.session, entity, adoption.id);
    }
    if (data === undefined || data === null || typeof data !== 'object') return undefined;
    const leg = data as Leg;
    return leg.entity === entity && !leg.session.destroyed ? leg : undefined;
  }

  bridge(session: Session, first: Leg, second: Leg): void {
    first.peer = second;
    second.peer = first;
    session.bridgeEntities.length = 0;
    session.bridgeEntities.push(first, second);
    this.transition(session, 'bridged');
  }

  markForDeletion(session: Session): void {
    if (session.destroyed) return;
    if (session.state !== 'cancel') this.transition(session, 'cancel');
    session.deadlineMs = this.options.clock.nowMs() + DELETE_GRACE_MS;
    if (liveLegs(session).length === 0) this.destroy(session, 'ended');
  }

  /** §6.8 / terminate_call: BYE to confirmed legs, 408 (487 after CANCEL) to an unanswered caller, CANCEL to unanswered clients. */
  endAllLegs(session: Session, except?: Leg): void {
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

  /**
   * After a BYE completed: the remaining entities are deleted without signalling and the session dropped.
   * A client being cancelled is not deleted but detached (its events are ignored from then on): RFC 3261
   * §9.1 may hold its CANCEL until a provisional arrives, and deleting it would lose that CANCEL (and the
   * 487's ACK), leaving the callee ringing; it ends on its own at the 487 or the CANCEL timeout.
   */
  finish(session: Session, cause: string): void {
    if (session.destroyed) return;
    this.answerPending(session);
    for (const leg of liveLegs(session)) {
      leg.ended = true;
      leg.entity.ownerData = undefined;
      if (leg.entity.state !== 'terminated' && !beingCancelled(leg)) leg.entity.delete();
    }
    this.destroy(session, cause);
  }

  /** A scenario bug: the session ends cleanly (legs signalled, pending requests answered) and the error is logged. */
  abort(session: Session): void {
    if (session.destroyed) return;
    try {
      this.endAllLegs(session);
    } catch (error) {
      this.logger.error({ key: session.key, error: String(error) }, 'ending a failed b2b session threw; deleting it');
    }
    // The handler is the suspect: a second failure must not leave the session behind, so it is dropped now
    // (clients being cancelled by endAllLegs above outlive it: see finish).
    if (!session.destroyed) this.finish(session, 'error');
  }

  destroy(session: Session, cause: string): void {
    if (session.destroyed) return;
    session.destroyed = true;
    this.answerPending(session);
    for (const leg of session.servers) if (leg.entity.ownerData === leg) leg.entity.ownerData = undefined;
    for (const leg of session.clients) if (leg.entity.ownerData === leg) leg.entity.ownerData = undefined;
    this.table.remove(session);
    if (this.table.size === 0) this.sweep.disarm();
    const handler = session.handler as { onDestroyed?: () => void } | undefined;
    try {
      handler?.onDestroyed?.();
    } catch (error) {
      this.logger.error({ key: session.key, error: String(error) }, 'a b2b session destroy callback threw');
    }
    this.options.events?.onSessionEnd?.(session.key, session.scenario, cause);
  }

  /** §1.4: after deletion marking, ACK ignored, BYE 200 (a pending BYE too) and the session deleted, others 400. */
  afterDeletionMark(leg: Leg, request: ReceivedRequest): void {
    if (request.request.method !== 'BYE') {
      this.reply(request, 400, 'Not Acceptable');
      return;
    }
    this.reply(request, 200);
    this.finish(leg.session, 'bye-after-mark');
  }

  transition(session: Session, to: SessionState): void {
    const from = session.state;
    if (from === to) return;
    session.state = to;
    this.logger.debug({ key: session.key, from, to }, 'b2b session state');
  }

  setLifetime(session: Session, delayMs: number | undefined): void {
    session.deadlineMs = delayMs === undefined ? undefined : this.options.clock.nowMs() + delayMs;
  }

  reply(request: ReceivedRequest, status: number, reason?: string): void {
    if (request.answered) return;
    try {
      request.entity.reply(request, status, reason === undefined ? undefined : { reason });
    } catch (error) {
      this.logger.error({ status, error: String(error) }, 'replying on a b2b entity threw');
    }
  }

  /** A final answer on the INVITE's transaction when no entity took it over (§8.2.6.2: with a To-tag). */
  answerTx(tx: ServerTransaction, status: number, reason?: string): void {
    if (tx.lastResponse !== undefined && tx.lastResponse.status >= 200) return;
    tx.respond(buildResponse(tx.request, status, { reason, toTag: this.options.random.token(10) }));
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
}

/** A client leg told to end (endAllLegs / endDlgLeg) before any final answer: its CANCEL, maybe deferred, is under way. */
function beingCancelled(leg: Leg): boolean {
  const state = leg.entity.state;
  return leg.disconnected && leg.entity.kind === 'client' && (state === 'new' || state === 'early');
}
