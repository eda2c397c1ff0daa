/**
 * The B2B entities layer (opensips-b2b.md §1.1–1.3, §1.5–1.6, §3.1): the Transaction User of the
 * transaction layer (RFC 3261 §17) that keeps server and client entities in their hash tables,
 * recognises in-dialog requests by key (§1.2 step 1), answers what belongs to no entity, and hands
 * everything else to the engine's main route.
 */
import { formatUri } from '../../sip';
import { silentLogger, type Logger } from '../../ports/logger';
import type { Clock } from '../../ports/clock';
import type { Random } from '../../ports/random';
import type { SipRequest, SipResponse } from '../../sip/message';
import type { Uri } from '../../sip/types';
import type { TimerService } from '../../timers/timer-service';
import type { InviteServerTransaction, ServerTransaction, TransactionUser } from '../../transaction/transaction-types';
import { literalNextHop, type NextHopResolver } from '../../dialog/next-hop';
import { buildResponse } from '../../dialog/responses';
import { ClientEntityImpl } from './client-entity';
import { EntitiesError } from './entity-errors';
import { EntityKeyGenerator } from './entity-key';
import type { EntityServices, EntityTransactions } from './entity-services';
import { EntityTable } from './entity-table';
import type {
  ClientEntity, ClientSpec, EntitiesApi, EntitiesConfig, EntitiesDelegate, Entity, EntityOwner, EntityScriptHooks, ServerEntity,
} from './entity-types';
import { matchRequest, matchResponse, type KeyParsers, type RequestMatch } from './in-dialog-match';
import { ServerEntityImpl } from './server-entity';

export interface B2bEntitiesOptions {
  readonly transactions: EntityTransactions;
  readonly timers: TimerService;
  readonly clock: Clock;
  readonly random: Random;
  readonly logger?: Logger;
  readonly config: EntitiesConfig;
  readonly delegate: EntitiesDelegate;
  readonly hooks?: EntityScriptHooks;
  /** RFC 3261 §17.1.1.1 T1 / T2 (defaults 500 / 4000 ms): the 2xx retransmission schedule and 64·T1 limits. */
  readonly t1Ms?: number;
  readonly t2Ms?: number;
  readonly resolve?: NextHopResolver;
  /** Whether a Route or Request-URI points at this engine (§1.2 step 1). */
  isLocal(uri: Uri): boolean;
}

/** CANCELs sent because another branch answered (RFC 3326; opensips-b2b.md §1.6), for `terminate({ reasonHeader })`. */
export const CALL_COMPLETED_ELSEWHERE = 'SIP;cause=200;text="Call completed elsewhere"';

type AnyEntity = ServerEntityImpl | ClientEntityImpl;

export class B2bEntities implements EntitiesApi, TransactionUser {
  private readonly serverKeys: EntityKeyGenerator;
  private readonly clientKeys: EntityKeyGenerator;
  private readonly servers: EntityTable<ServerEntityImpl>;
  private readonly clients: EntityTable<ClientEntityImpl>;
  /** Server entities by their INVITE transaction (CANCEL, §9.2) and by Call-ID + From-tag (early UPDATE/PRACK, §1.2). */
  private readonly byInviteTx = new Map<ServerTransaction, ServerEntityImpl>();
  private readonly byCallAndFromTag = new Map<string, ServerEntityImpl>();
  private readonly services: EntityServices;
  private readonly parsers: KeyParsers;
  private readonly delegate: EntitiesDelegate;
  private readonly isLocal: (uri: Uri) => boolean;
  private readonly random: Random;

  constructor(options: B2bEntitiesOptions) {
    const config = options.config;
    const t1Ms = options.t1Ms ?? 500;
    const t2Ms = options.t2Ms ?? 4000;
    if (!(t1Ms > 0) || !(t2Ms >= t1Ms)) throw new EntitiesError('bad-config', `need 0 < t1Ms <= t2Ms, got ${t1Ms}/${t2Ms}`);
    const random = options.random;
    this.random = random.fork('b2b-entities');
    this.serverKeys = new EntityKeyGenerator(config.keyPrefix, config.serverHsizeBits, options.clock, random.fork('server-keys'));
    this.clientKeys = new EntityKeyGenerator(config.keyPrefix, config.clientHsizeBits, options.clock, random.fork('client-keys'));
    this.servers = new EntityTable(this.serverKeys.bucketCount);
    this.clients = new EntityTable(this.clientKeys.bucketCount);
    this.delegate = options.delegate;
    this.isLocal = options.isLocal;
    this.parsers = { server: (text) => this.serverKeys.parse(text), client: (text) => this.clientKeys.parse(text) };
    this.services = {
      transactions: options.transactions,
      timers: options.timers,
      random: this.random,
      logger: options.logger ?? silentLogger,
      config,
      hooks: options.hooks ?? {},
      resolve: options.resolve ?? literalNextHop,
      t1Ms,
      t2Ms,
      removed: (entity) => this.removed(entity as AnyEntity),
    };
  }

  get counts(): { readonly servers: number; readonly clients: number } {
    return { servers: this.servers.size, clients: this.clients.size };
  }

