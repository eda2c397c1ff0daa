/**
 * The procedure side of a script-driven session (opensips-b2b.md §1.4 bridging, §6.8 lifetimes): starts
 * one media procedure at a time, gives it client legs and in-dialog sends, routes its replies back,
 * and applies its outcome (pairing, lifetime, failure) to the session. Timers are per session.
 */
import { parseNameAddr } from '../../sip';
import type { NameAddr } from '../../sip/types';
import type { BodyPart } from '../../dialog/request-factory';
import type { TimerId, TimerService } from '../../timers/timer-service';
import type { ClientSpec, EntityReply, SendOptions, SentRequest } from '../entities/entity-types';
import { entityRef, pairIndex, sessionStats } from './entity-ref';
import type { HeaderPairs } from './leg-headers';
import type { LogicServices } from './logic-services';
import {
  LogicUsageError, type CallbackDecision, type CallbackEvent, type ClientDeclaration, type MediaProcedure, type ProcedureFactory,
  type ProcedureHost, type ScriptedHandle, type SessionStats,
} from './scripted-types';
import { liveLegs, type Leg, type Session, type SessionState } from './session';

const NO_PARAMS: ReadonlyMap<string, string | null> = new Map();

/** What the session core gives each script-driven session. */
export interface ScriptedDeps {
  readonly services: LogicServices;
  readonly procedures: ProcedureFactory;
  /** The session core's one state transition (records and logs). */
  transition(session: Session, to: SessionState): void;
  /** A failure inside a timer callback: the session is ended cleanly. */
  abort(session: Session, error: unknown): void;
}

/** startClient's options plus what the initial call needs (the caller's To on a retry, Max-Forwards−1). */
export interface ClientStartOptions {
  readonly body?: BodyPart;
  readonly from?: NameAddr;
  readonly headers?: HeaderPairs;
  readonly to?: NameAddr;
  readonly maxForwards?: number;
}

export abstract class ScriptedHost implements ProcedureHost, ScriptedHandle {
  readonly services: LogicServices;
  private running: MediaProcedure | undefined;
  private readonly concluded = new WeakSet<MediaProcedure>();
  private readonly known = new WeakSet<MediaProcedure>();
  /** Which procedure sent a request (client INVITEs and in-dialog sends). */
  private readonly owners = new WeakMap<SentRequest, MediaProcedure>();
  /** The procedure whose client is being created: replies fired from inside `createClient` go to it. */
  private starting: MediaProcedure | undefined;
  private readonly timerIds = new Set<TimerId>();
  /** Clock ms when the session started (§2.6 get_stats). */
  readonly startMs: number;
  /** The From of generated INVITEs: the caller's (or `b2bl_from_spec_param`); undefined for 3PCC. */
  callerFrom: NameAddr | undefined;

  constructor(readonly session: Session, protected readonly deps: ScriptedDeps) {
    const base = deps.services;
    this.services = { ...base, timers: this.sessionTimers(base.timers) };
    this.startMs = base.clock.nowMs();
  }

  get procedure(): MediaProcedure | undefined {
    return this.running;
  }

  run(make: (host: ProcedureHost) => MediaProcedure): MediaProcedure {
    if (this.session.destroyed) throw new LogicUsageError('session-gone', `session ${this.session.key} has ended`);
    const current = this.running;
    if (current !== undefined) throw new LogicUsageError('not-allowed-here', `a ${current.kind} procedure is already running on session ${this.session.key}`);
    const procedure = make(this);
    this.known.add(procedure);
    if (!this.concluded.has(procedure) && !this.session.destroyed && this.running === undefined) this.running = procedure;
    return procedure;
  }

  // ---- ProcedureHost ----

  startClient(procedure: MediaProcedure, declaration: ClientDeclaration, options: ClientStartOptions): Leg {
    this.adopt(procedure);
    const session = this.session;
    const source = options.from ?? this.callerFrom ?? parseNameAddr(session.contact);
    if (source === undefined) throw new LogicUsageError('bad-argument', `startClient: no From for session ${session.key}`);
    const displayName = declaration.fromDname ?? source.displayName;
    const from: NameAddr = displayName === undefined ? { uri: source.uri, params: NO_PARAMS } : { displayName, uri: source.uri, params: NO_PARAMS };
    const headers: HeaderPairs = [...(options.headers ?? []), ...(declaration.headers ?? [])];
    const spec: ClientSpec = {
      requestUri: declaration.uri,
      to: options.to ?? { uri: declaration.uri, params: NO_PARAMS },
      from,
      maxForwards: options.maxForwards ?? 70,
      contact: declaration.contact === undefined ? session.contact : angled(declaration.contact),
      headers,
      ...(options.body === undefined ? {} : { body: options.body }),
      ...(declaration.proxy === undefined ? {} : { destination: declaration.proxy }),
    };
    const previous = this.starting;
    this.starting = procedure;
    let leg: Leg;
    try {
      leg = this.services.createClient(session, spec, declaration.id);
    } finally {
      this.starting = previous;
    }
    if (declaration.headers !== undefined && declaration.headers.length > 0) leg.extraHeaders = [...declaration.headers];
    if (options.body !== undefined) leg.outSdp = options.body;
    const invite = (leg.entity as { readonly invite?: SentRequest }).invite;
    if (invite !== undefined) this.owners.set(invite, procedure);
    return leg;
  }

