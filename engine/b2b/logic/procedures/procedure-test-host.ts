/** Test support: a hand-driven ProcedureHost (opensips-b2b.md §1.4) whose legs record every signal a media procedure sends. */
import { ClockTimerService, ManualClock } from '../../../timers';
import { createRequest, createResponseMessage } from '../../../sip';
import type { SipRequest, SipResponse } from '../../../sip/message';
import type { BodyPart } from '../../../dialog/request-factory';
import type {
  Entity, EntityEndReason, EntityKind, EntityReply, EntityState, ReceivedRequest, ReplyOptions, SendOptions, SentRequest,
} from '../../entities/entity-types';
import type { LogicServices } from '../logic-services';
import { defaultLogicConfig } from '../logic-types';
import type { CallbackDecision, ClientDeclaration, MediaProcedure, ProcedureHost } from '../scripted-types';
import type { Leg, Session, SessionState } from '../session';
import { silentLogger, type LogFields, type Logger } from '../../../ports/logger';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function sdp(name: string): BodyPart {
  return { body: encoder.encode(`v=0\r\no=${name} 1 1 IN IP4 10.0.0.1\r\ns=-\r\nm=audio 4000 RTP/AVP 0\r\na=sendrecv\r\n`), contentType: 'application/sdp' };
}

function note(body: BodyPart | undefined): string {
  if (body === undefined) return '';
  if (body.contentType !== 'application/sdp') return ` ${body.contentType}`;
  const text = decoder.decode(body.body);
  const origin = /o=(\S+)/.exec(text)?.[1] ?? '?';
  return ` sdp=${origin}${text.includes('a=inactive') ? '(inactive)' : ''}`;
}

function request(method: string, callId: string, body?: BodyPart): SipRequest {
  return createRequest({
    method, uri: 'sip:x@10.0.0.5',
    headers: [['Via', 'SIP/2.0/UDP 10.0.0.5;branch=z9hG4bKt'], ['From', '<sip:a@10.0.0.5>;tag=a'], ['To', '<sip:b@10.0.0.9>;tag=b'],
      ['Call-ID', callId], ['CSeq', `1 ${method}`], ['Max-Forwards', '70'], ...(body === undefined ? [] : [['Content-Type', body.contentType] as const])],
    ...(body === undefined ? {} : { body: body.body }),
  });
}

class Received implements ReceivedRequest {
  answered = false;
  constructor(readonly request: SipRequest, readonly entity: Entity) {}
}

export class FakeLegEntity implements Entity {
  state: EntityState;
  remoteTag: string | undefined = 'rt';
  remoteContact = undefined;
  logicKey: string | undefined;
  ownerData: unknown;
  /** Sends refused (returns undefined), e.g. an INVITE transaction already open. */
  refuse = false;
  readonly sent: SentRequest[] = [];
  readonly callId: string;
  readonly localTag = 'lt';
  readonly remoteUri = { uri: { scheme: 'sip' as const, host: 'x', isIpv6: false, params: new Map(), headers: new Map() }, params: new Map() };
  readonly localUri = this.remoteUri;
  readonly initialRequest: SipRequest;
  invite: SentRequest | undefined;

  constructor(readonly kind: EntityKind, readonly key: string, private readonly log: string[], state: EntityState) {
    this.state = state;
    this.callId = key;
    this.initialRequest = request('INVITE', key);
  }

  reply(received: ReceivedRequest, status: number, _options?: ReplyOptions): boolean {
    if (received.answered) return false;
    this.log.push(`${this.key} reply ${received.request.method} ${status}`);
    (received as Received).answered = true;
    return true;
  }

  sendRequest(method: string, options?: SendOptions): SentRequest | undefined {
    if (this.refuse || this.state === 'terminated') return undefined;
    this.log.push(`${this.key} ${method}${note(options?.body)}${(options?.headers ?? []).map(([n, v]) => ` ${n}:${v}`).join('')}`);
    const sent: SentRequest = { method, request: request(method, this.key, options?.body), entity: this };
    this.sent.push(sent);
    return sent;
  }

