/** Overlapping re-INVITE (500 + Retry-After) and glare (491) across the B2BUA (opensips-b2b.md §1.6, §6.1; SIPssert test 28). */
import t from 'tap';
import type { SipResponse } from '../../engine/sip/message';
import { buildInDialogRequest } from '../../engine/dialog/in-dialog-request';
import type { InviteSession } from '../../engine/dialog/invite-session';
import { literalNextHop } from '../../engine/dialog/next-hop';
import { requestFromParts } from '../../engine/dialog/request-factory';
import type { Reply } from '../../engine/dialog/session-types';
import type { SimHost } from '../../simulator';
import { addUa, leftovers, newWorld, type SimUa } from '../dialog/sim-ua';
import { SDP_A, addB2b, b2bLeftovers, calleeAt, viaB2b } from './sim-b2b';

/** A re-INVITE that skips the sender's own §14 guard, as a misbehaving or racing peer would send it. */
function rawReinvite(ua: SimHost<SimUa>, session: InviteSession, onFinal: (response: SipResponse) => void): void {
  const { random } = ua.app.ctx;
  const parts = buildInDialogRequest(session.dialog, 'INVITE', random);
  ua.app.stack.transactions.sendRequest(requestFromParts(parts, random), literalNextHop(parts.nextHop)!, {
    onResponse: (response) => { if (response.status >= 200) onFinal(response); },
    onTimeout: () => undefined,
    onTransportError: () => undefined,
  });
}

function connectedCall(seed: number) {
  const world = newWorld(seed);
  const b2b = addB2b(world);
  const sessions: { alice?: InviteSession; bob?: InviteSession } = {};
  const bob = addUa(world, 'bob', '10.0.0.2', { onInvite: (invite) => { sessions.bob = invite.accept(); } });
  const alice = addUa(world, 'alice', '10.0.0.1');
  alice.app.stack.core.invite({ to: calleeAt('10.0.0.2'), destination: viaB2b(), body: SDP_A }, { onAccepted: (s) => { sessions.alice = s; } });
  world.runSync({ until: () => sessions.alice !== undefined && sessions.bob !== undefined && world.nowMs > 2000 });
  if (sessions.alice === undefined || sessions.bob === undefined) throw new Error('call did not connect');
  return { world, b2b, alice, bob, a: sessions.alice, b: sessions.bob };
}

t.test('a second re-INVITE while the first is still unanswered gets 500 with Retry-After from the B2BUA', async (t) => {
  const { world, b2b, alice, bob, a, b } = connectedCall(21);
  let held: Reply | undefined;
  b.handler = { onReinvite: (_s, _r, reply) => { held = reply; } };
  const first: number[] = [];
  a.reinvite({}, (r) => first.push(r.status));
  world.runSync({ until: () => held !== undefined });
  let second: SipResponse | undefined;
  rawReinvite(alice, a, (response) => { second = response; });
  world.runSync({ until: () => second !== undefined });
  t.equal(second?.status, 500);
  const retryAfter = Number(second?.retryAfter?.value);
  t.ok(retryAfter >= 0 && retryAfter <= 10, `Retry-After ${retryAfter}`);
  held!(200);
  world.runSync({ until: () => first.length === 1 });
  t.same(first, [200], 'the first re-INVITE completes end to end');
  a.bye();
  world.runSync();
  t.same([...leftovers(alice.app), ...leftovers(bob.app), ...b2bLeftovers(b2b.app)], []);
});

t.test('glare: a re-INVITE arriving while the B2BUA has its own relayed re-INVITE pending on that dialog gets 491', async (t) => {
  const { world, b2b, alice, bob, a, b } = connectedCall(22);
  let held: Reply | undefined;
  a.handler = { onReinvite: (_s, _r, reply) => { held = reply; } };
  const fromBob: number[] = [];
  b.reinvite({}, (r) => fromBob.push(r.status), 0);
  world.runSync({ until: () => held !== undefined });
  let crossing: SipResponse | undefined;
  rawReinvite(alice, a, (response) => { crossing = response; });
  world.runSync({ until: () => crossing !== undefined });
  t.equal(crossing?.status, 491);
  held!(200);
  world.runSync({ until: () => fromBob.length === 1 });
  t.same(fromBob, [200]);
  b.bye();
  world.runSync();
  t.same([...leftovers(alice.app), ...leftovers(bob.app), ...b2bLeftovers(b2b.app)], []);
});
