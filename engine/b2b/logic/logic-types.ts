/**
 * The B2B logic layer as the script, management and runtime see it: sessions ("tuples") keyed
 * `hash.local` that pair entities (opensips-b2b.md §1.3–1.4, §2.2, §2.7, §6.8).
 */
import type { SipRequest } from '../../sip/message';
import type { Uri } from '../../sip/types';
import type { ServerTransaction } from '../../transaction/transaction-types';
import type { Destination, ReceiveContext } from '../../transport/transport-layer';
import type { BridgeFlags, ClientDeclaration, EntityRef, LogicRoutes, ServerDeclaration, SessionCallbacks, SessionStats } from './scripted-types';

/** b2b_logic module parameters (§2.2) this layer uses; `engine/config` fills them from YAML. */
export interface LogicConfig {
  /** `hash_size`: log2 of the session table size, 1..20 (code default 10). */
  readonly hashSizeBits: number;
  /** `cleanup_period` in seconds (100): the expiry sweep period. */
  readonly cleanupPeriodS: number;
  /** `max_duration` in seconds (43200; 0 = unlimited). */
  readonly maxDurationS: number;
  /** `b2bl_th_init_timeout` in seconds (60): call set-up timeout. */
  readonly initTimeoutS: number;
  /** `custom_headers`: extra header names passed between legs (max 32). */
  readonly customHeaders: readonly string[];
  /** `custom_headers_regexp`. */
  readonly customHeadersRegexp?: RegExp;
  /** `contact_user`: put the From user in our Contact. */
  readonly contactUser: boolean;
  /** `server_address`: our Contact URI (else built from the receiving socket). */
  readonly serverAddress?: string;
  /** `init_callid_hdr`: header name carrying the original Call-ID on generated INVITEs. */
  readonly initCallidHdr?: string;
  /** `old_entity_term_delay` in seconds (0): with `late_bye`, how long after the ACK the replaced party gets its BYE. */
  readonly oldEntityTermDelayS: number;
  /** `b2bl_early_update` (0): `b2b_bridge_request` on an unanswered party uses UPDATE. */
  readonly earlyUpdate: boolean;
}

export const defaultLogicConfig: LogicConfig = {
  hashSizeBits: 10, cleanupPeriodS: 100, maxDurationS: 43200, initTimeoutS: 60, customHeaders: [], contactUser: false,
  oldEntityTermDelayS: 0, earlyUpdate: false,
};

/** Flags of `b2b_init_request` (§2.1, 3.4+ names). */
export interface InitFlags {
  /** `setup-timeout=<s>`: 0 means use max_duration; undefined: `b2bl_th_init_timeout`. */
  readonly setupTimeoutS?: number;
  readonly transparentAuth?: boolean;
  readonly preserveTo?: boolean;
}

/** One destination of the new call: the R-URI (possibly rewritten by the script) or an appended branch. */
export interface CallTarget {
  readonly uri: Uri;
  /** `$du`: where to send it, overriding resolution of the URI. */
  readonly destination?: Destination;
}

export interface InitRequestSpec {
  /** Scenario id: `"top hiding"` selects the built-in pass-through. */
  readonly scenario: string;
  readonly flags: InitFlags;
  /** First the R-URI, then each appended branch (parallel forking, §2.7). */
  readonly targets: readonly CallTarget[];
  /** Context values written before the call (`$b2b_logic.ctx(x)=…`). */
  readonly ctx?: ReadonlyMap<string, string>;
  /** `b2bl_from_spec_param`: a full From value replacing the caller's From on generated INVITEs. */
  readonly from?: string;
  /** The request after the script's header changes (lumps applied): what the client leg is built from. */
  readonly request: SipRequest;
  /** Other scenarios: `b2b_server_new` (default id "caller") and `b2b_client_new` declarations (one client). */
  readonly server?: ServerDeclaration;
  readonly clients?: readonly ClientDeclaration[];
  /** Per-session b2b_logic routes (3rd/4th argument of b2b_init_request); else the global ones. */
  readonly routes?: LogicRoutes;
  /** Programmatic API callbacks (§2.6); API sessions have no routes. */
  readonly callbacks?: SessionCallbacks;
}

/** `b2b_bridge_request(key, entity_no, adv_contact, flags)` (§2.1): join this initial INVITE to a session. */
export interface BridgeRequestSpec {
  /** Session key or `callid;from-tag;to-tag`. */
  readonly key: string;
  /** Which party of that session is kept (0/1). */
  readonly entityNo: 0 | 1;
  readonly contact?: string;
  /** `late_bye`: the other party is ended at the new caller's ACK (plus `old_entity_term_delay`). */
  readonly lateBye?: boolean;
  /** ctx values set in the main route, merged into the session. */
  readonly ctx?: ReadonlyMap<string, string>;
  readonly request: SipRequest;
}

