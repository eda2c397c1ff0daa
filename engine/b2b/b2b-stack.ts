/**
 * The whole B2BUA made of the layers (RFC 3261 §18 transport, §17 transactions, OpenSIPS-style
 * b2b_entities and b2b_logic, opensips-b2b.md §1.1): wires a Transport port to SipTransportLayer →
 * TransactionLayer → B2bEntities → B2bLogic. Without a script, INVITEs get the "top hiding" scenario.
 */
import { silentLogger, type Logger } from '../ports/logger';
import type { Clock } from '../ports/clock';
import type { InboundPacket, Transport } from '../ports/transport';
import type { Random } from '../ports/random';
import { isSipUri } from '../sip';
import type { SipRequest } from '../sip/message';
import type { Uri } from '../sip/types';
import type { TimerService } from '../timers/timer-service';
import { TransactionLayer } from '../transaction/transaction-layer';
import type { TransactionConfig } from '../transaction/transaction-config';
import type { ServerTransaction } from '../transaction/transaction-types';
import { defaultPort, type ListenPoint } from '../transport/listen-point';
import { SipTransportLayer } from '../transport/sip-transport-layer';
import type { ReceiveContext, TransportUser } from '../transport/transport-layer';
import { buildResponse } from '../dialog/responses';
import type { NextHopResolver } from '../dialog/next-hop';
import { B2bEntities, lateBoundUser } from './entities/b2b-entities';
import type { EntitiesConfig, EntitiesDelegate, EntityScriptHooks } from './entities/entity-types';
import { B2bLogic, TOP_HIDING } from './logic/b2b-logic';
import type { LogicConfig, LogicEvents } from './logic/logic-types';
import type { LogicRoutes } from './logic/scripted-types';
import { B2bApi } from './logic/b2b-api';

export { B2bApi, type ApiBridgeMsgOptions, type ApiCallOptions, type ApiThirdPartyOptions } from './logic/b2b-api';

export interface B2bStackOptions {
  readonly transport: Transport;
  readonly listen: readonly ListenPoint[];
  readonly timers: TimerService;
  readonly clock: Clock;
  readonly random: Random;
  readonly logger?: Logger;
  readonly entitiesConfig: EntitiesConfig;
  readonly logicConfig: LogicConfig;
  /** Where out-of-dialog requests go; default: INVITE → top hiding to the R-URI, OPTIONS → 200, the rest 405. */
  readonly delegate?: (stack: B2bStack) => EntitiesDelegate;
  readonly hooks?: EntityScriptHooks;
  readonly events?: LogicEvents;
  /** The script's global b2b_logic routes (`b2bRequest` / `b2bReply` exports; OpenSIPS `script_req_route` / `script_reply_route`). */
  readonly globalRoutes?: LogicRoutes;
  readonly transactionConfig?: Partial<TransactionConfig>;
  readonly t1Ms?: number;
  readonly t2Ms?: number;
  readonly resolve?: NextHopResolver;
}

export interface B2bStack {
  readonly transportLayer: SipTransportLayer;
  readonly transactions: TransactionLayer;
  readonly entities: B2bEntities;
  readonly logic: B2bLogic;
  /** The programmatic API for other TypeScript modules (OpenSIPS's b2b_logic C API, opensips-b2b.md §2.6). */
  readonly api: B2bApi;
  /** Hand every packet the socket owner receives to this. */
  receive(packet: InboundPacket): void;
  /** What is live: tests assert it all returns to zero. */
  counts(): { readonly sessions: number; readonly servers: number; readonly clients: number; readonly transactions: number };
}

export class B2bStackError extends Error {
  constructor(readonly code: 'no-listen-point', message: string) {
    super(message);
    this.name = 'B2bStackError';
  }
}