  send(procedure: MediaProcedure, leg: Leg, method: string, options: SendOptions = {}): SentRequest | undefined {
    this.adopt(procedure);
    if (leg.ended) return undefined;
    const headers = leg.extraHeaders === undefined ? options.headers : [...(options.headers ?? []), ...leg.extraHeaders];
    const body = options.body;
    const sent = leg.entity.sendRequest(method, { ...(headers === undefined ? {} : { headers }), ...(body === undefined ? {} : { body }) });
    if (sent !== undefined) {
      sent.cause = procedure;
      this.owners.set(sent, procedure);
    }
    if (body !== undefined && (sent !== undefined || method === 'ACK')) leg.outSdp = body;
    return sent;
  }

  completed(procedure: MediaProcedure, kept: Leg, added: Leg, lifetimeMs: number | undefined): void {
    this.conclude(procedure);
    const session = this.session;
    if (session.destroyed || session.state === 'cancel' || kept.ended || added.ended) return;
    for (const leg of [kept, added]) {
      const old = leg.peer;
      if (old !== undefined && old !== kept && old !== added && old.peer === leg) old.peer = undefined;
      leg.state = 'confirmed';
    }
    this.services.bridge(session, kept, added);
    this.services.setLifetime(session, lifetimeMs);
  }

  failed(procedure: MediaProcedure, failure: { readonly status: number; readonly reason: string; readonly endSession: boolean }): void {
    this.conclude(procedure);
    const session = this.session;
    if (session.destroyed) return;
    this.services.logger.debug({ key: session.key, kind: procedure.kind, status: failure.status, reason: failure.reason }, 'b2b procedure failed');
    if (failure.endSession) {
      this.services.endAllLegs(session);
      return;
    }
    if (liveLegs(session).length === 0) {
      this.services.markForDeletion(session);
      return;
    }
    const [first, second] = session.bridgeEntities;
    // A rollback left the old pair in place: the session is bridged again.
    if (first !== undefined && second !== undefined && !first.ended && !second.ended && first.peer === second && session.state !== 'cancel') {
      this.deps.transition(session, 'bridged');
    }
  }

  rejectDecision(leg: Leg, reply: EntityReply): CallbackDecision {
    const callback = this.session.callbacks?.onReject;
    if (callback === undefined) return 'follow';
    return callback({ ...this.event(leg), status: reply.status, response: reply.response });
  }

  // ---- for the dispatcher ----

  /** The procedure a reply belongs to (undefined: not a procedure's request), and whether it still runs. */
  protected ownerOf(sent: SentRequest): { readonly procedure: MediaProcedure; readonly live: boolean } | undefined {
    const cause = sent.cause;
    let owner: MediaProcedure | undefined = typeof cause === 'object' && cause !== null && this.known.has(cause as MediaProcedure) ? cause as MediaProcedure : undefined;
    owner ??= this.owners.get(sent);
    if (owner === undefined && this.running !== undefined && this.running.owns(sent)) owner = this.running;
    if (owner === undefined && this.starting !== undefined && cause === undefined && sent.method === 'INVITE' && sent.entity.kind === 'client') owner = this.starting;
    return owner === undefined ? undefined : { procedure: owner, live: !this.concluded.has(owner) };
  }

  event(leg: Leg): CallbackEvent {
    return { key: this.session.key, entityIndex: pairIndex(leg), entity: entityRef(leg), stats: this.stats() };
  }

  stats(): SessionStats {
    return sessionStats(this.session, this.startMs, this.services.clock.nowMs());
  }

  /** The session is gone: its timers with it. */
  protected releaseTimers(): void {
    for (const id of this.timerIds) this.deps.services.timers.cancel(id);
    this.timerIds.clear();
  }

  private adopt(procedure: MediaProcedure): void {
    this.known.add(procedure);
    if (this.running === undefined && !this.concluded.has(procedure) && !this.session.destroyed) this.running = procedure;
  }

  private conclude(procedure: MediaProcedure): void {
    this.concluded.add(procedure);
    this.known.add(procedure);
    if (this.running === procedure) this.running = undefined;
  }

  /** A TimerService whose timers die with the session and whose callbacks cannot throw into the timer wheel. */
  private sessionTimers(base: TimerService): TimerService {
    const ids = this.timerIds;
    const host = this;
    return {
      schedule(delayMs: number, fire: () => void): TimerId {
        const id = base.schedule(delayMs, () => {
          ids.delete(id);
          if (host.session.destroyed) return;
          try {
            fire();
          } catch (error) {
            host.deps.abort(host.session, error);
          }
        });
        ids.add(id);
        return id;
      },
      cancel(id: TimerId): void {
        ids.delete(id);
        base.cancel(id);
      },
      get armedCount(): number {
        return base.armedCount;
      },
    };
  }
}

/** `adv_contact` may be a bare URI: our Contact header value wants angle brackets. */
function angled(contact: string): string {
  return contact.includes('<') ? contact : `<${contact}>`;
}
