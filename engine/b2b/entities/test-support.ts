/**
 * Test support for the entities layer (not used by engine code): a fake transaction layer on a
 * ManualClock, a recording owner, and a relay owner that joins one server entity to one client
 * entity the way top hiding does (end-to-end ACK, replies relayed to the request that caused them).
 */
import { createResponse } from '../../sip';
import type { SipMessage, SipRequest, SipResponse } from '../../sip/message';
import type { Uri } from '../../sip/types';
import { ClockTimerService } from '../../timers/clock-timer-service';
import { ManualClock } from '../../timers/manual-clock';
import type {
  ClientTransaction, ClientTransactionUser, InviteServerTransaction, IctState, IstState, NictState, ServerTransaction,
} from '../../transaction/transaction-types';
import type { Destination, ReceiveContext } from '../../transport/transport-layer';
import type { BodyPart } from '../../dialog/request-factory';
import { CountingRandom } from '../../transaction/test-support';
import { B2bEntities } from './b2b-entities';
import type { EntityTransactions } from './entity-services';
import {
  defaultEntitiesConfig, type ClientSpec, type EntitiesConfig, type Entity, type EntityEndReason, type EntityOwner, type EntityReply,
  type EntityScriptHooks, type ReceivedRequest, type SentRequest, type ServerEntity,
} from './entity-types';

export class FakeClientTx implements ClientTransaction {
  readonly kind: 'ict' | 'nict';
  readonly key: string;
  readonly branch: string;
  readonly method: string;
  state: IctState | NictState = 'Calling';
  terminated = false;

  constructor(readonly request: SipRequest, readonly destination: Destination, readonly user: ClientTransactionUser, n: number) {
    this.method = request.method;
    this.kind = this.method === 'INVITE' ? 'ict' : 'nict';
    this.branch = request.topVia.branch ?? `z9hG4bKfake${n}`;
    this.key = `${this.branch}:${this.method}`;
  }

  terminate(): void {
    this.terminated = true;
    this.state = 'Terminated';
  }

  /** Feeds a response built from the request (To-tag, extra headers, body) to the transaction user. */
  respond(status: number, options: { readonly toTag?: string; readonly headers?: ReadonlyArray<readonly [string, string]>; readonly body?: BodyPart } = {}): SipResponse {
    const response = createResponse(this.request, status, undefined, {
      toTag: options.toTag, headers: options.headers, body: options.body?.body, contentType: options.body?.contentType,
    });
    this.feed(response);
    return response;
  }

  feed(response: SipResponse): void {
    if (response.status >= 200) this.state = this.kind === 'ict' && response.status < 300 ? 'Accepted' : 'Completed';
    this.user.onResponse(response, this);
  }
}

/** Records what the entities send; tests answer through the returned fake transactions. */
export class FakeTransactions implements EntityTransactions {
  readonly sent: FakeClientTx[] = [];
  readonly acks: SipRequest[] = [];
  private n = 0;

  sendRequest(request: SipRequest, destination: Destination, user: ClientTransactionUser): ClientTransaction {
    const tx = new FakeClientTx(request, destination, user, this.n++);
    this.sent.push(tx);
    return tx;
  }

  sendAck(ack: SipRequest): void {
    this.acks.push(ack);
  }

  /** The latest request sent with `method`. */
  last(method: string): FakeClientTx {
    for (let i = this.sent.length - 1; i >= 0; i--) if (this.sent[i]!.method === method) return this.sent[i]!;
    throw new Error(`no ${method} was sent (sent: ${this.sent.map((tx) => tx.method).join(', ')})`);
  }

  methods(): string[] {
    return this.sent.map((tx) => tx.method);
  }
}

const CONTEXT: ReceiveContext = { protocol: 'udp', local: { host: '10.0.0.1', port: 5060 }, source: { host: '10.0.0.9', port: 5060 } };

/** A server transaction that records its responses and keeps RFC 6026's states roughly. */
export class FakeServerTx implements InviteServerTransaction {
  readonly kind = 'ist' as const;
  readonly key: string;
  readonly method: string;
  readonly context = CONTEXT;
  readonly responses: SipResponse[] = [];
  state: IstState = 'Proceeding';
  terminated = false;

  constructor(readonly request: SipRequest) {
    this.method = request.method;
    this.key = `${request.topVia.branch ?? 'x'}:${request.method}`;
  }

  get lastResponse(): SipResponse | undefined {
    return this.responses[this.responses.length - 1];
  }

  respond(response: SipResponse): boolean {
    if (this.state === 'Completed' || this.state === 'Terminated') return false;
    if (this.state === 'Accepted' && (response.status < 200 || response.status >= 300)) return false;
    this.responses.push(response);
    if (response.status >= 200) this.state = response.status < 300 && this.method === 'INVITE' ? 'Accepted' : 'Completed';
    return true;
  }

  terminate(): void {
    this.terminated = true;
    this.state = 'Terminated';
  }

  statuses(): number[] {
    return this.responses.map((r) => r.status);
  }
}

/** A non-INVITE server transaction double (the layer only reads the shared fields). */
export function fakeServerTx(request: SipRequest): FakeServerTx {
  return new FakeServerTx(request);
}

/** Records every owner callback as a line, and keeps the objects for tests to act on. */
export class RecordingOwner implements EntityOwner {
  readonly events: string[] = [];
  readonly requests: ReceivedRequest[] = [];
  readonly replies: Array<{ readonly entity: Entity; readonly reply: EntityReply; readonly sent: SentRequest }> = [];
  readonly acks: SipRequest[] = [];
  readonly ended: Array<{ readonly entity: Entity; readonly reason: EntityEndReason }> = [];

