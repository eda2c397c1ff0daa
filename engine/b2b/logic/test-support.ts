/** Test support: a scripted fake of the B2B entities layer (opensips-b2b.md §1.1) that records what the logic asks of it. */
import { ClockTimerService, ManualClock } from '../../timers';
import { createRequest, createResponse, formatNameAddr, parseMessage } from '../../sip';
import type { SipRequest, SipResponse } from '../../sip/message';
import type { NameAddr, Uri } from '../../sip/types';
import type { ServerTransaction } from '../../transaction/transaction-types';
import type { ReceiveContext } from '../../transport/transport-layer';
import { randomToken } from '../../ports/random-token';
import type { Random } from '../../ports/random';
import type {
  ClientEntity, ClientSpec, EntitiesApi, Entity, EntityEndReason, EntityKind, EntityOwner, EntityState, ReceivedRequest,
  ReplyOptions, SendOptions, SentRequest, ServerEntity,
} from '../entities/entity-types';
import { B2bLogic } from './b2b-logic';
import { defaultLogicConfig, type LogicConfig, type LogicEvents } from './logic-types';

/** A tiny deterministic Random (xorshift32) so the engine's tests need not import the simulator. */
class SeededRandomLite implements Random {
  constructor(private state: number) {}
  nextUint32(): number {
    let x = this.state || 1;
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }
  nextFloat(): number {
    return this.nextUint32() / 2 ** 32;
  }
  token(length: number): string {
    return randomToken(this, length);
  }
  fork(label: string): Random {
    let h = this.state;
    for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
    return new SeededRandomLite(h);
  }
}

export const RECEIVED: ReceiveContext = { protocol: 'udp', local: { host: '10.0.0.9', port: 5060 }, source: { host: '10.0.0.1', port: 5060 } };

class FakeReceived implements ReceivedRequest {
  answered = false;
  constructor(readonly request: SipRequest, readonly entity: Entity) {}
}

abstract class FakeEntity implements Entity {
  abstract readonly kind: EntityKind;
  state: EntityState = 'new';
  remoteTag: string | undefined;
  remoteContact: Uri | undefined;
  logicKey: string | undefined;
  ownerData: unknown;
  /** Requests sent on this entity (initial INVITE excluded for clients). */
  readonly sent: SentRequest[] = [];

  constructor(
    protected readonly fake: FakeEntities,
    readonly key: string,
    readonly callId: string,
    readonly localTag: string,
    readonly remoteUri: NameAddr,
    readonly localUri: NameAddr,
    readonly initialRequest: SipRequest,
    readonly owner: EntityOwner,
  ) {}

  get name(): string {
    return String(this.key);
  }

  reply(request: ReceivedRequest, status: number, options?: ReplyOptions): boolean {
    if (request.answered || this.state === 'terminated') return false;
    this.fake.record(`${this.name} reply ${request.request.method} ${status}${bodyNote(options)}${headerNote(options)}`);
    if (status >= 200) (request as FakeReceived).answered = true;
    this.afterReply(request, status);
    return true;
  }

  protected afterReply(_request: ReceivedRequest, _status: number): void {}

  sendRequest(method: string, options?: SendOptions): SentRequest | undefined {
    if (this.state === 'terminated' || this.fake.refuseSends.has(this.name)) {
      this.fake.record(`${this.name} refused ${method}`);
      return undefined;
    }
    this.fake.record(`${this.name} send ${method}${bodyNote(options)}${headerNote(options)}`);
    const sent: SentRequest = { method, request: this.fake.request(method, this.callId), entity: this };
    this.sent.push(sent);
    return sent;
  }

  sendAck(options?: SendOptions & { readonly cseq?: number }): void {
    this.fake.record(`${this.name} ack${bodyNote(options)}`);
  }

  terminate(options?: { readonly status?: number; readonly reasonHeader?: string }): void {
    if (this.state === 'terminated') return;
    this.fake.record(`${this.name} terminate${options?.status === undefined ? '' : ` ${options.status}`}${options?.reasonHeader === undefined ? '' : ` [${options.reasonHeader}]`}`);
    this.onTerminate(options?.status);
  }

