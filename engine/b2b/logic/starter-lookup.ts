/**
 * Finding legs by the ids OpenSIPS accepts (opensips-b2b.md §1.3 `callid;from-tag;to-tag`, §2.3
 * `$b2b_logic.peer`, §2.6 get_stats / get_entity_info) for the session starters and the API.
 */
import type { Entity } from '../entities/entity-types';
import { entityRef } from './entity-ref';
import type { SessionStats } from './scripted-types';
import { liveLegs, type Leg, type Session } from './session';

/** True when `dialog` is `callid;tag;tag` naming this entity's dialog (tags in either order, as find() does). */
export function dialogMatches(entity: Entity, dialog: string): boolean {
  const parts = dialog.split(';');
  if (parts.length !== 3) return false;
  const [callId, a, b] = parts as [string, string, string];
  if (entity.callId !== callId) return false;
  const tags = [entity.localTag, entity.remoteTag];
  return tags.includes(a) && tags.includes(b);
}

/** The live leg of `session` whose dialog is `dialog`, if `dialog` is a dialog id at all. */
export function legByDialog(session: Session, dialog: string): Leg | undefined {
  for (const leg of liveLegs(session)) if (dialogMatches(leg.entity, dialog)) return leg;
  return undefined;
}

/** `callid;from-tag;to-tag` of a leg, From/To as that dialog's INVITE carried them (§2.3). */
export function dialogIdOf(leg: Leg): string | undefined {
  const ref = entityRef(leg);
  if (ref.fromTag === undefined || ref.toTag === undefined) return undefined;
  return `${ref.callId};${ref.fromTag};${ref.toTag}`;
}

/** The other party of the bridged pair, or the leg's peer pointer. */
export function partnerOf(leg: Leg): Leg | undefined {
  if (leg.peer !== undefined) return leg.peer;
  const pair = leg.session.bridgeEntities;
  if (pair[0] === leg) return pair[1];
  if (pair[1] === leg) return pair[0];
  return undefined;
}

/** §2.6 get_stats: started when the first leg was, set up at the first answer, call time since then. */
export function statsOf(session: Session, nowMs: number): SessionStats {
  let startMs: number | undefined;
  let setupMs: number | undefined;
  for (const leg of [...session.servers, ...session.clients]) {
    if (startMs === undefined || leg.stats.startMs < startMs) startMs = leg.stats.startMs;
    const s = leg.stats.setupMs;
    if (s !== undefined && (setupMs === undefined || s < setupMs)) setupMs = s;
  }
  return { key: session.key, startMs: startMs ?? nowMs, setupMs, callMs: setupMs === undefined ? 0 : Math.max(0, nowMs - setupMs) };
}
