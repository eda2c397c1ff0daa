/** Many top-hiding calls through the B2BUA under loss, duplication and reordering (opensips-b2b.md §6.1, §6.8): every call ends, nothing is left, same seed same trace. */
import t from 'tap';
import type { InviteSession } from '../../engine/dialog/invite-session';
import type { UserAgentDelegate } from '../../engine/dialog/user-agent-core';
import type { LinkSpec } from '../../simulator';
import { addUa, leftovers, lossyLink, newWorld } from '../dialog/sim-ua';
import { SDP_A, SDP_B, addB2b, b2bLeftovers, calleeAt, viaB2b } from './sim-b2b';

interface Outcome {
  readonly problems: string[];
  readonly digest: string;
  readonly answered: number;
  readonly failed: number;
  readonly sessionsEnded: number;
}

/** `calls` calls 20 ms apart; the callee answers after 50 ms; even calls the caller hangs up, odd ones the callee, 1 s after the answer. */
function runCalls(seed: number, calls: number, link?: Partial<LinkSpec>): Outcome {
  const world = newWorld(seed, link);
  const b2b = addB2b(world);
  const calleeEnded = new Set<string>();
  const calleeStarted = new Set<string>();
  const bobDelegate: UserAgentDelegate = {
    onInvite: (invite) => {
      const id = invite.request.callId;
      calleeStarted.add(id);
      invite.onCancelled = () => calleeEnded.add(id);
      invite.progress(180);
      bob.app.ctx.timers.schedule(50, () => {
        if (invite.state !== 'proceeding') return;
        const session = invite.accept({ body: SDP_B });
        if (session === undefined) {
          calleeEnded.add(id);
          return;
        }
        const odd = invite.request.header('x-call-no') !== undefined && Number(invite.request.header('x-call-no')) % 2 === 1;
        session.handler = {
          onConfirmed: () => { if (odd) bob.app.ctx.timers.schedule(1000, () => session.bye()); },
          onTerminated: () => calleeEnded.add(id),
        };
      });
    },
  };
  const bob = addUa(world, 'bob', '10.0.0.2', bobDelegate);
  const alice = addUa(world, 'alice', '10.0.0.1');
  let answered = 0;
  let failed = 0;
  const callerEnded: boolean[] = new Array<boolean>(calls).fill(false);
  for (let i = 0; i < calls; i++) {
    alice.app.ctx.timers.schedule(i * 20, () => {
      alice.app.stack.core.invite({ to: calleeAt('10.0.0.2'), destination: viaB2b(), body: SDP_A, headers: [['X-Call-No', String(i)]] }, {
        onAccepted: (session: InviteSession) => {
          answered++;
          session.handler = { onTerminated: () => { callerEnded[i] = true; } };
          if (i % 2 === 0) alice.app.ctx.timers.schedule(1000, () => session.bye());
        },
        onFailed: () => {
          failed++;
          callerEnded[i] = true;
        },
      });
    });
  }
  const problems: string[] = [];
  try {
    world.runSync({ maxEvents: 5_000_000 });
  } catch (error) {
    problems.push(`threw: ${String(error)}`);
  }
  const notEnded = callerEnded.filter((e) => !e).length;
  if (notEnded > 0) problems.push(`${notEnded} callers never ended`);
  const calleeOpen = [...calleeStarted].filter((id) => !calleeEnded.has(id)).length;
  if (calleeOpen > 0) problems.push(`${calleeOpen} callee calls never ended`);
  problems.push(...leftovers(alice.app), ...leftovers(bob.app), ...b2bLeftovers(b2b.app));
  return { problems, digest: world.digest(), answered, failed, sessionsEnded: b2b.app.ended.length };
}

t.test('200 calls on a clean network: all answered, all ended, nothing left', async (t) => {
  const out = runCalls(101, 200);
  t.same(out.problems, []);
  t.equal(out.answered, 200);
  t.equal(out.sessionsEnded, 200);
});

t.test('200 calls under 5% loss: every call ends and nothing is left on any host', async (t) => {
  const out = runCalls(202, 200, lossyLink(0.05, 0, 0));
  t.same(out.problems, [], `reproduce: SIM_SEED=202 (answered ${out.answered}, failed ${out.failed})`);
  t.ok(out.answered >= 190, `most calls connect despite loss (${out.answered})`);
});

t.test('200 calls with duplication and reordering (and 2% loss): every call ends, nothing left', async (t) => {
  const out = runCalls(303, 200, lossyLink(0.02, 0.1, 0.1));
  t.same(out.problems, [], `answered ${out.answered}, failed ${out.failed}`);
  t.ok(out.answered >= 190, `most calls connect (${out.answered})`);
});

t.test('the same seed gives the same trace digest; another seed a different one', async (t) => {
  const a = runCalls(404, 40, lossyLink(0.05, 0.05, 0.05));
  const b = runCalls(404, 40, lossyLink(0.05, 0.05, 0.05));
  const c = runCalls(405, 40, lossyLink(0.05, 0.05, 0.05));
  t.equal(a.digest, b.digest);
  t.not(a.digest, c.digest);
  t.same(a.problems, []);
});