  protected abstract onTerminate(status: number | undefined): void;

  delete(): void {
    if (this.state === 'terminated') return;
    this.fake.record(`${this.name} delete`);
    this.end('deleted');
  }

  /** The entity ends and tells its owner, as the real layer does when its dialog is over. */
  end(reason: EntityEndReason): void {
    if (this.state === 'terminated') return;
    this.state = 'terminated';
    this.fake.live.delete(this);
    this.owner.onEnded(this, reason);
  }
}

class FakeServer extends FakeEntity implements ServerEntity {
  readonly kind = 'server' as const;
  readonly invite: ReceivedRequest;
  readonly source = RECEIVED;

  constructor(fake: FakeEntities, key: string, invite: SipRequest, owner: EntityOwner) {
    super(fake, key, invite.callId, key, invite.from, invite.to, invite, owner);
    this.invite = new FakeReceived(invite, this);
    this.remoteTag = invite.fromTag;
  }

  protected override afterReply(request: ReceivedRequest, status: number): void {
    if (request !== this.invite) return;
    if (status < 200) this.state = 'early';
    else if (status < 300) this.state = 'confirmed';
    else this.end('rejected');
  }

  protected onTerminate(status: number | undefined): void {
    if (this.state === 'confirmed') this.end('bye-sent');
    else this.reply(this.invite, status ?? 487);
  }
}

class FakeClient extends FakeEntity implements ClientEntity {
  readonly kind = 'client' as const;
  readonly invite: SentRequest;

  constructor(fake: FakeEntities, key: string, readonly spec: ClientSpec, owner: EntityOwner) {
    const request = fake.request('INVITE', key);
    super(fake, key, key, `ft-${key}`, spec.to, spec.from, request, owner);
    this.invite = { method: 'INVITE', request, entity: this };
  }

  protected onTerminate(): void {
    // Confirmed: BYE and done; otherwise a CANCEL goes out and the test delivers the 487.
    if (this.state === 'confirmed') this.end('bye-sent');
  }
}

function bodyNote(options: SendOptions | undefined): string {
  return options?.body === undefined ? '' : ` body=${new TextDecoder().decode(options.body.body)}`;
}

function headerNote(options: SendOptions | undefined): string {
  const names = (options?.headers ?? []).map(([name, value]) => `${name}:${value}`);
  return names.length === 0 ? '' : ` {${names.join('|')}}`;
}

export class FakeEntities implements EntitiesApi {
  readonly log: string[] = [];
  readonly live = new Set<FakeEntity>();
  readonly refuseSends = new Set<string>();
  private nextServer = 1;
  private nextClient = 1;
  /** Throws from clientNew for these target hosts. */
  readonly failHosts = new Set<string>();

  record(line: string): void {
    this.log.push(line);
  }

  takeLog(): string[] {
    return this.log.splice(0);
  }

  request(method: string, callId: string): SipRequest {
    return createRequest({
      method, uri: 'sip:peer@10.0.0.5',
      headers: [['Via', 'SIP/2.0/UDP 10.0.0.9;branch=z9hG4bKfake'], ['From', '<sip:b2b@10.0.0.9>;tag=f'], ['To', '<sip:peer@10.0.0.5>'], ['Call-ID', callId], ['CSeq', `1 ${method}`], ['Max-Forwards', '70']],
    });
  }

  serverNew(invite: SipRequest, _tx: ServerTransaction, owner: EntityOwner, options: { readonly contact: string; readonly logicKey?: string }): ServerEntity {
    const server = new FakeServer(this, `S${this.nextServer++}`, invite, owner);
    server.logicKey = options.logicKey;
    this.live.add(server);
    this.record(`serverNew ${server.key} contact=${options.contact}`);
    return server;
  }

