/**
 * The script API: what a b2bkit script module exports (OpenSIPS 3.2+ routes, opensips-b2b.md §1.2)
 * and what its routes receive — the message and a `b2b` context with the b2b_logic verbs (§2.1)
 * and pseudo-variables (§2.3).
 */
import type { Logger } from '../ports/logger';
import type { SipRequest, SipResponse } from '../sip/message';
import type { CSeq, NameAddr, Uri } from '../sip/types';
import type { InitFlags, InitResult, LogicOutcome } from '../b2b/logic/logic-types';
import type { BridgeFlags, HandleReplyFlags } from '../b2b/logic/scripted-types';

/** Header edits and reads shared by requests and replies. Reads show the message with the edits made so far. */
export interface MessageView {
  readonly callId: string;
  readonly from: NameAddr;
  readonly fromTag: string | undefined;
  readonly to: NameAddr;
  readonly toTag: string | undefined;
  readonly cseq: CSeq;
  /** First value of a header (long or compact name, any case). */
  header(name: string): string | undefined;
  /** Every value of a header, list headers split on commas. */
  headers(name: string): readonly string[];
  hasHeader(name: string): boolean;
  readonly body: Uint8Array;
  /** The body as UTF-8 text ('' when there is none). */
  readonly bodyText: string;
  readonly contentType: string | undefined;
  /**
   * `append_hf`: adds a header line. What crosses to the other leg is still decided by the B2B
   * logic's header list (§1.7: the default list, `custom_headers`, `custom_headers_regexp`), as in OpenSIPS.
   */
  addHeader(name: string, value: string, position?: 'append' | 'prepend'): void;
  /** Replaces every line of a header with one line holding `value`. */
  setHeader(name: string, value: string): void;
  /** `remove_hf`. Via, From, To, Call-ID, CSeq and Content-Length are protected. */
  removeHeader(name: string): void;
  /** Replaces the body (SDP rewriting before the call goes out). */
  setBody(body: string | Uint8Array, contentType?: string): void;
}

export interface RequestView extends MessageView {
  readonly method: string;
  /** `$ru` as text; assigning sets it (same as `setRequestUri`). */
  ruri: string;
  /** `$ru` parsed. */
  readonly uri: Uri;
  setRequestUri(uri: string): void;
  /** The request as it stands now (edits applied), for anything the view does not offer. */
  readonly sip: SipRequest;
}

export interface ReplyView extends MessageView {
  readonly status: number;
  readonly reason: string;
  readonly sip: SipResponse;
}

/** Where a request came from (main route only). */
export interface RequestSource {
  readonly protocol: string;
  readonly host: string;
  readonly port: number;
  /** The local socket it arrived on. */
  readonly local: { readonly host: string; readonly port: number };
}

export type EntityField = 'key' | 'callid' | 'id' | 'fromtag' | 'totag';

/** The §2.3 pseudo-variables, readable in every route. */
export interface B2bVariables {
  /** `$b2b_logic.key`: undefined in the main route until `initRequest` succeeded. */
  readonly key: string | undefined;
  /** `$b2b_logic.scenario`. */
  readonly scenario: string | undefined;
  /**
   * `$b2b_logic.entity(field)[idx]`: idx 0/1 = position in the bridged pair; without idx, the entity the
   * current message belongs to. Undefined when there is no such entity.
   */
  entity(field?: EntityField, index?: 0 | 1): string | undefined;
  /** `$b2b_logic.ctx(name)`: per-session strings; writable before `initRequest` (attached to the session). */
  readonly ctx: CtxStore;
  /** The `upstream` of the configuration (a SIP URI), for scripts that forward calls addressed to the engine. */
  readonly upstream: string | undefined;
  /** Whether a URI points at this engine (one of its listen addresses). */
  isLocal(uri: string | Uri): boolean;
  /** A logger with this request's Call-ID attached. */
  readonly log: Logger;
  /** `$b2b_logic.peer(dialog)`: `callid;from-tag;to-tag` of the leg bridged with the given one (4.0). */
  peer(dialog: string): string | undefined;
  /** The configuration's `script_params` (strings a script is parameterised with: announcement URIs, flags …). */
  param(name: string): string | undefined;
}

