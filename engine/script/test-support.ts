/** Test support for the script host: fake logic, entities and server transactions that record what a route did. */
import { parseMessage } from '../sip';
import type { SipRequest, SipResponse } from '../sip/message';
import { wire } from '../sip/test-messages';
import type { LogFields, Logger } from '../ports/logger';
import { randomToken } from '../ports/random-token';
import type { Random } from '../ports/random';
import type { IstState, NistState, ServerTransaction } from '../transaction/transaction-types';
import type { ReceiveContext } from '../transport/transport-layer';
import type { ListenPoint } from '../transport/listen-point';
import type { EntitiesApi, Entity } from '../b2b/entities/entity-types';
import type {
  BridgeRequestSpec, InitRequestSpec, InitResult, LogicApi, LogicOutcome, MiBridgeSpec, SessionSnapshot, TriggerSpec,
} from '../b2b/logic/logic-types';
import type { BridgeFlags, ClientDeclaration, EntityRef, LogicRoutes, SessionCallbacks, SessionStats } from '../b2b/logic/scripted-types';
import type { ScriptEnv } from './script-env';

export const RECEIVED: ReceiveContext = { protocol: 'udp', local: { host: '127.0.0.1', port: 5060 }, source: { host: '127.0.0.1', port: 40000 } };
export const LISTEN: readonly ListenPoint[] = [
  { protocol: 'udp', local: { host: '127.0.0.1', port: 5060 }, advertised: { host: '127.0.0.1', port: 5060 } },
  { protocol: 'tcp', local: { host: '127.0.0.1', port: 5060 }, advertised: { host: '127.0.0.1', port: 5060 } },
];

export function request(method: string, options: { callId?: string; ruri?: string; toTag?: string; extra?: string[]; body?: string } = {}): SipRequest {
  const text = wire(`${method} ${options.ruri ?? 'sip:bob@198.51.100.2:5060'} SIP/2.0`, [
    'Via: SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bK-test-1;rport',
    'Max-Forwards: 70',
    `To: <sip:bob@198.51.100.2>${options.toTag === undefined ? '' : `;tag=${options.toTag}`}`,
    'From: Alice <sip:alice@192.0.2.1>;tag=alice-tag',
    `Call-ID: ${options.callId ?? 'call-1'}`,
    `CSeq: 1 ${method}`,
    'Contact: <sip:alice@127.0.0.1:40000>',
    ...(options.extra ?? []),
  ], options.body ?? '');
  const parsed = parseMessage(text);
  if (!parsed.ok || parsed.message.kind !== 'request') throw new Error('bad test request');
  return parsed.message;
}

export class FakeServerTx implements ServerTransaction {
  readonly kind: 'ist' | 'nist';
  readonly key = 'z9hG4bK-test-1';
  readonly method: string;
  readonly context = RECEIVED;
  state: IstState | NistState;
  readonly responses: SipResponse[] = [];

  constructor(readonly request: SipRequest) {
    this.kind = request.method === 'INVITE' ? 'ist' : 'nist';
    this.method = request.method;
    this.state = this.kind === 'ist' ? 'Proceeding' : 'Trying';
  }

  get lastResponse(): SipResponse | undefined {
    return this.responses[this.responses.length - 1];
  }

  respond(response: SipResponse): boolean {
    if (this.state !== 'Proceeding' && this.state !== 'Trying') return false;
    this.responses.push(response);
    if (response.status >= 200) this.state = 'Completed';
    else this.state = 'Proceeding';
    return true;
  }

  terminate(): void {
    this.state = 'Terminated';
  }
}

export class FakeLogic implements LogicApi {
  readonly inits: InitRequestSpec[] = [];
  readonly ctxs = new Map<string, Map<string, string>>();
  readonly sessions: SessionSnapshot[] = [];
  readonly terminated: string[] = [];
  nextResult: InitResult | undefined;

  initRequest(_tx: ServerTransaction, spec: InitRequestSpec): InitResult {
    this.inits.push(spec);
    const result = this.nextResult ?? { ok: true, key: `7.${this.inits.length}` };
    if (result.ok) {
      this.ctxs.set(result.key, new Map(spec.ctx ?? []));
      this.sessions.push({
        id: this.inits.length, key: result.key, state: 0, lifetime: 60, dbFlag: 0, scenario: spec.scenario,
        servers: [entitySnap(0, 'B2B.server.1', 'server', 'caller')], clients: [entitySnap(0, 'B2B.client.1', 'client', 'callee')], bridgeEntities: [],
      });
    }
    return result;
  }

  list(): SessionSnapshot[] { return this.sessions; }
  terminate(key: string): boolean {
    const found = this.sessions.some((s) => s.key === key);
    if (found) this.terminated.push(key);
    return found;
  }
  terminateAll(): void {}
  get counts(): { readonly sessions: number } { return { sessions: this.sessions.length }; }
  ctx(key: string): Map<string, string> | undefined { return this.ctxs.get(key); }

