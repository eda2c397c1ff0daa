/**
 * The B2B entities layer as its owner (the B2B logic) sees it: the counterpart of OpenSIPS
 * b2b_entities (opensips-b2b.md §1.1–1.6, §3.1). A server entity is the dialog made from a received
 * initial INVITE (its key is the To-tag we send); a client entity is the dialog we start with an
 * INVITE (its key is the Call-ID we generate).
 */
import type { SipRequest, SipResponse } from '../../sip/message';
import type { NameAddr, Uri } from '../../sip/types';
import type { ServerTransaction } from '../../transaction/transaction-types';
import type { Destination, ReceiveContext } from '../../transport/transport-layer';
import type { BodyPart } from '../../dialog/request-factory';

export type EntityKind = 'server' | 'client';

/**
 * `new`: server entity before any reply with a To-tag / client before any response with one;
 * `early`: a 1xx with a tag; `confirmed`: 2xx sent/received; `terminated`: over (BYE, CANCEL, failure).
 */
export type EntityState = 'new' | 'early' | 'confirmed' | 'terminated';

export type EntityEndReason =
  | 'bye-received' | 'bye-sent' | 'cancelled' | 'rejected' | 'timeout' | 'transport-error' | 'deleted' | 'ack-timeout';

/** b2b_entities module parameters (§3.1) as the layer uses them; `engine/config` fills them from YAML. */
export interface EntitiesConfig {
  /** `b2b_key_prefix`, default "B2B". */
  readonly keyPrefix: string;
  /** `server_hsize` / `client_hsize`: log2 of the table sizes (default 9). */
  readonly serverHsizeBits: number;
  readonly clientHsizeBits: number;
  /** `passthru_prack`: false = PRACK answered locally and generated locally (default). */
  readonly passthruPrack: boolean;
  /** Credentials for 401/407 challenges on client requests (uac_auth's credential list). */
  readonly credentials: readonly DigestCredential[];
}

export const defaultEntitiesConfig: EntitiesConfig = {
  keyPrefix: 'B2B', serverHsizeBits: 9, clientHsizeBits: 9, passthruPrack: false, credentials: [],
};

export interface DigestCredential {
  /** Realm the credential answers; '*' answers any realm. */
  readonly realm: string;
  readonly username: string;
  readonly password: string;
}

export interface SendOptions {
  readonly headers?: ReadonlyArray<readonly [string, string]>;
  readonly body?: BodyPart;
}

export interface ReplyOptions extends SendOptions {
  readonly reason?: string;
}

/** A request received on an entity, still waiting for its reply (answer once with `entity.reply`). */
export interface ReceivedRequest {
  readonly request: SipRequest;
  readonly entity: Entity;
  /** True once a final reply went out. */
  readonly answered: boolean;
}

/** A request we sent on an entity; its replies arrive through `EntityOwner.onReply` with this object. */
export interface SentRequest {
  readonly method: string;
  readonly request: SipRequest;
  readonly entity: Entity;
  /** Set by the owner to pair this request with whatever caused it (e.g. the ReceivedRequest being relayed). */
  cause?: unknown;
}

/**
 * A reply as the owner gets it: a received response (not 100 Trying), or a synthesised 408/503
 * when none came (§8.1.3.1), with `response` undefined.
 */
export interface EntityReply {
  readonly status: number;
  readonly reason: string;
  readonly response: SipResponse | undefined;
}

export interface Entity {
  readonly kind: EntityKind;
  /** Server: the To-tag we put in replies. Client: the Call-ID of the dialog we started. */
  readonly key: string;
  readonly state: EntityState;
  readonly callId: string;
  readonly localTag: string;
  /** Undefined until the far end's tag is known (client entity before a tagged response). */
  readonly remoteTag: string | undefined;
  /** The far end's identity (server: From of the INVITE; client: To we sent). */
  readonly remoteUri: NameAddr;
  readonly localUri: NameAddr;
  readonly remoteContact: Uri | undefined;
  /** Server: the INVITE received. Client: the INVITE sent (as first built, before a Via was final). */
  readonly initialRequest: SipRequest;
  /** The b2b_logic key this entity belongs to (OpenSIPS `param`). */
  logicKey: string | undefined;
  /** Free owner data (the logic keeps its per-entity record here). */
  ownerData: unknown;