  sendAck(options?: SendOptions & { readonly cseq?: number }): void {
    this.log.push(`${this.key} ACK${note(options?.body)}`);
  }

  terminate(): void {
    if (this.state === 'terminated') return;
    this.log.push(`${this.key} ${this.state === 'confirmed' ? 'BYE' : 'CANCEL'}`);
  }

  delete(): void {
    this.state = 'terminated';
  }
}

export interface FakeHostOptions {
  readonly reject?: CallbackDecision;
}

/** One session with `caller` (server) and `callee` (client) paired and confirmed; `transferor` = callee. */
export class FakeHost implements ProcedureHost {
  readonly log: string[] = [];
  readonly warnings: string[] = [];
  readonly clock = new ManualClock(1_000_000);
  readonly timers = new ClockTimerService(this.clock, { onError: (error) => { throw error; } });
  readonly session: Session;
  readonly services: LogicServices;
  readonly caller: Leg;
  readonly callee: Leg;
  outcome: string | undefined;
  lifetimeMs: number | undefined | 'unset' = 'unset';
  private nextNo = 0;

  constructor(private readonly options: FakeHostOptions = {}) {
    this.session = {
      key: 'K', hashIndex: 0, localIndex: 0, scenario: 'transfer', state: 'bridged', deadlineMs: undefined, servers: [], clients: [],
      bridgeEntities: [], ctx: new Map(), flags: {}, contact: '<sip:10.0.0.9>', cancelled: false, pending: new Set(), destroyed: false,
      handler: undefined,
    };
    const logger: Logger = {
      ...silentLogger,
      warn: (_fields: LogFields, message: string) => { this.warnings.push(message); },
    };
    const host = this;
    this.services = {
      entities: undefined as never, owner: undefined as never, headers: undefined as never,
      config: defaultLogicConfig, clock: this.clock, logger, timers: this.timers, random: undefined as never,
      createServer: () => { throw new Error('not in tests'); },
      createClient: () => { throw new Error('not in tests'); },
      setLifetime: (_session, delayMs) => { host.lifetimeMs = delayMs; host.session.deadlineMs = delayMs === undefined ? undefined : host.clock.nowMs() + delayMs; },
      bridge: (session, first, second) => {
        first.peer = second;
        second.peer = first;
        session.bridgeEntities.length = 0;
        session.bridgeEntities.push(first, second);
        session.state = 'bridged';
        host.log.push(`paired ${first.id}+${second.id}`);
      },
      markForDeletion: () => { throw new Error('not in tests'); },
      endAllLegs: () => { throw new Error('not in tests'); },
      finish: () => { throw new Error('not in tests'); },
    };
    this.caller = this.addLeg('server', 'caller', 'confirmed');
    this.callee = this.addLeg('client', 'callee', 'confirmed');
    this.caller.inSdp = sdp('caller');
    this.caller.outSdp = sdp('callee');
    this.callee.inSdp = sdp('callee');
    this.callee.outSdp = sdp('caller');
    this.services.bridge(this.session, this.caller, this.callee);
    this.log.length = 0;
  }

  addLeg(kind: EntityKind, id: string, state: EntityState): Leg {
    const entity = new FakeLegEntity(kind, id, this.log, state);
    const leg: Leg = {
      session: this.session, entity, id, no: this.nextNo++, state: state === 'confirmed' ? 'confirmed' : 'new', peer: undefined,
      disconnected: false, ended: false, finalStatus: undefined, inSdp: undefined, outSdp: undefined,
      stats: { startMs: this.clock.nowMs(), setupMs: undefined, endMs: undefined },
    };
    (kind === 'server' ? this.session.servers : this.session.clients).push(leg);
    return leg;
  }

  leg(id: string): Leg {
    const leg = [...this.session.servers, ...this.session.clients].find((l) => l.id === id);
    if (leg === undefined) throw new Error(`no leg ${id}`);
    return leg;
  }

  entity(id: string): FakeLegEntity {
    return this.leg(id).entity as FakeLegEntity;
  }

