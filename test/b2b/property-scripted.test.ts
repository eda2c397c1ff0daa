/**
 * Property tests of script-driven B2B sessions (opensips-b2b.md §1.2 routes, §1.4 bridging, §2.1 verbs,
 * §6.8 lifetimes): random service scripts (passRequest, sendReply, endDlgLeg, deleteEntity, bridge with
 * random flags and provisional media, handleReply / bridgeRetry) against random peers (answer, reject,
 * never answer, hang up, re-INVITE, REFER, INFO, CANCEL at random instants) on a lossy, duplicating link.
 * Replay one property with PROPERTY_SEED=<seed> (fast-check prints the seed and path of a failure).
 */
import t, { type Test } from 'tap';
import fc from 'fast-check';
import { assertProperty } from '../support/assert-property';
import { runCase, type Answer, type Outcome, type PeerPlan, type PropertyCase, type ScriptPlan, type Target, type Verb } from './property-support';
import type { BridgeFlags } from '../../engine/b2b/logic/scripted-types';

// ---- generators ----

const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined, freq: 2 });
/** Half the instants fall in the first 600 ms of a dialog, where they race the bridge steps and each other. */
const instant = fc.oneof(fc.integer({ min: 0, max: 600 }), fc.integer({ min: 0, max: 25_000 }));

const flagsArb: fc.Arbitrary<BridgeFlags> = fc.record({
  notify: fc.boolean(), rollbackFailed: fc.boolean(), hold: fc.boolean(), noLateSdp: fc.boolean(),
  maxDurationS: maybe(fc.integer({ min: 1, max: 40 })),
}, { requiredKeys: [] }).map((f) => Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined && v !== false)) as BridgeFlags);

function verbArb(codes: readonly number[]): fc.Arbitrary<Verb> {
  const status = fc.constantFrom(...codes);
  return fc.oneof(
    fc.constant<Verb>({ kind: 'pass' }),
    status.map((s): Verb => ({ kind: 'reply', status: s })),
    maybe(status).map((s): Verb => (s === undefined ? { kind: 'end' } : { kind: 'end', status: s })),
    fc.constant<Verb>({ kind: 'delete' }),
    fc.record({
      status: maybe(status), endFirst: fc.boolean(), side: fc.constantFrom<'peer' | 'this'>('peer', 'this'),
      target: fc.constantFrom<Target | 'refer-to'>('t1', 't2', 'refer-to'), flags: flagsArb, provMedia: fc.boolean(),
    }).map((b): Verb => {
      const { status: s, ...rest } = b;
      return s === undefined ? { kind: 'bridge', ...rest } : { kind: 'bridge', status: s, ...rest };
    }),
  );
}

const scriptArb: fc.Arbitrary<ScriptPlan> = fc.record({
  refer: verbArb([202, 403, 500, 603]),
  bye: verbArb([200, 481, 500]),
  reinvite: verbArb([200, 488, 491, 500]),
  info: verbArb([200, 415, 500]),
  retries: fc.integer({ min: 0, max: 2 }),
});

const answerArb: fc.Arbitrary<Answer> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('answer' as const), delayMs: fc.integer({ min: 0, max: 3000 }), ring: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reject' as const), status: fc.constantFrom(404, 480, 486, 500, 503, 603), delayMs: fc.integer({ min: 0, max: 3000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('never' as const), ring: fc.boolean() }) },
);

function peerArb(caller: boolean): fc.Arbitrary<PeerPlan> {
  return fc.record({
    answer: answerArb,
    hangupMs: maybe(instant), reinviteMs: maybe(instant), referMs: maybe(instant), referTo: fc.constantFrom<Target>('t1', 't2'),
    infoMs: maybe(instant), reinviteStatus: fc.constantFrom(200, 200, 200, 488, 491),
    cancelMs: caller ? maybe(fc.integer({ min: 0, max: 4000 })) : fc.constant(undefined),
  }).map((p) => Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) as unknown as PeerPlan);
}

