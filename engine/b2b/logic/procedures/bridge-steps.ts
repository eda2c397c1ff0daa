/** Small shared pieces of the bridge procedure (opensips-b2b.md §1.4 session states, §6.8 lifetimes): state, liveness, leg ending. */
import type { EntityEndReason } from '../../entities/entity-types';
import type { ProcedureHost } from '../scripted-types';
import type { Leg, SessionState } from '../session';

/** §1.4: the session states a bridge goes through before the host's `completed` makes it BRIDGED. */
export type BridgingState = Extract<SessionState, 'bridging-hold' | 'bridging-init-sdp' | 'bridging'>;

/** Records a bridging state on the session; a session already marked for deletion keeps its mark. */
export function transition(host: ProcedureHost, to: BridgingState): void {
  const session = host.session;
  if (session.destroyed || session.state === 'cancel' || session.state === to) return;
  const from = session.state;
  session.state = to;
  host.services.logger.debug({ key: session.key, from, to }, 'b2b session state');
}

/** A leg that can still be signalled on. */
export function alive(leg: Leg | undefined): leg is Leg {
  return leg !== undefined && !leg.ended && !leg.disconnected && leg.entity.state !== 'terminated';
}

/** Ends a leg the way its state needs (BYE / CANCEL / final reply) and takes it out of any pairing. */
export function endLeg(leg: Leg | undefined): void {
  if (leg === undefined || leg.ended || leg.disconnected) return;
  leg.disconnected = true;
  if (leg.peer !== undefined && leg.peer.peer === leg) leg.peer.peer = undefined;
  leg.peer = undefined;
  if (leg.entity.state !== 'terminated') {
    if (leg.state !== 'confirmed') leg.state = 'canceling';
    leg.entity.terminate();
  }
}

/** The failure status reported (NOTIFY, callbacks) for a new entity that ended without a final reply. */
export function statusForEnd(reason: EntityEndReason): { readonly status: number; readonly reason: string } {
  switch (reason) {
    case 'timeout': return { status: 408, reason: 'Request Timeout' };
    case 'transport-error': return { status: 503, reason: 'Service Unavailable' };
    case 'cancelled': return { status: 487, reason: 'Request Terminated' };
    case 'bye-received':
    case 'bye-sent':
    case 'rejected':
    case 'deleted':
    case 'ack-timeout':
      return { status: 480, reason: 'Temporarily Unavailable' };
    default: {
      const never: never = reason;
      throw new Error(`unknown end reason ${String(never)}`);
    }
  }
}

/** RFC 3261 §14.1: the owner of the Call-ID would wait 2.1–4 s; OpenSIPS retries the bridge re-INVITE after 2.1 s. */
export const REINVITE_RETRY_MS = 2100;
/** §6.5 29/30: a re-INVITE still not through this long after the first 491 is logged. */
export const REINVITE_WARN_MS = 4000;
/** After this many retries the step gives up. */
export const REINVITE_MAX_RETRIES = 5;
