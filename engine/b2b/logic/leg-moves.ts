/**
 * Legs crossing sessions and dialogs named across the B2BUA (opensips-b2b.md §2.6 bridge_2calls: a live
 * leg moves into another session; §1.7 the peer dialog a Replaces is rewritten to).
 */
import type { DialogIds } from './replaces';
import { LogicUsageError } from './scripted-types';
import { liveLegs, type Leg, type Session } from './session';
import type { SessionCore } from './session-core';

/** Moves a live leg (its entity, SDPs, pending requests) into `to`; the old session loses it and goes if it is left empty. */
export function moveLeg(core: SessionCore, leg: Leg, to: Session): Leg {
  const from = leg.session;
  if (leg.ended) throw new LogicUsageError('session-gone', `moveLeg: "${leg.id}" of session ${from.key} has ended`);
  if (to.destroyed) throw new LogicUsageError('session-gone', `moveLeg: session ${to.key} has ended`);
  if (leg.peer !== undefined && leg.peer.peer === leg) leg.peer.peer = undefined;
  leg.peer = undefined;
  removeFrom(leg.entity.kind === 'server' ? from.servers : from.clients, leg);
  removeFrom(from.bridgeEntities, leg);
  // The old record is over: whatever still holds it sees an ended leg.
  leg.ended = true;
  const moved = core.addLeg(to, leg.entity, leg.id);
  moved.state = leg.state;
  moved.finalStatus = leg.finalStatus;
  moved.inSdp = leg.inSdp;
  moved.outSdp = leg.outSdp;
  moved.stats.setupMs = leg.stats.setupMs;
  if (leg.extraHeaders !== undefined) moved.extraHeaders = leg.extraHeaders;
  for (const request of [...from.pending]) {
    if (request.entity !== leg.entity) continue;
    from.pending.delete(request);
    to.pending.add(request);
  }
  if (!from.destroyed && liveLegs(from).length === 0) core.destroy(from, 'moved');
  return moved;
}

/** The dialog bridged with our dialog (Call-ID, two tags) in `session`, for the Replaces rewrite. */
export function peerDialogOf(session: Session | undefined, callId: string, tagA: string, tagB: string): DialogIds | undefined {
  if (session === undefined) return undefined;
  for (const leg of liveLegs(session)) {
    const e = leg.entity;
    if (e.callId !== callId) continue;
    const tags = [e.localTag, e.remoteTag];
    if (!tags.includes(tagA) || !tags.includes(tagB)) continue;
    const peer = leg.peer;
    if (peer === undefined || peer.ended) return undefined;
    return { callId: peer.entity.callId, localTag: peer.entity.localTag, remoteTag: peer.entity.remoteTag };
  }
  return undefined;
}

function removeFrom(list: Leg[], leg: Leg): void {
  const i = list.indexOf(leg);
  if (i >= 0) list.splice(i, 1);
}
