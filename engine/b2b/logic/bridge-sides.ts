/**
 * The two arguments of `b2b_bridge` resolved (opensips-b2b.md §2.1): `this`, `peer`, a client declared
 * in this route run, or a live entity id; exactly one side must be a new client (§1.4).
 */
import type { RequestRun } from './route-contexts';
import { LogicUsageError, type ClientDeclaration } from './scripted-types';
import type { Leg, Session } from './session';

type Side = { readonly kind: 'new'; readonly declaration: ClientDeclaration } | { readonly kind: 'leg'; readonly leg: Leg };

/** The kept leg and the new client of `bridge(first, second)`; `peerOf` also knows a peer unpaired in this run. */
export function bridgeSides(
  session: Session, run: RequestRun, first: string, second: string, peerOf: (leg: Leg) => Leg | undefined,
): { readonly kept: Leg; readonly target: ClientDeclaration } {
  const a = resolve(session, run, first, peerOf);
  const b = resolve(session, run, second, peerOf);
  if (a.kind === 'new' && b.kind === 'leg') return { kept: b.leg, target: a.declaration };
  if (a.kind === 'leg' && b.kind === 'new') return { kept: a.leg, target: b.declaration };
  throw new LogicUsageError('no-new-client', `bridge("${first}", "${second}"): exactly one side must be a client declared with clientNew in this route`);
}

function resolve(session: Session, run: RequestRun, name: string, peerOf: (leg: Leg) => Leg | undefined): Side {
  if (name === 'this') {
    if (run.leg.ended) throw new LogicUsageError('unknown-entity', `bridge: "this" (${run.leg.id}) has ended`);
    return { kind: 'leg', leg: run.leg };
  }
  if (name === 'peer') {
    const peer = peerOf(run.leg);
    if (peer === undefined || peer.ended) throw new LogicUsageError('unknown-entity', `bridge: "${run.leg.id}" has no peer`);
    return { kind: 'leg', leg: peer };
  }
  const declaration = run.declared.get(name);
  if (declaration !== undefined) return { kind: 'new', declaration };
  let found: Leg | undefined;
  for (const leg of [...session.servers, ...session.clients]) if (leg.id === name && !leg.ended) found = leg;
  if (found === undefined) throw new LogicUsageError('unknown-entity', `bridge: no live entity "${name}" in session ${session.key}, and no client declared with that id`);
  return { kind: 'leg', leg: found };
}
