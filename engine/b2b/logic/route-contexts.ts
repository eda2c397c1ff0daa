/**
 * The views the b2b_logic request and reply routes get (opensips-b2b.md §1.2 LQ/LR, §2.1 verbs and
 * where each may be called): one object per route run, dead once the route returned.
 */
import type { SipRequest, SipResponse } from '../../sip/message';
import type { BodyPart } from '../../dialog/request-factory';
import type { EntityReply, ReceivedRequest, SentRequest } from '../entities/entity-types';
import { entityRef } from './entity-ref';
import type { HeaderPairs } from './leg-headers';
import {
  LogicUsageError, type BridgeFlags, type ClientDeclaration, type EntityRef, type HandleReplyFlags, type LogicReplyContext,
  type LogicRequestContext,
} from './scripted-types';
import type { Leg, Session } from './session';

/** What the verbs do, implemented by the scripted session. */
export interface RouteVerbs {
  readonly session: Session;
  passRequest(leg: Leg, request: SipRequest, received: ReceivedRequest | undefined, edited: SipRequest | undefined): void;
  sendReply(received: ReceivedRequest, status: number, reason: string, options: { readonly headers?: HeaderPairs; readonly body?: BodyPart }): void;
  deleteEntity(leg: Leg, received: ReceivedRequest | undefined): void;
  endDlgLeg(leg: Leg): void;
  bridge(run: RequestRun, first: string, second: string, options: { readonly provMedia?: ClientDeclaration; readonly flags?: BridgeFlags }): void;
  handleReply(leg: Leg, reply: EntityReply, sent: SentRequest, flags: HandleReplyFlags, edited: SipResponse | undefined): void;
  bridgeRetry(leg: Leg, reply: EntityReply, sent: SentRequest, next: ClientDeclaration): void;
  /** An ending verb called after the session ended in the same run: logged, and `received` still answered. */
  endedAlready(leg: Leg, verb: string, received: ReceivedRequest | undefined): void;
}

abstract class RouteRun {
  /** Clients declared with `clientNew` in this run (§2.1: used by bridge / bridgeRetry of the same run). */
  readonly declared = new Map<string, ClientDeclaration>();
  protected open = true;
  protected decidedValue = false;

  constructor(protected readonly verbs: RouteVerbs, readonly leg: Leg, protected readonly where: 'request route' | 'reply route') {}

  get sessionKey(): string { return this.verbs.session.key; }
  get scenario(): string { return this.verbs.session.scenario; }
  get ctx(): Map<string, string> { return this.verbs.session.ctx; }
  get entity(): EntityRef { return entityRef(this.leg); }
  get peer(): EntityRef | undefined {
    const peer = this.leg.peer;
    return peer === undefined || peer.ended ? undefined : entityRef(peer);
  }
  get decided(): boolean { return this.decidedValue; }

  entityAt(index: 0 | 1): EntityRef | undefined {
    const session = this.verbs.session;
    // Until the first pairing the pair is (caller, callee): servers[0], clients[0] (§1.4).
    const leg = session.bridgeEntities[index] ?? (index === 0 ? session.servers[0] : session.clients[0]);
    return leg === undefined ? undefined : entityRef(leg);
  }

  clientNew(declaration: ClientDeclaration): void {
    this.check('clientNew');
    if (typeof declaration.id !== 'string' || declaration.id.length === 0 || declaration.id === 'this' || declaration.id === 'peer') {
      throw new LogicUsageError('bad-argument', `clientNew: bad entity id ${JSON.stringify(declaration.id)}`);
    }
    this.declared.set(declaration.id, declaration);
  }

  endDlgLeg(): void {
    if (this.gone('endDlgLeg', undefined)) {
      this.endedLeg();
      return;
    }
    this.check('endDlgLeg');
    this.verbs.endDlgLeg(this.leg);
    this.endedLeg();
  }

  /** Ends the run: every verb called later is refused. */
  close(): void {
    this.open = false;
  }

  protected endedLeg(): void {}