export interface CtxStore {
  get(name: string): string | undefined;
  /** Assigning undefined deletes (OpenSIPS: assigning NULL). */
  set(name: string, value: string | undefined): void;
  delete(name: string): boolean;
  has(name: string): boolean;
  entries(): IterableIterator<[string, string]>;
}

export interface ScriptReplyOptions {
  readonly headers?: Readonly<Record<string, string>> | ReadonlyArray<readonly [string, string]>;
  readonly body?: string | Uint8Array;
  readonly contentType?: string;
}

/** Flags of `b2b.initRequest`: OpenSIPS's CSV string (`"setup-timeout=300,transparent-auth,preserve-to"`) or an object. */
export type InitFlagsInput = string | InitFlags;

/** Header lines given to a verb: an object or name/value pairs. */
export type HeaderInput = Readonly<Record<string, string>> | ReadonlyArray<readonly [string, string]>;

/** `b2b_client_new(id, dest_uri, proxy, from_dname, adv_contact, hdrs, hdr_bodies, flags)` options. */
export interface ClientNewOptions {
  /** Outbound proxy (a sip: URI with an IP address): where the INVITE goes instead of `uri`. */
  readonly proxy?: string;
  readonly fromDname?: string;
  /** Contact to advertise on this leg. */
  readonly contact?: string;
  /** Headers added to the INVITE and every later request on this leg. */
  readonly headers?: HeaderInput;
}

/** `b2b_server_new(id, adv_contact, hdrs, hdr_bodies)` options. */
export interface ServerNewOptions {
  readonly contact?: string;
  readonly headers?: HeaderInput;
}

/** A per-session or global b2b_logic request route (`script_req_route`). */
export type LogicRequestRoute = (msg: RequestView, b2b: LogicRequestB2b) => void;
/** A per-session or global b2b_logic reply route (`script_reply_route`). */
export type LogicReplyRoute = (msg: ReplyView, b2b: LogicReplyB2b) => void;

/** The 3rd and 4th arguments of `b2b_init_request`: the session's own routes (else the global ones). */
export interface SessionRouteInput {
  readonly request?: LogicRequestRoute;
  readonly reply?: LogicReplyRoute;
}

/** `b2b_trigger_scenario` peers: `"id,ruri[,proxy[,display]]"` or the same as an object. */
export type TriggerPeer = string | { readonly id: string; readonly uri: string; readonly proxy?: string; readonly fromDname?: string; readonly headers?: HeaderInput };

/** Verbs of both b2b_logic routes (§2.1 "LQ, LR"). Misplaced verbs throw ScriptError `not-allowed-here` naming the script line. */
export interface LogicRouteCommon extends B2bVariables {
  /** The id (`caller`, `callee`, …) of the entity the message belongs to. */
  readonly entityId: string;
  /** `b2b_client_new`: declares a client for `bridge` / `bridgeRetry` in this route run. */
  clientNew(id: string, uri: string, options?: ClientNewOptions): void;
  /** `b2b_end_dlg_leg`: BYE on the current entity now (the current request must still be answered). */
  endDlgLeg(): void;
  /** `b2b_trigger_scenario` from a b2b route (e.g. REFER handled in a new session). */
  triggerScenario(scenario: string, params: string, first: TriggerPeer, second: TriggerPeer): LogicOutcome;
}

/** The b2b_logic request route's `b2b` (§2.1 LQ). */
export interface LogicRequestB2b extends LogicRouteCommon {
  /** `b2b_pass_request`: relays the request (with the script's edits) to the peer. */
  passRequest(): void;
  /** `b2b_send_reply(code, reason, headers, body)`. */
  sendReply(status: number, reason: string, options?: ScriptReplyOptions): void;
  /** `b2b_delete_entity`. */
  deleteEntity(): void;
  /**
   * `b2b_bridge(e1, e2, provmedia_uri, flags)`: ids, `"this"` or `"peer"`, one a client declared with
   * `clientNew` in this run; flags as OpenSIPS's CSV (`"notify,rollback-failed"`) or an object.
   */
  bridge(first: string, second: string, options?: { readonly provMedia?: string; readonly flags?: string | BridgeFlags }): void;
}