  serverNew(invite: SipRequest, tx: ServerTransaction, owner: EntityOwner, options: { readonly contact: string; readonly logicKey?: string }): ServerEntity {
    if (invite.method !== 'INVITE' || tx.request.callId !== invite.callId) throw new EntitiesError('foreign-request', 'serverNew takes an INVITE and its own server transaction');
    const { key, hashIndex } = this.serverKeys.next(`${invite.callId}\u0000${invite.fromTag ?? ''}`);
    const entity = new ServerEntityImpl(this.services, key, hashIndex, invite, tx, owner, options.contact, options.logicKey);
    this.servers.add(hashIndex, entity);
    this.byInviteTx.set(tx, entity);
    this.byCallAndFromTag.set(callAndFromTag(invite.callId, invite.fromTag), entity);
    entity.start();
    return entity;
  }

  clientNew(spec: ClientSpec, owner: EntityOwner, options: { readonly logicKey?: string } = {}): ClientEntity {
    const { key, hashIndex } = this.clientKeys.next(`${formatUri(spec.to.uri)}\u0000${formatUri(spec.from.uri)}`);
    const entity = new ClientEntityImpl(this.services, key, hashIndex, spec, owner, options.logicKey);
    this.clients.add(hashIndex, entity);
    entity.start();
    return entity;
  }

  find(key: string): Entity | undefined {
    const serverBucket = this.serverKeys.parse(key);
    if (serverBucket !== undefined) {
      const server = this.servers.get(serverBucket, key);
      if (server !== undefined) return server;
    }
    const clientBucket = this.clientKeys.parse(key);
    return clientBucket === undefined ? undefined : this.clients.get(clientBucket, key);
  }

  *entities(): IterableIterator<Entity> {
    yield* this.servers.values();
    yield* this.clients.values();
  }

  // ---- TransactionUser ----

  onRequest(tx: ServerTransaction, request: SipRequest): void {
    const match = matchRequest(request, this.parsers, this.isLocal);
    if (match.kind === 'not-b2b') {
      this.delegate.onInitialRequest(request, tx);
      return;
    }
    if (match.kind === 'early-search') {
      const entity = this.byCallAndFromTag.get(callAndFromTag(request.callId, request.fromTag));
      if (entity === undefined) this.delegate.onInitialRequest(request, tx);
      else entity.receive(tx, request);
      return;
    }
    const entity = this.lookup(match);
    if (entity !== undefined) {
      entity.receive(tx, request);
      return;
    }
    // §1.2: B2B-formatted but no entity — BYE is answered 200, anything else 481 (§12.2.2).
    const bye = request.method === 'BYE';
    tx.respond(buildResponse(request, bye ? 200 : 481, { toTag: request.toTag === undefined ? this.random.token(10) : undefined }));
  }

  onStrayAck(ack: SipRequest): void {
    const match = matchRequest(ack, this.parsers, this.isLocal);
    // §1.2: an ACK for no entity of ours (or for a 2xx already ACKed) is absorbed.
    if (match.kind === 'server' || match.kind === 'client') this.lookup(match)?.onAck(ack);
  }

  onStrayResponse(response: SipResponse): void {
    const match = matchResponse(response, this.parsers);
    if (match.kind === 'server' || match.kind === 'client') this.lookup(match)?.onStrayResponse(response);
  }

  onCancel(inviteTx: InviteServerTransaction, cancel: SipRequest): void {
    const entity = this.byInviteTx.get(inviteTx);
    if (entity !== undefined) {
      entity.onCancel(cancel);
      return;
    }
    // §9.2: the INVITE is not an entity's yet (its route is still deciding): it gets 487 now.
    inviteTx.respond(buildResponse(inviteTx.request, 487, { toTag: this.random.token(10) }));
  }

  // ---- tables ----

  private lookup(match: RequestMatch): AnyEntity | undefined {
    if (match.kind === 'server') return this.servers.get(match.hashIndex, match.key);
    if (match.kind === 'client') return this.clients.get(match.hashIndex, match.key);
    return undefined;
  }

  private removed(entity: AnyEntity): void {
    if (entity.kind === 'server') {
      this.servers.remove(entity.hashIndex, entity.key);
      this.byInviteTx.delete(entity.invite.tx);
      const index = callAndFromTag(entity.callId, entity.initialRequest.fromTag);
      if (this.byCallAndFromTag.get(index) === entity) this.byCallAndFromTag.delete(index);
    } else {
      this.clients.remove(entity.hashIndex, entity.key);
    }
  }
}

function callAndFromTag(callId: string, fromTag: string | undefined): string {
  return `${callId}\u0000${fromTag ?? ''}`;
}

/**
 * A TransactionUser that forwards to one made later: the transaction layer needs its user at
 * construction and B2bEntities needs the transaction layer, so the engine wires this in between.
 */
export function lateBoundUser(get: () => TransactionUser | undefined): TransactionUser {
  return {
    onRequest: (tx, request) => get()?.onRequest(tx, request),
    onStrayAck: (ack, context) => get()?.onStrayAck(ack, context),
    onStrayResponse: (response, context) => get()?.onStrayResponse(response, context),
    onCancel: (tx, cancel) => {
      const user = get();
      if (user?.onCancel !== undefined) user.onCancel(tx, cancel);
      else tx.respond(buildResponse(tx.request, 487, { toTag: tx.lastResponse?.toTag }));
    },
    onServerTimeout: (tx) => get()?.onServerTimeout?.(tx),
    onServerTransportError: (tx, reason) => get()?.onServerTransportError?.(tx, reason),
    onServerTransactionTerminated: (tx, cause) => get()?.onServerTransactionTerminated?.(tx, cause),
  };
}
