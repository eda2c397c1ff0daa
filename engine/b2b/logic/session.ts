/**
 * The B2B session ("tuple") and its per-entity records, as OpenSIPS b2b_logic keeps them
 * (opensips-b2b.md §1.3 identifiers, §1.4 entity/session model, §6.8 lifetimes).
 */
import type { Entity, EntityEndReason, EntityReply, ReceivedRequest, SentRequest } from '../entities/entity-types';
import type { SipRequest } from '../../sip/message';
import type { BodyPart } from '../../dialog/request-factory';
import type { InitFlags } from './logic-types';
import type { HeaderPairs } from './leg-headers';
import type { LogicRoutes, SessionCallbacks } from './scripted-types';

/** §1.4 session states; `cancel` means marked for deletion. */
export type SessionState = 'init-bridging' | 'bridging-hold' | 'bridging-init-sdp' | 'bridging' | 'bridged' | 'cancel';

/** The numbers `b2b_logic:list` shows for each state (§1.4: INIT_BRIDGING 0 … CANCEL 5). */
export function sessionStateNumber(state: SessionState): number {
  switch (state) {
    case 'init-bridging': return 0;
    case 'bridging-hold': return 1;
    case 'bridging-init-sdp': return 2;
    case 'bridging': return 3;
    case 'bridged': return 4;
    case 'cancel': return 5;
    default: {
      const never: never = state;
      throw new Error(`unknown session state ${String(never)}`);
    }
  }
}

/** §1.4 entity states in the logic's view: NEW 0, CONFIRMED 1, CANCELING 2. */
export type LegState = 'new' | 'confirmed' | 'canceling';

export function legStateNumber(state: LegState): number {
  return state === 'new' ? 0 : state === 'confirmed' ? 1 : 2;
}

export interface LegStats {
  /** Clock ms when the leg was created. */
  readonly startMs: number;
  /** Clock ms of the 2xx (setup time = setupMs - startMs), undefined until answered. */
  setupMs: number | undefined;
  /** Clock ms when the leg ended. */
  endMs: number | undefined;
}

/** One entity as the session holds it (§1.4): pairing, disconnected mark, SDPs, stats. */
export interface Leg {
  readonly session: Session;
  readonly entity: Entity;
  /** Script-facing id (`caller`, `callee`, …). */
  readonly id: string;
  /** Order of creation within the session (`no` in the list output). */
  readonly no: number;
  state: LegState;
  peer: Leg | undefined;
  disconnected: boolean;
  /** The entity has ended and left the entities layer's tables. */
  ended: boolean;
  /** Final status of the initial INVITE on a client leg (undefined while it is being called). */
  finalStatus: number | undefined;
  /** Last body this entity sent us / last body we sent it. */
  inSdp: BodyPart | undefined;
  outSdp: BodyPart | undefined;
  readonly stats: LegStats;
  /** `b2b_server_new` / `b2b_client_new` extra headers: added to every request we send on this leg. */
  extraHeaders?: HeaderPairs;
}

export interface Session {
  readonly key: string;
  readonly hashIndex: number;
  readonly localIndex: number;
  readonly scenario: string;
  state: SessionState;
  /** Absolute clock ms when the sweep expires the session; undefined = never (max_duration 0). */
  deadlineMs: number | undefined;
  readonly servers: Leg[];
  readonly clients: Leg[];
  /** [0] the kept/first party, [1] its partner (§1.4). */
  readonly bridgeEntities: Leg[];
  readonly ctx: Map<string, string>;
  readonly flags: InitFlags;
  /** Our Contact on every leg of this session. */
  readonly contact: string;
  /** The caller CANCELled (expiry answers 487 instead of 408, §6.8). */
  cancelled: boolean;
  /** Requests received and relayed, still waiting for the peer's final reply. */
  readonly pending: Set<ReceivedRequest>;
  /** Removed from the table: every later callback for its entities is ignored. */
  destroyed: boolean;
  /** What drives the session's messages (top hiding, or a script-driven scenario). */
  handler: SessionHandler | undefined;
  /** Script-driven sessions: the per-session b2b_logic routes (undefined: the global ones, or none). */
  routes?: LogicRoutes;
  /** Programmatic API callbacks (§2.6). */
  callbacks?: SessionCallbacks;
}

/** A scenario's view of the entity callbacks, once the logic has matched the entity to its session. */
export interface SessionHandler {
  onRequest(leg: Leg, request: ReceivedRequest): void;
  onAck(leg: Leg, ack: SipRequest): void;
  onCancel(leg: Leg): void;
  onReply(leg: Leg, reply: EntityReply, sent: SentRequest): void;
  /** The leg's entity ended on its own (rejected, timed out, BYE done); `leg.ended` is already set. */
  onLegEnded(leg: Leg, reason: EntityEndReason): void;
}

/** Grace lifetime after a BYE is passed, a failure, or a 481/408 to a re-INVITE (§1.4, §6.8). */
export const DELETE_GRACE_MS = 30_000;

export function liveLegs(session: Session): Leg[] {
  const out: Leg[] = [];
  for (const leg of session.servers) if (!leg.ended) out.push(leg);
  for (const leg of session.clients) if (!leg.ended) out.push(leg);
  return out;
}
