/**
 * Script-driven B2B sessions as the logic layer offers them (opensips-b2b.md §1.2, §1.4, §1.5, §2.1,
 * §2.6, §6.5–6.8): entity declarations, the b2b_logic request/reply routes and their verbs, bridge
 * flags, the programmatic API's callbacks, and the media procedures (initial call, bridge, pickup,
 * 3PCC, two calls) that drive INVITE/re-INVITE/ACK while a session is being (re)connected.
 */
import type { SipRequest, SipResponse } from '../../sip/message';
import type { NameAddr, Uri } from '../../sip/types';
import type { Destination } from '../../transport/transport-layer';
import type { BodyPart } from '../../dialog/request-factory';
import type { EntityEndReason, EntityReply, ReceivedRequest, SendOptions, SentRequest } from '../entities/entity-types';
import type { HeaderPairs } from './leg-headers';
import type { LogicServices } from './logic-services';
import type { Leg, Session } from './session';

// ---- declarations (b2b_server_new / b2b_client_new) ----

/** `b2b_server_new(id, adv_contact, hdrs, hdr_bodies)`: the caller's INVITE as entity `id`. */
export interface ServerDeclaration {
  readonly id: string;
  /** Contact to advertise on this leg (default: the session's). */
  readonly contact?: string;
  /** Headers added to every request we send on this entity. */
  readonly headers?: HeaderPairs;
}

/** `b2b_client_new(id, dest_uri, proxy, from_dname, adv_contact, hdrs, hdr_bodies, flags)`. */
export interface ClientDeclaration {
  readonly id: string;
  /** R-URI and To of the new INVITE. */
  readonly uri: Uri;
  /** Outbound proxy: where the INVITE is sent instead of resolving `uri`. */
  readonly proxy?: Destination;
  /** Display name of the From. */
  readonly fromDname?: string;
  readonly contact?: string;
  /** Headers added to the INVITE and to every later request we send on this entity. */
  readonly headers?: HeaderPairs;
}

// ---- flags ----

/** `b2b_bridge` flags (§2.1, 3.4+ CSV names). */
export interface BridgeFlags {
  /** `max_duration=<s>`: lifetime from the bridge start, kept after the answer (4.0 behaviour). */
  readonly maxDurationS?: number;
  /** `notify`: RFC 3515 NOTIFYs (100 Trying, then the final status) to the bridge initiator. */
  readonly notify?: boolean;
  /** `rollback-failed`: a failed new entity restores the previous pairing instead of ending the kept one. */
  readonly rollbackFailed?: boolean;
  /** `hold`: the kept party is first re-INVITEd with its last SDP turned `a=inactive`. */
  readonly hold?: boolean;
  /** `no-late-sdp`: the new entity gets an INVITE with the kept party's last SDP. */
  readonly noLateSdp?: boolean;
  /** `provmedia-extra-headers`: the new client's extra headers go to the provisional-media server too. */
  readonly provmediaExtraHeaders?: boolean;
}

/** `b2b_handle_reply` flags. */
export interface HandleReplyFlags {
  /** `pass-3xx-contact`: a 3xx is relayed with its Contact unchanged. */
  readonly pass3xxContact?: boolean;
}

// ---- routes and their verbs (the logic level; engine/script wraps these for scripts) ----

/** Misuse of a verb (wrong route, unknown entity id, bridge without a new client …): thrown to the caller. */
export class LogicUsageError extends Error {
  constructor(readonly code: LogicUsageCode, message: string) {
    super(message);
    this.name = 'LogicUsageError';
  }
}

export type LogicUsageCode =
  | 'not-allowed-here' | 'unknown-entity' | 'no-new-client' | 'already-decided' | 'bad-argument' | 'session-gone' | 'too-many-entities';

/** An entity as the routes see it (`$b2b_logic.entity(field)`). */
export interface EntityRef {
  readonly id: string;
  readonly key: string;
  readonly kind: 'server' | 'client';
  readonly callId: string;
  /** Our tag and theirs, and OpenSIPS's from/to view of them: fromtag/totag as they appear on that dialog. */
  readonly fromTag: string | undefined;
  readonly toTag: string | undefined;
}

interface RouteCommon {
  readonly sessionKey: string;
  readonly scenario: string;
  readonly ctx: Map<string, string>;
  /** The entity the current message belongs to. */
  readonly entity: EntityRef;
  /** `$b2b_logic.entity(...)[idx]`: the bridged pair's [0] (kept) and [1]. */
  entityAt(index: 0 | 1): EntityRef | undefined;
  /** The current entity's peer, if paired. */
  readonly peer: EntityRef | undefined;
  /** `b2b_client_new`: declares a client for `bridge` / `bridgeRetry` in this same route run. */
  clientNew(declaration: ClientDeclaration): void;
  /** `b2b_end_dlg_leg`: BYE on the current entity now, marked disconnected, unpaired. */
  endDlgLeg(): void;
  /** True once the message was passed / answered / handled. */
  readonly decided: boolean;
}

