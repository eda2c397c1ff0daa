/**
 * The programmatic B2B API a TypeScript module (a call center, say) drives sessions with: the counterpart
 * of OpenSIPS's `b2bl_api_t` (opensips-b2b.md §2.6, §5.3). A thin facade over LogicApi: no script routes,
 * callbacks (`SessionCallbacks`) decide on BYE / reject / re-INVITE / confirmed / destroy.
 *
 * | OpenSIPS C API                    | here                                   |
 * |-----------------------------------|----------------------------------------|
 * | init(msg, …, server + client)     | `initCall(tx, received, options)`      |
 * | init(NULL, …, two clients) (3PCC) | `initThirdParty(options)`              |
 * | bridge(key, uri, proxy, dname, n) | `bridge(key, target, entityNo)`        |
 * | bridge_2calls(key1, key2)         | `bridgeTwoCalls(key1, key2)`           |
 * | terminate_call(key)               | `terminate(key)`                       |
 * | bridge_msg(msg, key, entity_no)   | `bridgeMsg(tx, received, options)`     |
 * | get_stats(key)                    | `stats(key)`                           |
 * | register_cb(key, cb, param, mask) | `registerCallbacks(key, callbacks)`    |
 * | get_entity_info(key, …, entity)   | `entityInfo(key, index)`               |
 * | per-session context put/get       | `ctx(key)` (a live Map)                |
 */
import type { SipRequest } from '../../sip/message';
import type { ServerTransaction } from '../../transaction/transaction-types';
import type { ReceiveContext } from '../../transport/transport-layer';
import type { InitFlags, InitResult, LogicApi, LogicOutcome } from './logic-types';
import type { BridgeFlags, ClientDeclaration, EntityRef, LogicRoutes, ServerDeclaration, SessionCallbacks, SessionStats } from './scripted-types';

/** API sessions run no script route: everything not decided by a callback follows the automatic handling (§1.5). */
const NO_ROUTES: LogicRoutes = Object.freeze({});

export interface ApiCallOptions {
  /** Scenario name shown by `b2b_logic:list` (free text; not "top hiding"). */
  readonly scenario: string;
  /** The received initial INVITE (after any changes the caller made). */
  readonly request: SipRequest;
  /** The callee: a client entity called with the caller's SDP. */
  readonly client: ClientDeclaration;
  /** The caller's entity id and advertised Contact (default id "caller"). */
  readonly server?: ServerDeclaration;
  readonly flags?: InitFlags;
  readonly ctx?: ReadonlyMap<string, string>;
  readonly callbacks?: SessionCallbacks;
}

export interface ApiThirdPartyOptions {
  readonly scenario: string;
  /** Called first, without SDP; its offer goes to `second`. */
  readonly first: ClientDeclaration;
  readonly second: ClientDeclaration;
  readonly ctx?: ReadonlyMap<string, string>;
  readonly callbacks?: SessionCallbacks;
}

export interface ApiBridgeMsgOptions {
  readonly request: SipRequest;
  /** Session key or `callid;from-tag;to-tag` of one of its legs. */
  readonly key: string;
  /** Which party of that session is kept (the other is ended). */
  readonly entityNo: 0 | 1;
  readonly lateBye?: boolean;
  readonly ctx?: ReadonlyMap<string, string>;
}

export class B2bApi {
  constructor(private readonly logic: LogicApi) {}

  /** `init` with a server entity: the INVITE on `tx` is answered by the session; the callee is called at once. */
  initCall(tx: ServerTransaction, received: ReceiveContext, options: ApiCallOptions): InitResult {
    const client = options.client;
    return this.logic.initRequest(tx, {
      scenario: options.scenario,
      flags: options.flags ?? {},
      targets: [{ uri: client.uri, ...(client.proxy === undefined ? {} : { destination: client.proxy }) }],
      request: options.request,
      server: options.server ?? { id: 'caller' },
      clients: [client],
      routes: NO_ROUTES,
      ...(options.ctx === undefined ? {} : { ctx: options.ctx }),
      ...(options.callbacks === undefined ? {} : { callbacks: options.callbacks }),
    }, received);
  }

  /** `init` with two clients: 3PCC (needs `server_address`). */
  initThirdParty(options: ApiThirdPartyOptions): LogicOutcome {
    return this.logic.triggerScenario({
      scenario: options.scenario, first: options.first, second: options.second, routes: NO_ROUTES,
      ...(options.ctx === undefined ? {} : { ctx: options.ctx }),
      ...(options.callbacks === undefined ? {} : { callbacks: options.callbacks }),
    });
  }

  /** Party `entityNo` (default 0) is bridged to `target`; its current peer is BYE'd. In the initial call: a retry of the callee. */
  bridge(key: string, target: ClientDeclaration, entityNo: 0 | 1 = 0, flags?: BridgeFlags): LogicOutcome {
    return this.logic.apiBridge(key, target, entityNo, flags);
  }

  /** Session 2's live party replaces session 1's party [1]; party [0] is re-INVITEd (late SDP). */
  bridgeTwoCalls(key1: string, key2: string): LogicOutcome {
    return this.logic.bridgeTwoCalls(key1, key2);
  }

  /** BYE / CANCEL / 408-487 to every party. False when no such session. */
  terminate(key: string): boolean {
    return this.logic.terminate(key);
  }

  /** `bridge_msg`: the initial INVITE on `tx` takes the place of the non-kept party of session `key` (pickup). */
  bridgeMsg(tx: ServerTransaction, received: ReceiveContext, options: ApiBridgeMsgOptions): InitResult {
    return this.logic.bridgeRequest(tx, {
      key: options.key, entityNo: options.entityNo, request: options.request,
      ...(options.lateBye === undefined ? {} : { lateBye: options.lateBye }),
      ...(options.ctx === undefined ? {} : { ctx: options.ctx }),
    }, received);
  }

  stats(key: string): SessionStats | undefined {
    return this.logic.stats(key);
  }

  /** Replaces the session's callbacks (OpenSIPS `register_cb`; also how they are re-attached after a restart). */
  registerCallbacks(key: string, callbacks: SessionCallbacks): boolean {
    return this.logic.registerCallbacks(key, callbacks);
  }

  entityInfo(key: string, index: 0 | 1): EntityRef | undefined {
    return this.logic.entityInfo(key, index);
  }

  /** The session's context store (`$b2b_logic.ctx`), live: writes are seen by the session. */
  ctx(key: string): Map<string, string> | undefined {
    return this.logic.ctx(key);
  }
}