  onRequest(entity: Entity, request: ReceivedRequest): void {
    this.events.push(`${entity.kind} request ${request.request.method}${request.answered ? ' answered' : ''}`);
    this.requests.push(request);
  }
  onAck(entity: Entity, ack: SipRequest): void {
    this.events.push(`${entity.kind} ack`);
    this.acks.push(ack);
  }
  onCancel(entity: ServerEntity): void {
    this.events.push(`${entity.kind} cancel`);
  }
  onReply(entity: Entity, reply: EntityReply, sent: SentRequest): void {
    this.events.push(`${entity.kind} reply ${reply.status} ${sent.method}`);
    this.replies.push({ entity, reply, sent });
  }
  onEnded(entity: Entity, reason: EntityEndReason): void {
    this.events.push(`${entity.kind} ended ${reason}`);
    this.ended.push({ entity, reason });
  }
}

export interface UnitRig {
  readonly clock: ManualClock;
  readonly timers: ClockTimerService;
  readonly transactions: FakeTransactions;
  readonly initial: Array<{ readonly request: SipRequest; readonly tx: FakeServerTx }>;
  readonly entities: B2bEntities;
}

/** B2bEntities over fake transactions; everything at 10.0.0.1 is local. */
export function unitRig(config: Partial<EntitiesConfig> = {}, hooks?: EntityScriptHooks): UnitRig {
  const clock = new ManualClock(1_000_000);
  const timers = new ClockTimerService(clock, { onError: (error) => { throw error; } });
  const transactions = new FakeTransactions();
  const initial: Array<{ request: SipRequest; tx: FakeServerTx }> = [];
  const entities = new B2bEntities({
    transactions, timers, clock, random: new CountingRandom(), hooks,
    config: { ...defaultEntitiesConfig, ...config },
    delegate: { onInitialRequest: (request, tx) => { initial.push({ request, tx: tx as FakeServerTx }); } },
    isLocal: (uri: Uri) => 'host' in uri && uri.host === '10.0.0.1',
  });
  return { clock, timers, transactions, initial, entities };
}

export function bodyOf(message: SipMessage): BodyPart | undefined {
  if (message.body.length === 0) return undefined;
  return { body: message.body, contentType: message.header('content-type') ?? 'application/sdp' };
}

/** Headers a relay passes on a provisional (RFC 3262: Require/RSeq; the entity renumbers when passthru is off). */
function relayedHeaders(message: SipMessage): Array<readonly [string, string]> {
  const out: Array<readonly [string, string]> = [];
  const require = message.header('require');
  if (require !== undefined) out.push(['Require', require]);
  const rseq = message.header('rseq');
  if (rseq !== undefined) out.push(['RSeq', rseq]);
  return out;
}

/**
 * Joins one server entity to one client entity: replies go back to the request that caused them,
 * the caller's ACK becomes the callee's ACK with its body, CANCEL becomes terminate().
 */
export class RelayOwner implements EntityOwner {
  server: ServerEntity | undefined;
  client: Entity | undefined;
  readonly log: string[] = [];

  constructor(private readonly entities: B2bEntities, private readonly contact: string, private readonly target: (invite: SipRequest) => Omit<ClientSpec, 'contact'>) {}

  /** The main route: an INVITE starts a call, anything else out of dialog is refused. */
  onInitialRequest(request: SipRequest, tx: ServerTransaction): void {
    if (request.method !== 'INVITE') {
      tx.respond(createResponse(request, request.method === 'ACK' ? 200 : 481, undefined, { toTag: 'relay' }));
      return;
    }
    this.server = this.entities.serverNew(request, tx, this, { contact: this.contact });
    this.client = this.entities.clientNew({ ...this.target(request), contact: this.contact, body: bodyOf(request) }, this);
  }

  private peerOf(entity: Entity): Entity | undefined {
    return entity === this.server ? this.client : entity === this.client ? this.server : undefined;
  }

  onRequest(entity: Entity, request: ReceivedRequest): void {
    this.log.push(`${entity.kind} ${request.request.method}`);
    const peer = this.peerOf(entity);
    if (request.answered) {
      if (request.request.method === 'BYE') peer?.terminate();
      return;
    }
    const sent = peer?.sendRequest(request.request.method, { body: bodyOf(request.request) });
    if (sent === undefined) {
      entity.reply(request, 500);
      return;
    }
    sent.cause = request;
  }

  onAck(entity: Entity, ack: SipRequest): void {
    this.log.push(`${entity.kind} ACK`);
    this.peerOf(entity)?.sendAck({ body: bodyOf(ack) });
  }

  onCancel(entity: ServerEntity): void {
    this.log.push(`${entity.kind} CANCEL`);
    this.client?.terminate();
  }

  onReply(entity: Entity, reply: EntityReply, sent: SentRequest): void {
    this.log.push(`${entity.kind} ${reply.status} ${sent.method}`);
    const server = this.server;
    if (entity === this.client && sent === (this.client as { invite?: SentRequest }).invite && server !== undefined) {
      const message = reply.response;
      server.reply(server.invite, reply.status, {
        reason: reply.reason, body: message === undefined ? undefined : bodyOf(message),
        headers: message === undefined || reply.status >= 200 ? [] : relayedHeaders(message),
      });
      return;
    }
    const cause = sent.cause as ReceivedRequest | undefined;
    if (cause !== undefined) cause.entity.reply(cause, reply.status, { reason: reply.reason, body: reply.response === undefined ? undefined : bodyOf(reply.response) });
  }

  onEnded(entity: Entity, reason: EntityEndReason): void {
    this.log.push(`${entity.kind} ended ${reason}`);
    // A leg that ended on its own (ACK timeout, failure) takes its peer with it.
    if (reason !== 'bye-received' && reason !== 'bye-sent' && reason !== 'rejected' && reason !== 'cancelled') this.peerOf(entity)?.terminate();
  }
}