/** The b2b_logic request route's view (§1.2 LQ). */
export interface LogicRequestContext extends RouteCommon {
  readonly request: SipRequest;
  /** `b2b_pass_request`: relays to the peer; `edited` is the request after the script's changes. */
  passRequest(edited?: SipRequest): void;
  /** `b2b_send_reply(code, reason, headers, body)` on the current request. */
  sendReply(status: number, reason: string, options?: { readonly headers?: HeaderPairs; readonly body?: BodyPart }): void;
  /** `b2b_delete_entity`: drops the current entity (after answering its BYE). */
  deleteEntity(): void;
  /**
   * `b2b_bridge(e1, e2, provmedia, flags)`: ids, `this` (the current entity) or `peer`; one of them must
   * be a client declared in this run. The current entity becomes the bridge initiator.
   */
  bridge(first: string, second: string, options?: { readonly provMedia?: ClientDeclaration; readonly flags?: BridgeFlags }): void;
}

/** The b2b_logic reply route's view (§1.2 LR). */
export interface LogicReplyContext extends RouteCommon {
  readonly reply: EntityReply;
  /** Method of the request the reply answers. */
  readonly method: string;
  /** `b2b_handle_reply`: the internal processing (relay, bridge step, fork collapse, failure handling). */
  handleReply(flags?: HandleReplyFlags, edited?: SipResponse): void;
  /** `b2b_bridge_retry(id)`: only for a >=300 final reply to INVITE from bridge_entities[1]. */
  bridgeRetry(id: string): void;
}

/** Per-session or global (`script_req_route` / `script_reply_route`) b2b_logic routes. Synchronous. */
export interface LogicRoutes {
  request?(context: LogicRequestContext): void;
  reply?(context: LogicReplyContext): void;
}

// ---- programmatic API callbacks (§2.6 b2bl_cback_f) ----

/** 0 drop, 1 send to the other side, 2 follow the scenario. */
export type CallbackDecision = 'drop' | 'pass' | 'follow';

export interface SessionStats {
  readonly key: string;
  /** Clock ms: created, answered (undefined until then), and the call time in ms so far. */
  readonly startMs: number;
  readonly setupMs: number | undefined;
  readonly callMs: number;
}

export interface CallbackEvent {
  readonly key: string;
  /** Which of the pair (0/1) the event concerns; undefined when not paired. */
  readonly entityIndex: 0 | 1 | undefined;
  readonly entity: EntityRef;
  readonly stats: SessionStats;
}

/** `B2B_*_CB` (§2.6): the callback decides first; 'follow' (or no callback) = the usual handling. */
export interface SessionCallbacks {
  /** BYE from an entity. drop: answered 200, that entity removed, its peer left unpaired for the API user. */
  onBye?(event: CallbackEvent & { readonly request: SipRequest }): CallbackDecision;
  /** Negative final reply to INVITE while initial/bridging. drop: failed entity removed, kept party waits. */
  onReject?(event: CallbackEvent & { readonly status: number; readonly response: SipResponse | undefined }): CallbackDecision;
  onReInvite?(event: CallbackEvent & { readonly request: SipRequest }): CallbackDecision;
  /** The initial call was answered. */
  onConfirmed?(event: CallbackEvent): CallbackDecision;
  onNewSession?(event: { readonly key: string }): void;
  /** The session is freed (always called once, whatever ended it). */
  onDestroy?(event: { readonly key: string; readonly stats: SessionStats }): void;
}

// ---- media procedures (§1.4 bridging, §6.2–6.5, §6.8) ----

export type ProcedureKind = 'initial' | 'bridge' | 'pickup' | 'third-party' | 'two-calls';

/**
 * One media procedure running on a session. While one runs, the session's dispatcher hands it every
 * reply to a request it sent (through `handleReply` or automatically), and first refusal of every
 * request, ACK and leg end; at most one runs per session.
 */
export interface MediaProcedure {
  readonly kind: ProcedureKind;
  /** A reply to a request this procedure sent (its client INVITE, re-INVITE, NOTIFY …). */
  onReply(leg: Leg, reply: EntityReply, sent: SentRequest): void;
  /** A request from a leg during the procedure; true when consumed (BYE during bridging is, §1.4). */
  onRequest(leg: Leg, request: ReceivedRequest): boolean;
  /** An ACK for a 2xx we sent while the procedure runs; true when consumed. */
  onAck(leg: Leg, ack: SipRequest): boolean;
  /** The caller CANCELled its initial INVITE (initial call / pickup); true when consumed. */
  onCancel(leg: Leg): boolean;
  onLegEnded(leg: Leg, reason: EntityEndReason): void;
  /** `bridgeRetry`: replace the failed new entity with `next`. False when not applicable now. */
  retry(next: ClientDeclaration): boolean;
  /** Whether `sent` is one of this procedure's requests. */
  owns(sent: SentRequest): boolean;
}

