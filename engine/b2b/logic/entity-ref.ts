/** A leg as routes and API callbacks see it (opensips-b2b.md §2.3 `$b2b_logic.entity(field)`, §2.6 get_entity_info). */
import type { EntityRef, SessionStats } from './scripted-types';
import type { Leg, Session } from './session';

export function entityRef(leg: Leg): EntityRef {
  const e = leg.entity;
  // A server entity's dialog was started by the far end (its tag is the From-tag); a client's by us.
  const server = e.kind === 'server';
  return {
    id: leg.id, key: e.key, kind: e.kind, callId: e.callId,
    fromTag: server ? e.remoteTag : e.localTag,
    toTag: server ? e.localTag : e.remoteTag,
  };
}

/** §2.6 get_stats: start, setup (answer) and call time of a session in clock ms. */
export function sessionStats(session: Session, startMs: number, nowMs: number): SessionStats {
  let setupMs: number | undefined;
  for (const leg of [...session.servers, ...session.clients]) {
    const s = leg.stats.setupMs;
    if (s !== undefined && (setupMs === undefined || s < setupMs)) setupMs = s;
  }
  return { key: session.key, startMs, setupMs, callMs: setupMs === undefined ? 0 : Math.max(0, nowMs - setupMs) };
}

/** Which of the bridged pair (0/1) a leg is, if any. */
export function pairIndex(leg: Leg): 0 | 1 | undefined {
  const pair = leg.session.bridgeEntities;
  if (pair[0] === leg) return 0;
  if (pair[1] === leg) return 1;
  return undefined;
}
