/**
 * The B2B logic layer as the script, management and runtime see it: sessions ("tuples") keyed
 * `hash.local` that pair entities (opensips-b2b.md §1.3–1.4, §2.2, §2.7, §6.8).
 */
import type { SipRequest } from '../../sip/message';
import type { Uri } from '../../sip/types';
import type { ServerTransaction } from '../../transaction/transaction-types';
import type { Destination, ReceiveContext } from '../../transport/transport-layer';

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
}

export const defaultLogicConfig: LogicConfig = {
  hashSizeBits: 10, cleanupPeriodS: 100, maxDurationS: 43200, initTimeoutS: 60, customHeaders: [], contactUser: false,
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
}

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
}
