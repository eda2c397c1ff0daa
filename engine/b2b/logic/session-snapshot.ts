/** One session in the shape of `b2b_logic:list` (opensips-b2b.md §2.4: Tuples[] with SERVERS, CLIENTS, BRIDGE_ENTITIES). */
import { formatUri } from '../../sip';
import type { EntitySnapshot, SessionSnapshot } from './logic-types';
import { legStateNumber, sessionStateNumber, type Leg, type Session } from './session';

export function sessionSnapshot(session: Session, nowMs: number): SessionSnapshot {
  return {
    id: session.localIndex,
    key: session.key,
    state: sessionStateNumber(session.state),
    lifetime: session.deadlineMs === undefined ? 0 : Math.max(0, Math.ceil((session.deadlineMs - nowMs) / 1000)),
    dbFlag: 0,
    scenario: session.scenario,
    servers: session.servers.map(entitySnapshot),
    clients: session.clients.map(entitySnapshot),
    bridgeEntities: session.bridgeEntities.map(entitySnapshot),
  };
}

function entitySnapshot(leg: Leg, index: number): EntitySnapshot {
  const e = leg.entity;
  // A server entity's far end is the caller (From); a client's is the callee (To).
  const to = e.kind === 'server' ? e.localUri : e.remoteUri;
  const from = e.kind === 'server' ? e.remoteUri : e.localUri;
  return {
    index,
    scenarioId: leg.id,
    key: e.key,
    disconnected: leg.disconnected,
    state: legStateNumber(leg.state),
    no: leg.no,
    type: e.kind,
    peer: leg.peer?.entity.key,
    toUri: formatUri(to.uri),
    fromUri: formatUri(from.uri),
    fromDname: from.displayName,
  };
}