/** What a procedure may ask of the scripted session that runs it. */
export interface ProcedureHost {
  readonly services: LogicServices;
  readonly session: Session;
  /** Starts a client leg whose INVITE replies come to `procedure.onReply`; body undefined = late SDP. */
  startClient(procedure: MediaProcedure, declaration: ClientDeclaration, options: { readonly body?: BodyPart; readonly from?: NameAddr; readonly headers?: HeaderPairs }): Leg;
  /** Sends an in-dialog request as a step of `procedure` (re-INVITE, UPDATE, NOTIFY, BYE). */
  send(procedure: MediaProcedure, leg: Leg, method: string, options?: SendOptions): SentRequest | undefined;
  /** Success: the session is BRIDGED with `kept` ([0]) and `added` ([1]); lifetime `lifetimeMs` from now (undefined: never). */
  completed(procedure: MediaProcedure, kept: Leg, added: Leg, lifetimeMs: number | undefined): void;
  /** Failure: the procedure already restored or ended its own legs; `endSession` ends whatever is left. */
  failed(procedure: MediaProcedure, failure: { readonly status: number; readonly reason: string; readonly endSession: boolean }): void;
  /** API callbacks; 'follow' when the session has none for this event. */
  rejectDecision(leg: Leg, reply: EntityReply): CallbackDecision;
}

/** Who asked for a bridge decides what happens to the kept party's old peer (§1.4). */
export type OldPeerPolicy =
  /** script `bridge`: left to the script; the initiator is ended when the new entity answers (unless rollback). */
  | 'initiator'
  /** MI / API bridge: the old peer is BYE'd at once. */
  | 'bye-now';

export interface BridgeStart {
  readonly kept: Leg;
  readonly target: ClientDeclaration;
  readonly provMedia?: ClientDeclaration;
  /** The entity whose request triggered the bridge (ended on success unless it is the kept one's partner kept by rollback). */
  readonly initiator?: Leg;
  readonly flags: BridgeFlags;
  /** CSeq number of the REFER that triggered the bridge: the `id` of `Event: refer` on NOTIFYs. */
  readonly referCseq?: number;
  readonly oldPeer: OldPeerPolicy;
}

export interface PickupStart {
  /** The session whose party `entityNo` is kept; the other party is ended (§2.1 b2b_bridge_request). */
  readonly kept: Leg;
  /** The new caller: a server leg made from the pickup INVITE. */
  readonly picker: Leg;
  readonly lateBye: boolean;
  /** `old_entity_term_delay` in seconds (with lateBye). */
  readonly termDelayS: number;
  /** `b2bl_early_update`: an unanswered kept party gets UPDATE instead of re-INVITE. */
  readonly earlyUpdate: boolean;
}

export interface ThirdPartyStart {
  /** Both parties are new clients: the first gets a late INVITE, the second the first's offer (§6.3). */
  readonly first: ClientDeclaration;
  readonly second: ClientDeclaration;
  /** NOTIFY 100 Trying / final to this leg of another session (script `b2b_trigger_scenario` with `n`). */
  readonly notify?: { readonly leg: Leg; readonly referCseq?: number };
}

/** The media procedures, implemented in their own files; `scripted-session.ts` starts them. */
export interface ProcedureFactory {
  bridge(host: ProcedureHost, start: BridgeStart): MediaProcedure;
  pickup(host: ProcedureHost, start: PickupStart): MediaProcedure;
  thirdParty(host: ProcedureHost, start: ThirdPartyStart): MediaProcedure;
  /** bridge_2calls: `moved` (a live leg of another session) replaces [1]; [0] is re-INVITEd late. */
  twoCalls(host: ProcedureHost, start: { readonly kept: Leg; readonly moved: Leg }): MediaProcedure;
}

// ---- what the session starters (pickup, 3PCC, MI/API bridge, two calls) need from the logic core ----

/** A script-driven session's handler as other parts of the logic drive it. */
export interface ScriptedHandle {
  readonly session: Session;
  /** The running procedure, if any. */
  readonly procedure: MediaProcedure | undefined;
  /** Starts a procedure on this session (refused with LogicUsageError 'not-allowed-here' while another runs). */
  run(make: (host: ProcedureHost) => MediaProcedure): MediaProcedure;
}

export interface ScriptedSessionOptions {
  readonly scenario: string;
  /** The URIs hashed into the session key (§1.3: To and From, or the two destinations for 3PCC). */
  readonly hashUris: readonly [string, string];
  readonly ctx?: ReadonlyMap<string, string>;
  readonly routes?: LogicRoutes;
  readonly callbacks?: SessionCallbacks;
  /** Our Contact on the session's legs. */
  readonly contact: string;
  /** Lifetime from now (undefined: no expiry until a procedure sets one, §6.8). */
  readonly lifetimeMs: number | undefined;
}

export interface LogicInternals {
  readonly services: LogicServices;
  readonly procedures: ProcedureFactory;
  /** A session by key or by `callid;from-tag;to-tag` of one of its legs. */
  find(key: string): Session | undefined;
  /** A new script-driven session with no entity yet (destroyed when its last leg ends). */
  newScriptedSession(options: ScriptedSessionOptions): ScriptedHandle;
  /** The handle of a script-driven session (undefined for top hiding). */
  scripted(session: Session): ScriptedHandle | undefined;
  /** bridge_2calls: moves a live leg into another session (its old session loses it). */
  moveLeg(leg: Leg, to: Session): Leg;
}