const caseArb: fc.Arbitrary<PropertyCase> = fc.record({
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  loss: fc.constantFrom(0, 0, 0.01, 0.03, 0.05),
  duplicate: fc.constantFrom(0, 0, 0.02, 0.05),
  script: scriptArb,
  peers: fc.record({
    caller: peerArb(true), callee: peerArb(false), t1: peerArb(false), t2: peerArb(false), retry: peerArb(false), media: peerArb(false),
  }),
});

const SEED = Number(process.env.PROPERTY_SEED ?? 20261123);
/** ~40 ms a run on an idle core; the three world properties share their runs (same seed, same cases). */
const RUNS = 60;
const DETERMINISM_RUNS = 20;

const outcomes = new Map<string, Outcome>();
function outcomeOf(c: PropertyCase): Outcome {
  const key = JSON.stringify(c);
  let outcome = outcomes.get(key);
  if (outcome === undefined) {
    outcome = runCase(c);
    outcomes.set(key, outcome);
  }
  return outcome;
}

/** The last failing run's explanation: fast-check's report shows the case, this shows what happened in it. */
let lastFailure: string | undefined;

function fail(what: string, found: readonly string[], outcome: Outcome): never {
  lastFailure = `${what}: ${found.join('; ')}\nscript misuse: ${outcome.misuse.join('; ') || 'none'}\nwhat the parties saw:\n  ${outcome.story.join('\n  ')}`;
  throw new Error(lastFailure);
}

/** assertProperty, then the shrunk counterexample's story as a comment when it failed. */
async function check(t: Test, property: fc.IRawProperty<[PropertyCase]>, runs: fc.Parameters<[PropertyCase]>, what: string): Promise<void> {
  lastFailure = undefined;
  await assertProperty(t, property, runs, what);
  if (lastFailure !== undefined) t.comment(`shrunk counterexample, ${lastFailure}`);
}

const params = { numRuns: RUNS, seed: SEED };

t.test('no exception escapes the engine (only the script\'s own verb misuse is logged as "threw")', async (t) => {
  await check(t, fc.property(caseArb, (c) => {
    const outcome = outcomeOf(c);
    if (outcome.escaped.length > 0) fail('escaped', outcome.escaped, outcome);
  }), params, 'no engine exception in any run');
});

t.test('every call leg ends: no dialog, INVITE, transaction or timer left on any peer', async (t) => {
  await check(t, fc.property(caseArb, (c) => {
    const outcome = outcomeOf(c);
    if (outcome.uaLeft.length > 0) fail('left on the peers', outcome.uaLeft, outcome);
  }), params, 'every leg ended');
});

t.test('nothing leaks on the B2BUA: 0 sessions, entities, transactions, armed timers', async (t) => {
  await check(t, fc.property(caseArb, (c) => {
    const outcome = outcomeOf(c);
    if (outcome.b2bLeft.length > 0) fail('left on the B2BUA', outcome.b2bLeft, outcome);
  }), params, 'nothing left on the B2BUA');
});

t.test('the same seed gives the same trace digest', async (t) => {
  await check(t, fc.property(caseArb, (c) => {
    const first = runCase(c);
    const second = runCase(c);
    if (first.digest !== second.digest) fail(`digests differ ${first.digest} ${second.digest}`, [], first);
    if (first.story.join('\n') !== second.story.join('\n')) fail('stories differ', [second.story.join(' / ')], first);
  }), { numRuns: DETERMINISM_RUNS, seed: SEED + 1 }, 'same digest twice');
});

t.test('the generators are not degenerate: distinct cases, script misuse in a minority of runs', async (t) => {
  // Not a property: a guard that the generated scripts mostly run their verbs instead of being refused.
  t.ok(outcomes.size >= RUNS, `${outcomes.size} distinct cases ran`);
  const runsWithMisuse = [...outcomes.values()].filter((o) => o.misuse.length > 0).length;
  t.ok(runsWithMisuse < outcomes.size / 2, `script misuse (failed cleanly) in ${runsWithMisuse} of ${outcomes.size} runs`);
});