  clientNew(spec: ClientSpec, owner: EntityOwner, options?: { readonly logicKey?: string }): ClientEntity {
    const host = 'host' in spec.requestUri ? spec.requestUri.host : '';
    if (this.failHosts.has(host)) throw new Error(`no route to ${host}`);
    const client = new FakeClient(this, `C${this.nextClient++}`, spec, owner);
    client.logicKey = options?.logicKey;
    this.live.add(client);
    const headers = (spec.headers ?? []).map(([n, v]) => `${n}:${v}`).join('|');
    this.record(`clientNew ${client.key} ruri=${formatUriText(spec.requestUri)} to=${formatNameAddr(spec.to)} from=${formatNameAddr(spec.from)} cseq=${spec.cseq ?? 1} mf=${spec.maxForwards}${spec.body === undefined ? '' : ` body=${new TextDecoder().decode(spec.body.body)}`}${headers === '' ? '' : ` {${headers}}`}`);
    return client;
  }

  find(key: string): Entity | undefined {
    for (const e of this.live) if (e.key === key) return e;
    return undefined;
  }

  entities(): Iterable<Entity> {
    return this.live;
  }

  get counts(): { readonly servers: number; readonly clients: number } {
    let servers = 0;
    for (const e of this.live) if (e.kind === 'server') servers++;
    return { servers, clients: this.live.size - servers };
  }

  // ---- driving the logic as the network would ----

  /** A reply from the callee to a client's INVITE (1xx/2xx with a To-tag). */
  inviteReply(client: ClientEntity, status: number, options: { readonly body?: string; readonly headers?: ReadonlyArray<readonly [string, string]>; readonly synthesised?: boolean } = {}): void {
    const fake = client as FakeClient;
    const response = options.synthesised === true ? undefined : this.response(client.initialRequest, status, options, `tt-${client.key}`);
    if (status > 100) fake.remoteTag ??= `tt-${client.key}`;
    if (status >= 200 && status < 300) fake.state = 'confirmed';
    else if (status < 200 && fake.state === 'new') fake.state = 'early';
    fake.owner.onReply(client, { status, reason: response?.reason ?? 'Synthesised', response }, client.invite);
    if (status >= 300) fake.end(options.synthesised === true ? 'timeout' : 'rejected');
  }

  /** A reply to a request the logic sent on `entity` (the last one with `method`). */
  replyTo(entity: Entity, method: string, status: number, options: { readonly body?: string; readonly headers?: ReadonlyArray<readonly [string, string]> } = {}): void {
    const fake = entity as FakeEntity;
    const sent = [...fake.sent].reverse().find((s) => s.method === method);
    if (sent === undefined) throw new Error(`no ${method} sent on ${entity.key}`);
    const response = this.response(sent.request, status, options, 'x');
    fake.owner.onReply(entity, { status, reason: response.reason, response }, sent);
    if (method === 'BYE' && status >= 200) fake.end('bye-sent');
  }

  /** An in-dialog request arriving on `entity`. */
  incoming(entity: Entity, method: string, options: { readonly body?: string; readonly maxForwards?: number; readonly headers?: readonly string[] } = {}): ReceivedRequest {
    const headers = [['Max-Forwards', String(options.maxForwards ?? 70)], ...(options.headers ?? []).map((h) => h.split(': ') as [string, string])] as Array<readonly [string, string]>;
    if (options.body !== undefined) headers.push(['Content-Type', 'application/sdp']);
    const base = this.request(method, entity.callId);
    const request = createRequest({
      method, uri: 'sip:b2b@10.0.0.9', headers: [...base.headers.filter((h) => h.key !== 'max-forwards').map((h) => [h.name, h.value] as const), ...headers],
      body: options.body === undefined ? undefined : new TextEncoder().encode(options.body),
    });
    const received = new FakeReceived(request, entity);
    (entity as FakeEntity).owner.onRequest(entity, received);
    return received;
  }

  ack(entity: Entity, body?: string): void {
    const request = body === undefined ? this.request('ACK', entity.callId) : this.request('ACK', entity.callId).withBody(new TextEncoder().encode(body), 'application/sdp');
    (entity as FakeEntity).owner.onAck(entity, request);
  }

  cancel(server: ServerEntity): void {
    (server as FakeServer).owner.onCancel(server, this.request('CANCEL', server.callId));
  }