  // ---- ProcedureHost ----

  /** Client ids whose INVITE cannot be built (startClient throws, as for a bad destination). */
  readonly failStart = new Set<string>();

  startClient(_procedure: MediaProcedure, declaration: ClientDeclaration, options: { readonly body?: BodyPart; readonly headers?: ReadonlyArray<readonly [string, string]> }): Leg {
    if (this.failStart.has(declaration.id)) throw new Error(`no route for ${declaration.id}`);
    const leg = this.addLeg('client', declaration.id, 'new');
    const entity = leg.entity as FakeLegEntity;
    const headers = [...(declaration.headers ?? []), ...(options.headers ?? [])];
    entity.invite = { method: 'INVITE', request: request('INVITE', declaration.id, options.body), entity };
    leg.outSdp = options.body;
    this.log.push(`${declaration.id} new INVITE${note(options.body)}${headers.map(([n, v]) => ` ${n}:${v}`).join('')}`);
    return leg;
  }

  send(_procedure: MediaProcedure, leg: Leg, method: string, options?: SendOptions): SentRequest | undefined {
    return leg.entity.sendRequest(method, options);
  }

  completed(_procedure: MediaProcedure, kept: Leg, added: Leg, lifetimeMs: number | undefined): void {
    this.outcome = `completed ${kept.id}+${added.id} lifetime=${String(lifetimeMs)}`;
    this.services.bridge(this.session, kept, added);
  }

  failed(_procedure: MediaProcedure, failure: { readonly status: number; readonly reason: string; readonly endSession: boolean }): void {
    this.outcome = `failed ${failure.status} end=${String(failure.endSession)}`;
  }

  rejectDecision(_leg: Leg, _reply: EntityReply): CallbackDecision {
    return this.options.reject ?? 'follow';
  }

  // ---- driving replies, requests and ends by hand ----

  /** A final or provisional reply to the last request `id` was sent (its initial INVITE when none). */
  replyTo(procedure: MediaProcedure, id: string, status: number, body?: BodyPart, method = 'INVITE'): void {
    const entity = this.entity(id);
    const sent = [...entity.sent].reverse().find((s) => s.method === method) ?? entity.invite;
    if (sent === undefined) throw new Error(`${id}: nothing sent`);
    if (status >= 200 && status < 300 && method === 'INVITE') entity.state = 'confirmed';
    // The entities layer ends a client whose initial INVITE was rejected (the logic hears onEnded later).
    if (status >= 300 && method === 'INVITE' && entity.state !== 'confirmed') entity.state = 'terminated';
    const response: SipResponse = createResponseMessage({
      status, reason: status === 200 ? 'OK' : status === 404 ? 'Not Found' : status === 491 ? 'Request Pending' : 'Failure',
      headers: [['Via', 'SIP/2.0/UDP 10.0.0.9;branch=z9hG4bKt'], ['From', '<sip:a@x>;tag=a'], ['To', '<sip:b@x>;tag=b'], ['Call-ID', id],
        ['CSeq', `1 ${method}`], ...(body === undefined ? [] : [['Content-Type', body.contentType] as const])],
      ...(body === undefined ? {} : { body: body.body }),
    });
    procedure.onReply(this.leg(id), { status, reason: response.reason, response }, sent);
  }

  /** A request from leg `id`; returns whether the procedure consumed it. */
  request(procedure: MediaProcedure, id: string, method: string): boolean {
    const entity = this.entity(id);
    return procedure.onRequest(this.leg(id), new Received(request(method, id), entity));
  }

  /** The leg's entity ends (after a BYE either way, a rejection, a timeout). */
  end(procedure: MediaProcedure, id: string, reason: EntityEndReason): void {
    const leg = this.leg(id);
    leg.ended = true;
    (leg.entity as FakeLegEntity).state = 'terminated';
    procedure.onLegEnded(leg, reason);
  }

  take(): string[] {
    return this.log.splice(0);
  }

  setState(state: SessionState): void {
    this.session.state = state;
  }
}
