/** Calls between a UAC and a UAS made of the engine's layers, in the simulator (RFC 3261 §12–15, RFC 3262). */
import t from 'tap';
import fc from 'fast-check';
import { assertProperty } from '../../test/support/assert-property';
import { parseUri } from '../../engine/sip';
import type { NameAddr } from '../../engine/sip/types';
import type { InviteSession } from '../../engine/dialog/invite-session';
import type { UserAgentDelegate } from '../../engine/dialog/user-agent-core';
import { addUa, leftovers, lossyLink, newWorld } from './sim-ua';

const BOB: NameAddr = { uri: parseUri('sip:bob@10.0.0.2:5060')!, params: new Map() };

interface CallLog {
  events: string[];
  ended: { alice?: string; bob?: string };
}

/** Bob rings for 50 ms then answers; Alice hangs up 100 ms after the answer. */
function basicCall(seed: number, link?: Parameters<typeof newWorld>[1]) {
  const world = newWorld(seed, link);
  const log: CallLog = { events: [], ended: {} };
  const bobDelegate: UserAgentDelegate = {
    onInvite: (invite) => {
      log.events.push('bob: INVITE');
      invite.progress(180);
      bob.app.ctx.timers.schedule(50, () => {
        if (invite.state !== 'proceeding') return;
        const session = invite.accept();
        if (session === undefined) return;
        session.handler = {
          onConfirmed: () => log.events.push('bob: ACK'),
          onTerminated: (_s, reason) => { log.ended.bob = reason; },
        };
      });
    },
  };
  const bob = addUa(world, 'bob', '10.0.0.2', bobDelegate);
  const alice = addUa(world, 'alice', '10.0.0.1');
  alice.app.stack.core.invite({ to: BOB }, {
    onProgress: (response) => log.events.push(`alice: ${response.status}`),
    onAccepted: (session: InviteSession) => {
      log.events.push('alice: 200');
      session.handler = { onTerminated: (_s, reason) => { log.ended.alice = reason; } };
      alice.app.ctx.timers.schedule(100, () => session.bye());
    },
    onFailed: (status) => { log.ended.alice = `failed ${status}`; },
  });
  return { world, alice, bob, log };
}

t.test('INVITE/180/200/ACK/BYE/200 between two UAs made of the layers', async (t) => {
  const { world, alice, bob, log } = basicCall(1);
  const result = world.runSync();
  t.equal(result.reason, 'idle');
  t.same(log.events, ['bob: INVITE', 'alice: 180', 'alice: 200', 'bob: ACK']);
  t.same(log.ended, { alice: 'bye-sent', bob: 'bye-received' });
  t.same([...leftovers(alice.app), ...leftovers(bob.app)], [], 'nothing left armed or live');
  const lines = world.trace.entries().filter((e) => e.kind === 'deliver').map((e) => e.summary);
  t.equal(lines.filter((s) => s.startsWith("ACK ")).length, 1, 'one ACK for the 2xx');
  t.equal(lines.filter((s) => s.startsWith("BYE ")).length, 1, 'one BYE');
});

t.test('under 0–30% loss, duplication and reordering every call ends and nothing is left armed', async (t) => {
  await assertProperty(t, fc.asyncProperty(
    fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    fc.double({ min: 0, max: 0.3, noNaN: true }),
    fc.double({ min: 0, max: 0.3, noNaN: true }),
    fc.double({ min: 0, max: 0.3, noNaN: true }),
    async (seed, loss, dup, reorder) => {
      const { world, alice, bob, log } = basicCall(seed, lossyLink(loss, dup, reorder));
      let threw: unknown;
      try {
        world.runSync();
      } catch (error) {
        threw = error;
      }
      const problems = [...leftovers(alice.app), ...leftovers(bob.app)];
      if (threw !== undefined) problems.push(`threw: ${String(threw)}`);
      if (log.ended.alice === undefined) problems.push('alice never ended');
      // Bob's call may never have started (INVITE lost on every retransmission); if it did, it ended.
      if (log.events.includes('bob: INVITE') && log.ended.bob === undefined && log.ended.alice === 'bye-sent') problems.push('bob never ended');
      if (problems.length > 0) throw new Error(`${problems.join('; ')} — world seed ${seed}, loss ${loss} dup ${dup} reorder ${reorder} (fast-check prints the seed and path to replay this run)`);
    },
  ), { numRuns: 60, seed: 42 }, '60 lossy calls ended cleanly');
});