export function createB2bStack(options: B2bStackOptions): B2bStack {
  const logger = options.logger ?? silentLogger;
  if (options.listen.length === 0) throw new B2bStackError('no-listen-point', 'createB2bStack needs at least one listen point');
  const listen = options.listen;
  // The transport layer needs its user at construction, the transaction layer needs the transport layer,
  // and the entities need the transaction layer: the upward links are bound once everything exists.
  let transactions: TransactionLayer | undefined;
  let entities: B2bEntities | undefined;
  let stack: B2bStack | undefined;
  let delegate: EntitiesDelegate | undefined;
  const upward: TransportUser = {
    onRequest: (request, context) => transactions?.onRequest(request, context),
    onResponse: (response, context) => transactions?.onResponse(response, context),
    onTransportError: (destination, reason) => transactions?.onTransportError(destination, reason),
  };
  const transportLayer = new SipTransportLayer({ transport: options.transport, listen, user: upward, logger });
  const tu = lateBoundUser(() => entities);
  transactions = new TransactionLayer({
    transport: transportLayer, timers: options.timers, random: options.random.fork('transactions'), logger,
    config: { ...options.transactionConfig, ...(options.t1Ms === undefined ? {} : { t1Ms: options.t1Ms }), ...(options.t2Ms === undefined ? {} : { t2Ms: options.t2Ms }) },
    user: tu,
  });
  const routeInitial: EntitiesDelegate = { onInitialRequest: (request, tx) => delegate?.onInitialRequest(request, tx) };
  entities = new B2bEntities({
    transactions, timers: options.timers, clock: options.clock, random: options.random.fork('entities'), logger,
    config: options.entitiesConfig, delegate: routeInitial,
    ...(options.hooks === undefined ? {} : { hooks: options.hooks }),
    ...(options.t1Ms === undefined ? {} : { t1Ms: options.t1Ms }),
    ...(options.t2Ms === undefined ? {} : { t2Ms: options.t2Ms }),
    ...(options.resolve === undefined ? {} : { resolve: options.resolve }),
    isLocal: (uri: Uri) => isLocalUri(listen, uri),
  });
  const logic = new B2bLogic({
    entities, timers: options.timers, clock: options.clock, random: options.random.fork('logic'), logger,
    config: options.logicConfig, contactFor: (received, user) => contactFor(listen, received, user),
    ...(options.events === undefined ? {} : { events: options.events }),
  });
  if (options.globalRoutes !== undefined) logic.setGlobalRoutes(options.globalRoutes);
  const built: B2bStack = {
    transportLayer, transactions, entities, logic, api: new B2bApi(logic),
    receive: (packet) => transportLayer.receive(packet),
    counts: () => ({ sessions: logic.counts.sessions, servers: entities!.counts.servers, clients: entities!.counts.clients, transactions: transactions!.liveCount }),
  };
  stack = built;
  delegate = (options.delegate ?? defaultDelegate)(stack);
  return built;
}

/** No script: every INVITE is top-hidden to its R-URI, OPTIONS answered 200 (§11.2), anything else 405. */
export function defaultDelegate(stack: B2bStack): EntitiesDelegate {
  return {
    onInitialRequest: (request: SipRequest, tx: ServerTransaction) => {
      switch (request.method) {
        case 'INVITE':
          stack.logic.initRequest(tx, { scenario: TOP_HIDING, flags: {}, targets: [{ uri: request.uri }], request }, tx.context);
          return;
        case 'ACK':
          return;
        case 'OPTIONS':
          tx.respond(buildResponse(request, 200, { toTag: localTag(request) }));
          return;
        default:
          tx.respond(buildResponse(request, 405, { toTag: localTag(request) }));
      }
    },
  };
}

/** A To-tag for a stateless-looking answer: derived from the Via branch so a retransmission gets the same one. */
function localTag(request: SipRequest): string {
  const branch = request.topVia.branch ?? request.callId;
  let h = 0x811c9dc5;
  for (let i = 0; i < branch.length; i++) h = Math.imul(h ^ branch.charCodeAt(i), 0x01000193) >>> 0;
  return `b2b${h.toString(36)}`;
}

/** Our Contact for a session started on `received`: the listen point it came in on (§1.7, `contact_user` adds the user). */
export function contactFor(listen: readonly ListenPoint[], received: ReceiveContext, user?: string): string {
  const point = listen.find((p) => p.protocol === received.protocol && p.local.port === received.local.port && (p.local.host === received.local.host || isWildcard(p.local.host)))
    ?? listen.find((p) => p.protocol === received.protocol) ?? listen[0]!;
  const host = point.advertised.host.includes(':') ? `[${point.advertised.host}]` : point.advertised.host;
  const transport = point.protocol === 'udp' ? '' : `;transport=${point.protocol}`;
  return `<sip:${user === undefined ? '' : `${user}@`}${host}:${point.advertised.port}${transport}>`;
}

/** Whether a URI names one of our listen points (the entities' "is this for me", §1.2 step 1). */
export function isLocalUri(listen: readonly ListenPoint[], uri: Uri): boolean {
  if (!isSipUri(uri)) return false;
  for (const point of listen) {
    const port = uri.port ?? defaultPort(point.protocol);
    if (port !== point.advertised.port && port !== point.local.port) continue;
    const host = uri.host.toLowerCase();
    if (host === point.advertised.host.toLowerCase() || host === point.local.host.toLowerCase()) return true;
  }
  return false;
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::';
}
