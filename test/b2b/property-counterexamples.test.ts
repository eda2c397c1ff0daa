/**
 * The shrunk counterexamples the script-driven session properties found (opensips-b2b.md §1.4, §6.6,
 * §6.8; RFC 3261 §9.1, §12.2.1.2, §16.8), kept as plain cases so each stays fixed once fixed.
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

t.test('a leg left without a peer: its re-INVITE gets 481, and the B2BUA must not keep the dead leg (§6.6, RFC 3261 §12.2.1.2)', async (t) => {
  // The caller hangs up; the script answers the BYE and deletes the caller (prepaid style), keeping the callee.
  // The callee's re-INVITE has no peer to go to: 481, so the callee drops the dialog without a BYE.
  const outcome = runCase(quietCase(1, { bye: { kind: 'delete' } }, { caller: { hangupMs: 0 }, callee: { reinviteMs: 100 } }));
  t.ok(outcome.story.some((line) => line.endsWith('callee ended dialog-gone')), 'the callee was told 481 and dropped its dialog');
  t.same(outcome.escaped, []);
  t.same(outcome.uaLeft, []);
  t.same(outcome.b2bLeft, [], 'the callee leg and the session are gone after the drain (230 s), not kept until max_duration');
});

t.test('a bridge target that rings for ever is CANCELled, not dropped silently at Timer C (RFC 3261 §9.1, §16.8)', async (t) => {
  // REFER from the callee: 202, the transferor ended, the caller bridged to t1, which sends 100/180 and never answers.
  // §6.8: no session expiry while the new entity is called; the caller re-INVITE gets 481 (no peer while bridging)
  // and drops its dialog, so no BYE ends the bridge: the client INVITE runs into Timer C (180 s).
  const outcome = runCase(quietCase(2, { refer: { kind: 'bridge', status: 202, endFirst: true, side: 'peer', target: 't1', flags: {}, provMedia: false } }, {
    callee: { referMs: 0 }, caller: { reinviteMs: 300 }, t1: { answer: { kind: 'never', ring: true } },
  }));
  t.ok(outcome.story.some((line) => line.endsWith('t1 INVITE empty')), 't1 was called');
  t.ok(outcome.story.some((line) => line.endsWith('t1 cancelled')), 't1 got a CANCEL');
  const toT1 = outcome.trace().split('\n').filter((line) => line.includes('t1@10.0.0.3:5060') && line.includes(' deliver '));
  const finals = toT1.filter((line) => line.includes('"SIP/2.0 487'));
  t.equal(finals.length, 1, 'its 487 is ACKed, not retransmitted until Timer H (RFC 3261 §17.1.1.3)');
  t.ok(toT1.some((line) => line.includes('-> t1@10.0.0.3:5060') && line.includes('"ACK ')), 'an ACK for the 487 reached t1');
  t.same(outcome.uaLeft, [], 't1 is not left ringing');
  t.same(outcome.b2bLeft, []);
});

t.test('the kept party re-INVITEs while the bridge runs: not told 481, the transfer still connects it (§1.4, §1.6 glare)', async (t) => {
  // §6.5 plain transfer: REFER → 202, transferor ended, bridge("peer", t1); t1 answers after 2 s. The kept caller
  // re-INVITEs 500 ms into the bridge: it has no peer at that moment, and a 481 makes it drop the call
  // (RFC 3261 §12.2.1.2), so the B2BUA's own re-INVITE with t1's offer gets 481 and t1 is BYEd at once.
  const outcome = runCase(quietCase(3, { refer: { kind: 'bridge', status: 202, endFirst: true, side: 'peer', target: 't1', flags: {}, provMedia: false } }, {
    callee: { referMs: 0 }, caller: { reinviteMs: 500 }, t1: { answer: { kind: 'answer', delayMs: 2000, ring: true } },
  }));
  t.notOk(outcome.story.some((line) => line.endsWith('caller ended dialog-gone')), 'the caller keeps its dialog (491 or 500 Retry-After, not 481)');
  t.ok(outcome.story.some((line) => line.endsWith('t1 confirmed')), 't1 answered');
  const t1End = outcome.story.find((line) => / t1 ended /.test(line));
  t.ok(t1End === undefined || Number(t1End.split(' ')[0]) >= 30, `t1 stays connected until the hang-up at 30 s (${t1End ?? 'never ended'})`);
  t.same(outcome.uaLeft, []);
  t.same(outcome.b2bLeft, []);
});

t.test('script misuse aborts the session while a new client has no provisional yet: it is still CANCELled (§2.1 misuse, RFC 3261 §9.1)', async (t) => {
  // The caller's INFO bridges the callee to t1; the callee's INFO (same route) bridges again while the first bridge
  // runs: LogicUsageError, the session is aborted. t1's 100 Trying comes after the abort: the CANCEL it was
  // waiting for must still go, or t1 rings for ever.
  const outcome = runCase(quietCase(5, { info: { kind: 'bridge', endFirst: false, side: 'peer', target: 't1', flags: {}, provMedia: false } }, {
    caller: { infoMs: 0 }, callee: { infoMs: 0 }, t1: { answer: { kind: 'never', ring: false } },
  }));
  t.match(outcome.misuse, [/INFO from callee: LogicUsageError: a bridge procedure is already running/], 'the second bridge is refused');
  t.same(outcome.escaped, []);
  t.ok(outcome.story.some((line) => line.endsWith('t1 cancelled')), 't1 got a CANCEL');
  t.same(outcome.uaLeft, []);
  t.same(outcome.b2bLeft, []);
});