  /**
   * Replies to a request received on this entity: the initial INVITE (server entity: 1xx, 2xx,
   * ≥300) or an in-dialog request. A 2xx to an INVITE is retransmitted until its ACK (§13.3.1.4).
   * Returns false when the request was already answered or the entity has ended.
   */
  reply(request: ReceivedRequest, status: number, options?: ReplyOptions): boolean;
  /**
   * Sends an in-dialog request (re-INVITE, UPDATE, INFO, BYE, NOTIFY, REFER, MESSAGE …). On a
   * confirmed-but-unACKed client dialog the pending ACK goes first (§1.6). Returns undefined when the
   * request may not be sent now (e.g. an INVITE while another INVITE transaction is open, §14.1).
   */
  sendRequest(method: string, options?: SendOptions): SentRequest | undefined;
  /** ACKs the 2xx of our INVITE/re-INVITE with CSeq `cseq` (the latest when omitted), end to end with a body. */
  sendAck(options?: SendOptions & { readonly cseq?: number }): void;
  /**
   * Ends the dialog the way its state requires: BYE when confirmed; client early/new → CANCEL
   * (with `reason` as a Reason header if given); server unanswered → final reply `status` (487 default).
   */
  terminate(options?: { readonly status?: number; readonly reasonHeader?: string }): void;
  /** Removes the entity from the tables without signalling (after its BYE was answered, say). */
  delete(): void;
}

export interface ServerEntity extends Entity {
  readonly kind: 'server';
  /** The received initial INVITE as a ReceivedRequest (to reply 18x/200/4xx to it). */
  readonly invite: ReceivedRequest;
  readonly source: ReceiveContext;
}

export interface ClientEntity extends Entity {
  readonly kind: 'client';
  /** The initial INVITE as a SentRequest (its replies carry it). */
  readonly invite: SentRequest;
}

/** What a client entity starts with (§1.7: the logic decides every header it carries). */
export interface ClientSpec {
  readonly requestUri: Uri;
  readonly to: NameAddr;
  /** From without tag: the entities layer adds its own tag. */
  readonly from: NameAddr;
  /** Overrides the generated From-tag (top hiding derives one per fork, §1.3). */
  readonly fromTag?: string;
  /** CSeq number of the INVITE (copied from the caller's INVITE for top hiding); default 1. */
  readonly cseq?: number;
  readonly maxForwards: number;
  /** Our Contact for this dialog. */
  readonly contact: string;
  /** Where to send the INVITE ($du / outbound proxy); default: resolve the Request-URI. */
  readonly destination?: Destination;
  readonly headers?: ReadonlyArray<readonly [string, string]>;
  readonly body?: BodyPart;
}

/** What the entities layer tells its owner. Every callback may be invoked re-entrantly from a send. */
export interface EntityOwner {
  /** An in-dialog request for the entity (not ACK, not CANCEL, not a locally answered PRACK). Reply with `entity.reply`. */
  onRequest(entity: Entity, request: ReceivedRequest): void;
  /** An ACK for a 2xx we sent (initial or re-INVITE), with its body if any. Retransmitted ACKs are not passed. */
  onAck(entity: Entity, ack: SipRequest): void;
  /** The caller CANCELled the initial INVITE of a server entity; the CANCEL was already answered 200. */
  onCancel(entity: ServerEntity, cancel: SipRequest): void;
  /** A reply (never 100) to a request we sent; client INVITE replies from forks carry their To-tag. */
  onReply(entity: Entity, reply: EntityReply, sent: SentRequest): void;
  /** The entity has ended and left the tables. */
  onEnded(entity: Entity, reason: EntityEndReason): void;
}

/** Script hooks of b2b_entities (`script_req_route` / `script_reply_route`, §1.2): may return a changed message. */
export interface EntityScriptHooks {
  onRequest?(entity: Entity, request: SipRequest): SipRequest;
  onReply?(entity: Entity, response: SipResponse): SipResponse;
}

/** The layer itself, as the logic and the engine wiring use it. */
export interface EntitiesApi {
  /** Makes a server entity from a received initial INVITE (its server transaction is taken over). */
  serverNew(invite: SipRequest, tx: ServerTransaction, owner: EntityOwner, options: { readonly contact: string; readonly logicKey?: string }): ServerEntity;
  /** Sends a new INVITE as a client entity. Replies and failures arrive through `owner`. */
  clientNew(spec: ClientSpec, owner: EntityOwner, options?: { readonly logicKey?: string }): ClientEntity;
  find(key: string): Entity | undefined;
  /** Every live entity, for `b2b_entities:list`. */
  entities(): Iterable<Entity>;
  readonly counts: { readonly servers: number; readonly clients: number };
}

/** Where requests that belong to no entity go: the engine's main route (initial INVITEs and the rest). */
export interface EntitiesDelegate {
  /** An out-of-dialog request, or one whose tags are not ours (§1.2 step 1 said "not B2B"). Answer through `tx`. */
  onInitialRequest(request: SipRequest, tx: ServerTransaction): void;
}