  private response(request: SipRequest, status: number, options: { readonly body?: string; readonly headers?: ReadonlyArray<readonly [string, string]> }, toTag: string): SipResponse {
    return createResponse(request, status, undefined, {
      toTag, headers: options.headers,
      ...(options.body === undefined ? {} : { body: new TextEncoder().encode(options.body), contentType: 'application/sdp' }),
    });
  }
}

function formatUriText(uri: Uri): string {
  return 'host' in uri ? `${uri.scheme}:${uri.user === undefined ? '' : `${uri.user}@`}${uri.host}${uri.port === undefined ? '' : `:${uri.port}`}` : 'other';
}

/** A fake server transaction that records its responses (for refusals answered before any entity exists). */
export class FakeServerTx implements ServerTransaction {
  readonly kind = 'ist' as const;
  readonly key = 'tx';
  readonly method = 'INVITE';
  readonly context = RECEIVED;
  readonly state = 'Proceeding' as const;
  lastResponse: SipResponse | undefined;
  readonly responses: number[] = [];
  constructor(readonly request: SipRequest) {}
  respond(response: SipResponse): boolean {
    if (this.lastResponse !== undefined && this.lastResponse.status >= 200) return false;
    this.lastResponse = response;
    this.responses.push(response.status);
    return true;
  }
  terminate(): void {}
}

export function inviteMessage(options: { readonly maxForwards?: number; readonly extra?: readonly string[]; readonly body?: string } = {}): SipRequest {
  const body = options.body ?? 'v=0 caller';
  const lines = [
    'INVITE sip:bob@10.0.0.2:5070;transport=udp SIP/2.0',
    'Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKcaller1',
    'Record-Route: <sip:proxy.a;lr>',
    `Max-Forwards: ${options.maxForwards ?? 70}`,
    'From: "Alice" <sip:alice@10.0.0.1>;tag=atag',
    'To: "Bob" <sip:bob@example.com>',
    'Call-ID: caller-call-id@10.0.0.1',
    'CSeq: 314 INVITE',
    'Contact: <sip:alice@10.0.0.1:5060>',
    'Supported: timer, 100rel',
    'Session-Expires: 1800',
    'X-Secret: hidden',
    'Authorization: Digest username="alice", realm="b", nonce="n", uri="sip:bob@b", response="r"',
    ...(options.extra ?? []),
    'Content-Type: application/sdp',
    `Content-Length: ${body.length}`,
    '',
    body,
  ];
  const parsed = parseMessage(new TextEncoder().encode(lines.join('\r\n')));
  if (!parsed.ok || parsed.message.kind !== 'request') throw new Error('bad test INVITE');
  return parsed.message;
}

export interface LogicHarness {
  readonly clock: ManualClock;
  readonly timers: ClockTimerService;
  readonly fake: FakeEntities;
  readonly logic: B2bLogic;
  readonly events: string[];
  readonly errors: string[];
}

export function logicHarness(config: Partial<LogicConfig> = {}): LogicHarness {
  const clock = new ManualClock(0);
  const errors: string[] = [];
  const timers = new ClockTimerService(clock, { onError: (error) => errors.push(String(error)) });
  const fake = new FakeEntities();
  const events: string[] = [];
  const logEvents: LogicEvents = {
    onSessionStart: (key, scenario) => events.push(`start ${key} ${scenario}`),
    onSessionEnd: (key, _scenario, cause) => events.push(`end ${key} ${cause}`),
  };
  const logger = {
    trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined,
    error: (fields: Record<string, unknown>, message: string) => errors.push(`${message} ${String(fields.error)}`),
    child: () => logger,
  };
  const logic = new B2bLogic({
    entities: fake, timers, clock, random: new SeededRandomLite(7), logger, config: { ...defaultLogicConfig, ...config },
    contactFor: (received, user) => `<sip:${user === undefined ? '' : `${user}@`}${received.local.host}:${received.local.port}>`,
    events: logEvents,
  });
  return { clock, timers, fake, logic, events, errors };
}
