/**
 * Dead legs and ended sessions of script-driven sessions in the simulator (opensips-b2b.md §1.4, §2.1,
 * §6.6 the 481/408 rule; RFC 3261 §12.2.1.2): nothing is kept once a dialog is known to be gone.
 */
import t from 'tap';
import { runCase, type PeerPlan, type PropertyCase, type ScriptPlan } from './property-support';

const QUIET: PeerPlan = { answer: { kind: 'answer', delayMs: 0, ring: false }, referTo: 't1', reinviteStatus: 200 };
const PASS_ALL: ScriptPlan = { refer: { kind: 'pass' }, bye: { kind: 'pass' }, reinvite: { kind: 'pass' }, info: { kind: 'pass' }, retries: 0 };

function quietCase(seed: number, script: Partial<ScriptPlan>, peers: Partial<Record<keyof PropertyCase['peers'], Partial<PeerPlan>>>): PropertyCase {
  const plan = (name: keyof PropertyCase['peers']): PeerPlan => ({ ...QUIET, ...peers[name] });
  return {
    seed, loss: 0, duplicate: 0, script: { ...PASS_ALL, ...script },
    peers: { caller: plan('caller'), callee: plan('callee'), t1: plan('t1'), t2: plan('t2'), retry: plan('retry'), media: plan('media') },
  };
}

for (const bye of ['delete', 'end'] as const) {
  t.test(`a REFER relayed while the other side hangs up (BYE → ${bye}): the 481 it gets ends the REFERring leg too (§6.6)`, async (t) => {
    // The callee's BYE is answered by the script and its leg removed; the REFER waiting on it gets 481, so the
    // caller drops its dialog (RFC 3261 §12.2.1.2) and the B2BUA must not keep the caller's leg until max_duration.
    const outcome = runCase(quietCase(7, { bye: { kind: bye } }, { caller: { referMs: 100 }, callee: { hangupMs: 71 } }));
    t.ok(outcome.story.some((line) => line.endsWith('caller REFERs to t1')), 'the caller REFERred');
    t.ok(outcome.story.some((line) => line.endsWith('caller ended dialog-gone')), 'the caller was told 481 and dropped its dialog');
    t.same(outcome.escaped, []);
    t.same(outcome.uaLeft, []);
    t.same(outcome.b2bLeft, [], 'the caller leg and the session are gone after the drain');
  });
}

t.test('deleteEntity on the last leg after the 200 to its BYE ended the session: a no-op, not a session-gone error', async (t) => {
  // Prepaid style: each BYE is answered 200 and its entity deleted; the second BYE's 200 ends the last leg, so the
  // session ends inside the route, before deleteEntity (OpenSIPS keeps the session while its route runs).
  const outcome = runCase(quietCase(8, { bye: { kind: 'delete' } }, { caller: { hangupMs: 0 }, callee: { hangupMs: 50 } }));
  t.equal(outcome.story.filter((line) => line.endsWith('hangs up')).length, 2, 'both hung up');
  t.same(outcome.misuse, [], 'no verb was refused');
  t.same(outcome.escaped, []);
  t.same(outcome.uaLeft, []);
  t.same(outcome.b2bLeft, []);
});