  /** Every call of the verbs below, in order, for tests of the script and MI layers. */
  readonly calls: Array<{ readonly verb: string; readonly args: readonly unknown[] }> = [];
  nextOutcome: LogicOutcome | undefined;
  globalRoutes: LogicRoutes | undefined;
  setGlobalRoutes(routes: LogicRoutes | undefined): void { this.globalRoutes = routes; }
  bridgeRequest(_tx: ServerTransaction, spec: BridgeRequestSpec): InitResult {
    this.calls.push({ verb: 'bridgeRequest', args: [spec] });
    return this.nextResult ?? { ok: true, key: spec.key };
  }
  triggerScenario(spec: TriggerSpec): LogicOutcome { return this.outcome('triggerScenario', [spec]); }
  miBridge(spec: MiBridgeSpec): LogicOutcome { return this.outcome('miBridge', [spec]); }
  apiBridge(key: string, target: ClientDeclaration, entityNo: 0 | 1, flags?: BridgeFlags): LogicOutcome { return this.outcome('apiBridge', [key, target, entityNo, flags]); }
  bridgeTwoCalls(key1: string, key2: string): LogicOutcome { return this.outcome('bridgeTwoCalls', [key1, key2]); }
  /** What `peer(dialog)` answers (dialog → its peer's `callid;from-tag;to-tag`). */
  readonly peers = new Map<string, string>();
  peer(dialog: string): string | undefined { this.calls.push({ verb: 'peer', args: [dialog] }); return this.peers.get(dialog); }
  registerCallbacks(key: string, callbacks: SessionCallbacks): boolean { this.calls.push({ verb: 'registerCallbacks', args: [key, callbacks] }); return this.ctxs.has(key); }
  stats(key: string): SessionStats | undefined { this.calls.push({ verb: 'stats', args: [key] }); return undefined; }
  entityInfo(key: string, index: 0 | 1): EntityRef | undefined { this.calls.push({ verb: 'entityInfo', args: [key, index] }); return undefined; }

  private outcome(verb: string, args: readonly unknown[]): LogicOutcome {
    this.calls.push({ verb, args });
    return this.nextOutcome ?? { ok: true, key: '7.1' };
  }
}

function entitySnap(index: number, key: string, type: 'server' | 'client', id: string) {
  return { index, scenarioId: id, key, disconnected: false, state: 0, no: 1, type, peer: undefined, toUri: 'sip:bob@198.51.100.2', fromUri: 'sip:alice@192.0.2.1', fromDname: 'Alice' };
}

/** Entities the fake logic's sessions point at (server: caller's dialog; client: ours). */
export class FakeEntities implements EntitiesApi {
  readonly table = new Map<string, Entity>();

  constructor() {
    this.add({ kind: 'server', key: 'B2B.server.1', callId: 'call-1', localTag: 'B2B.server.1', remoteTag: 'alice-tag', logicKey: '7.1' });
    this.add({ kind: 'client', key: 'B2B.client.1', callId: 'B2B.client.1', localTag: 'our-from-tag', remoteTag: 'bob-tag', logicKey: '7.1' });
  }

  add(fields: Pick<Entity, 'kind' | 'key' | 'callId' | 'localTag' | 'remoteTag' | 'logicKey'>): Entity {
    const invite = request('INVITE', { callId: fields.callId });
    const caller = invite.from;
    const callee = invite.to;
    const entity: Partial<Entity> = {
      ...fields, ownerData: undefined, state: 'confirmed', initialRequest: invite,
      remoteUri: fields.kind === 'server' ? caller : callee,
      localUri: fields.kind === 'server' ? callee : caller,
      remoteContact: invite.contact !== undefined && !invite.contact.star ? invite.contact.contacts[0]?.uri : undefined,
    };
    this.table.set(fields.key, entity as Entity);
    return entity as Entity;
  }

  serverNew(): never { throw new Error('not in this fake'); }
  clientNew(): never { throw new Error('not in this fake'); }
  find(key: string): Entity | undefined { return this.table.get(key); }
  entities(): Iterable<Entity> { return this.table.values(); }
  get counts(): { readonly servers: number; readonly clients: number } { return { servers: 1, clients: 1 }; }
}

export interface LogLine {
  readonly level: string;
  readonly message: string;
  readonly fields: LogFields;
}

export function memoryLogger(lines: LogLine[], bound: LogFields = {}): Logger {
  const emit = (level: string) => (fields: LogFields, message: string): void => { lines.push({ level, message, fields: { ...bound, ...fields } }); };
  return {
    trace: emit('trace'), debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error'),
    child: (fields) => memoryLogger(lines, { ...bound, ...fields }),
  };
}

class CountingRandom implements Random {
  private n = 1;
  nextUint32(): number { this.n = (this.n * 1103515245 + 12345) >>> 0; return this.n; }
  nextFloat(): number { return this.nextUint32() / 2 ** 32; }
  token(length: number): string { return randomToken(this, length); }
  fork(): Random { return new CountingRandom(); }
}

export interface HostRig {
  readonly env: ScriptEnv;
  readonly logic: FakeLogic;
  readonly entities: FakeEntities;
  readonly lines: LogLine[];
}

export function hostRig(overrides: Partial<ScriptEnv> = {}): HostRig {
  const logic = new FakeLogic();
  const entities = new FakeEntities();
  const lines: LogLine[] = [];
  const env: ScriptEnv = {
    logic, entities, random: new CountingRandom(), logger: memoryLogger(lines), listen: LISTEN,
    upstream: 'sip:127.0.0.1:5080', fromSpecParam: undefined, scriptFile: __filename, ...overrides,
  };
  return { env, logic, entities, lines };
}