/** The b2b_logic reply route's `b2b` (§2.1 LR). */
export interface LogicReplyB2b extends LogicRouteCommon {
  /** `b2b_handle_reply([flags])`: must be called for the reply to be relayed / processed. */
  handleReply(flags?: string | HandleReplyFlags): void;
  /** `b2b_bridge_retry(id)`: only on a >=300 final reply to INVITE from bridge_entities[1]. */
  bridgeRetry(id: string): void;
  /** Method of the request this reply answers. */
  readonly method: string;
}

/** The main route's `b2b`: the verbs for an initial request. */
export interface MainRouteB2b extends B2bVariables {
  /**
   * `b2b_init_request(id, flags)`: starts a B2B session from this INVITE ("top hiding" is built in).
   * Takes the message with the edits made so far, `$du`, the forced socket, the appended branches
   * and the ctx values. On failure the caller has already been answered (`status`).
   */
  initRequest(scenario: string, flags?: InitFlagsInput, routes?: SessionRouteInput): InitResult;
  /** `b2b_server_new`: the caller's INVITE as entity `id` of the next `initRequest` (default id "caller"). */
  serverNew(id: string, options?: ServerNewOptions): void;
  /** `b2b_client_new`: a client entity of the next `initRequest` (max two new entities per message). */
  clientNew(id: string, uri: string, options?: ClientNewOptions): void;
  /**
   * `b2b_bridge_request(key, entity_no, adv_contact, flags)`: joins this INVITE to an existing session
   * (pickup / parking), keeping its party `entityNo`; flags `"late_bye"`.
   */
  bridgeRequest(key: string, entityNo: 0 | 1, options?: { readonly contact?: string; readonly flags?: string }): InitResult;
  /** `b2b_trigger_scenario(scenario, params, peer1, peer2)`: a 3PCC session; params `"n[,key,party]"` asks for NOTIFYs. */
  triggerScenario(scenario: string, params: string, first: TriggerPeer, second: TriggerPeer): LogicOutcome;
  /** Answers the request (a transaction reply) — for requests the script refuses or handles itself. */
  reply(status: number, reason?: string, options?: ScriptReplyOptions): void;
  /** `$du`: send the new call to this SIP URI instead of resolving the R-URI (e.g. `sip:10.0.0.7:5080;transport=tcp`). */
  setDestination(uri: string): void;
  /** `force_send_socket`: one of the engine's listen specs (`udp:127.0.0.1:5060`); its protocol is used for the new call. */
  forceSendSocket(spec: string): void;
  /** `append_branch`: one more parallel target for top hiding (first 2xx wins). */
  appendBranch(uri: string): void;
  readonly source: RequestSource;
  /** True once `initRequest` or `reply` decided the request's fate. */
  readonly decided: boolean;
}

/** The entities routes' `b2b` (b2b_entities `script_req_route` / `script_reply_route`). */
export interface EntityRouteB2b extends B2bVariables {
  /** 'server' (the caller's dialog) or 'client' (a dialog we started). */
  readonly entityKind: 'server' | 'client';
}

/** A route's return: nothing, or a promise (the main route may await; the request waits its turn). */
export type RouteResult = void | Promise<void>;

/** What a script module exports (default export of `defineScript({...})`, or the same keys as named exports). */
export interface ScriptRoutes {
  /** The main request route: initial requests and any request that belongs to no B2B dialog. */
  request(msg: RequestView, b2b: MainRouteB2b): RouteResult;
  /**
   * Runs for every request matched to a B2B entity, before the logic sees it. Synchronous: its edits
   * are applied to what the logic relays (an async function's edits after its first await are lost).
   */
  entitiesRequest?(msg: RequestView, b2b: EntityRouteB2b): void;
  /** Runs for every reply (not 100) to a request the engine sent, before the logic; synchronous too. */
  entitiesReply?(msg: ReplyView, b2b: EntityRouteB2b): void;
  /** Global b2b_logic request route (`script_req_route`): requests of script-driven sessions without their own route. */
  b2bRequest?: LogicRequestRoute;
  /** Global b2b_logic reply route (`script_reply_route`). */
  b2bReply?: LogicReplyRoute;
}

export const ROUTE_NAMES: readonly (keyof ScriptRoutes)[] = ['request', 'entitiesRequest', 'entitiesReply', 'b2bRequest', 'b2bReply'];

/** Identity with types: `export default defineScript({ request(msg, b2b) { … } })`. */
export function defineScript<T extends ScriptRoutes>(routes: T): T {
  return routes;
}