  /**
   * True when the session already ended during this run (e.g. the 200 to the last leg's BYE): OpenSIPS does
   * not free a session while its route runs, so the verbs that end a leg are then no-ops, not errors.
   */
  protected gone(verb: string, received: ReceivedRequest | undefined): boolean {
    if (!this.open || !this.verbs.session.destroyed) return false;
    this.verbs.endedAlready(this.leg, verb, received);
    return true;
  }

  protected check(verb: string): void {
    if (!this.open) throw new LogicUsageError('not-allowed-here', `${verb}: the ${this.where} run is over (verbs are only valid while the route runs)`);
    if (this.verbs.session.destroyed) throw new LogicUsageError('session-gone', `${verb}: the session has ended`);
  }

  protected decide(verb: string): void {
    this.check(verb);
    if (this.decidedValue) throw new LogicUsageError('already-decided', `${verb}: this message was already passed, answered or handled`);
  }
}

/** §1.2 LQ: a request (or the ACK of a 2xx) of the session. */
export class RequestRun extends RouteRun implements LogicRequestContext {
  constructor(verbs: RouteVerbs, leg: Leg, readonly request: SipRequest, readonly received: ReceivedRequest | undefined) {
    super(verbs, leg, 'request route');
  }

  passRequest(edited?: SipRequest): void {
    this.decide('passRequest');
    this.decidedValue = true;
    this.verbs.passRequest(this.leg, this.request, this.received, edited);
  }

  sendReply(status: number, reason: string, options: { readonly headers?: HeaderPairs; readonly body?: BodyPart } = {}): void {
    this.decide('sendReply');
    const received = this.received;
    if (received === undefined) throw new LogicUsageError('not-allowed-here', `sendReply: an ${this.request.method} gets no reply`);
    if (!Number.isInteger(status) || status < 100 || status > 699) throw new LogicUsageError('bad-argument', `sendReply: bad status ${status}`);
    // A provisional reply leaves the request open: the route still has to give a final answer.
    if (status >= 200) this.decidedValue = true;
    this.verbs.sendReply(received, status, reason, options);
  }

  deleteEntity(): void {
    if (this.gone('deleteEntity', this.received)) {
      this.decidedValue = true;
      return;
    }
    this.check('deleteEntity');
    this.decidedValue = true;
    this.verbs.deleteEntity(this.leg, this.received);
  }

  bridge(first: string, second: string, options: { readonly provMedia?: ClientDeclaration; readonly flags?: BridgeFlags } = {}): void {
    this.check('bridge');
    this.verbs.bridge(this, first, second, options);
  }
}

/** §1.2 LR: a reply to a request the session relayed or a procedure sent. */
export class ReplyRun extends RouteRun implements LogicReplyContext {
  constructor(verbs: RouteVerbs, leg: Leg, readonly reply: EntityReply, readonly sent: SentRequest) {
    super(verbs, leg, 'reply route');
  }

  get method(): string { return this.sent.method; }

  handleReply(flags: HandleReplyFlags = {}, edited?: SipResponse): void {
    this.decide('handleReply');
    this.decidedValue = true;
    this.verbs.handleReply(this.leg, this.reply, this.sent, flags, edited);
  }

  bridgeRetry(id: string): void {
    this.decide('bridgeRetry');
    const next = this.declared.get(id);
    if (next === undefined) throw new LogicUsageError('unknown-entity', `bridgeRetry: "${id}" is not a client declared with clientNew in this route`);
    if (this.sent.method !== 'INVITE' || this.reply.status < 300) {
      throw new LogicUsageError('not-allowed-here', `bridgeRetry: only for a >=300 final reply to INVITE (this is ${this.reply.status} to ${this.sent.method})`);
    }
    this.decidedValue = true;
    this.verbs.bridgeRetry(this.leg, this.reply, this.sent, next);
  }

  /** §2.1: `b2b_end_dlg_leg` in the reply route disposes of the reply too. */
  protected override endedLeg(): void {
    this.decidedValue = true;
  }
}