/** MI `b2b_logic:trigger_scenario` / script `b2b_trigger_scenario` (§2.1, §2.4): 3PCC with two new clients. */
export interface TriggerSpec {
  readonly scenario: string;
  readonly first: ClientDeclaration;
  readonly second: ClientDeclaration;
  readonly ctx?: ReadonlyMap<string, string>;
  readonly routes?: LogicRoutes;
  readonly callbacks?: SessionCallbacks;
  /** NOTIFY (100 Trying, then the final status) to this leg: the sender of the current request, or party N of session K. */
  readonly notify?: { readonly entityKey: string; readonly referCseq?: number } | { readonly sessionKey: string; readonly party: 0 | 1 };
}

/** MI `b2b_logic:bridge dialog_id new_uri [flag] [prov_media_uri]` (§2.4). */
export interface MiBridgeSpec {
  readonly dialogId: string;
  readonly newUri: string;
  /** 0 keeps entity 0 and BYEs entity 1, 1 the opposite; undefined with a leg id: that leg is BYE'd, its peer kept. */
  readonly flag?: number;
  readonly provMediaUri?: string;
}

/** An outcome with OpenSIPS's MI error code and text. */
export type LogicOutcome =
  | { readonly ok: true; readonly key: string }
  | { readonly ok: false; readonly code: number; readonly message: string };

export type { BridgeFlags };

export type InitResult =
  | { readonly ok: true; readonly key: string }
  | { readonly ok: false; readonly status: number; readonly reason: string };

/** An entity as `b2b_logic:list` shows it (§2.4). */
export interface EntitySnapshot {
  readonly index: number;
  readonly scenarioId: string | undefined;
  readonly key: string;
  readonly disconnected: boolean;
  readonly state: number;
  readonly no: number;
  readonly type: 'server' | 'client';
  readonly peer: string | undefined;
  readonly toUri: string;
  readonly fromUri: string;
  readonly fromDname: string | undefined;
}

/** A session as `b2b_logic:list` shows it (§2.4 `Tuples[]`). */
export interface SessionSnapshot {
  readonly id: number;
  readonly key: string;
  readonly state: number;
  /** Seconds until the session expires (relative, since our clock is monotonic). */
  readonly lifetime: number;
  readonly dbFlag: number;
  readonly scenario: string;
  readonly servers: readonly EntitySnapshot[];
  readonly clients: readonly EntitySnapshot[];
  readonly bridgeEntities: readonly EntitySnapshot[];
}

/** Per-session events the runtime logs (one line per call start and end at info level). */
export interface LogicEvents {
  onSessionStart?(key: string, scenario: string, request: SipRequest): void;
  onSessionEnd?(key: string, scenario: string, cause: string): void;
}

/** The logic layer as its users see it. */
export interface LogicApi {
  /** `b2b_init_request` for the current initial INVITE and its server transaction. */
  initRequest(tx: ServerTransaction, spec: InitRequestSpec, received: ReceiveContext): InitResult;
  /** `b2b_logic:list`. */
  list(): SessionSnapshot[];
  /** `b2b_logic:terminate_call`: key = session key or `callid;from-tag;to-tag` of one leg. False when not found. */
  terminate(key: string): boolean;
  /** Ends every live session (BYE/CANCEL/487 as their state requires), for shutdown. */
  terminateAll(): void;
  readonly counts: { readonly sessions: number };
  /** Context store of a session (`$b2b_logic.ctx`). */
  ctx(key: string): Map<string, string> | undefined;
  /** The global b2b_logic routes (`script_req_route` / `script_reply_route`), set once the script is loaded. */
  setGlobalRoutes(routes: LogicRoutes | undefined): void;
  /** `b2b_bridge_request` for the current initial INVITE (pickup / parking). */
  bridgeRequest(tx: ServerTransaction, spec: BridgeRequestSpec, received: ReceiveContext): InitResult;
  /** 3PCC: MI `trigger_scenario`, script `triggerScenario`, API init with two clients. Needs `server_address`. */
  triggerScenario(spec: TriggerSpec): LogicOutcome;
  /** MI `b2b_logic:bridge`, four variants. */
  miBridge(spec: MiBridgeSpec): LogicOutcome;
  /** API `bridge(key, new_uri, …, entity_no)`: the kept party's peer is BYE'd, the kept party bridged to `target`. */
  apiBridge(key: string, target: ClientDeclaration, entityNo: 0 | 1, flags?: BridgeFlags): LogicOutcome;
  /** API `bridge_2calls(key1, key2)`. */
  bridgeTwoCalls(key1: string, key2: string): LogicOutcome;
  /** `$b2b_logic.peer(dialog)`: `callid;from-tag;to-tag` of the leg bridged with the given one. */
  peer(dialog: string): string | undefined;
  /** API `register_cb`: replaces the callbacks of a session; false when not found. */
  registerCallbacks(key: string, callbacks: SessionCallbacks): boolean;
  /** API `get_stats`. */
  stats(key: string): SessionStats | undefined;
  /** API `get_entity_info`: entity [index] of the pair. */
  entityInfo(key: string, index: 0 | 1): EntityRef | undefined;
}
