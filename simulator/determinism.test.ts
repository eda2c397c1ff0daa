/** Tests of determinism and reproduction: same seed same digest, different seed different digest, repro commands. */
import t from 'tap';
import { World } from './world';
import { addRecorderHost } from './recorder-host';
import { checkDeterminism } from './determinism';
import { reproCommand, seedsFromEnv, withSeed } from './repro';

/** A lossy, jittery, reordering, duplicating exchange with timers and a crash: every fault draws from the seed. */
async function lossyScenario(seed: number): Promise<string> {
  const world = new World({
    seed,
    link: { latency: { kind: 'lognormal', medianMs: 20, sigma: 0.6 }, jitterMs: 5, lossProbability: 0.2, duplicateProbability: 0.1, reorderProbability: 0.2, reorderExtraMs: 40 },
  });
  const a = addRecorderHost(world, 'a', '10.0.0.1');
  const b = addRecorderHost(world, 'b', '10.0.0.2');
  world.addHost({
    name: 'timers',
    addresses: ['10.0.0.3'],
    build: (ctx) => {
      for (let i = 0; i < 20; i++) ctx.timers.schedule(ctx.random.nextFloat() * 1000, () => world.note(`timer ${i}`));
    },
  });
  for (let i = 0; i < 200; i++) {
    world.at(i * 3, 'send', () => a.send({ host: '10.0.0.2', port: 5060 }, `INVITE sip:${i}@b SIP/2.0\r\nCall-ID: ${i}\r\n`));
  }
  world.at(300, 'crash', () => world.crash('b'));
  world.at(400, 'restart', () => world.restart('b'));
  await world.run();
  world.note(`b got ${b.received.length}`);
  return world.digest();
}

t.test('the same seed gives the same digest; different seeds give different ones', async (t) => {
  withSeed(t, [12345, 777], async (t, seed) => {
    const first = await checkDeterminism(lossyScenario, seed);
    t.equal(first.ok, true, `digests ${first.first} / ${first.second}`);
    t.match(first.first, /^[0-9a-f]{64}$/);
    const other = await lossyScenario(seed + 1);
    t.not(other, first.first, 'a different seed draws different faults');
  });
});

t.test('checkDeterminism reports a nondeterministic build', async (t) => {
  let n = 0;
  const result = await checkDeterminism(() => `run ${n++}`, 9);
  t.same(result, { ok: false, seed: 9, first: 'run 0', second: 'run 1' });
});

t.test('reproCommand names the seed and the test file relative to the working directory', async (t) => {
  t.equal(reproCommand(`${process.cwd()}/simulator/determinism.test.ts`, 42), 'SIM_SEED=42 npx tap simulator/determinism.test.ts');
});

t.test('seedsFromEnv uses SIM_SEED when set, the defaults otherwise', async (t) => {
  t.same(seedsFromEnv([1, 2, 3], {}), [1, 2, 3]);
  t.same(seedsFromEnv([1, 2, 3], { SIM_SEED: '77' }), [77]);
  t.throws(() => seedsFromEnv([1], { SIM_SEED: 'abc' }), RangeError);
});

t.test('withSeed runs one subtest per seed', async (t) => {
  const seen: number[] = [];
  withSeed(t, [5, 6], async (st, seed) => {
    seen.push(seed);
    st.ok(seed > 0);
  });
  await t.test('after the seeded subtests', async (st) => {
    st.same(seen, process.env.SIM_SEED ? [Number(process.env.SIM_SEED)] : [5, 6]);
  });
});

t.test('withSeed adds the reproduction command to a failure', async (t) => {
  const log: string[] = [];
  const runs: Array<Promise<void>> = [];
  let failedAssertion = false;
  const fakeSub = {
    fail: (m: string) => log.push(`fail: ${m}`),
    comment: (m: string) => log.push(`comment: ${m}`),
    passing: () => !failedAssertion,
  };
  const fakeParent = {
    test: (_name: string, fn: (st: typeof fakeSub) => Promise<void>) => runs.push(fn(fakeSub)),
  } as unknown as Parameters<typeof withSeed>[0];
  withSeed(fakeParent, [31], async () => {
    throw new Error('engine exploded');
  }, '/x/sim.test.ts');
  withSeed(fakeParent, [32], async () => {
    failedAssertion = true;
  }, '/x/sim.test.ts');
  await Promise.all(runs);
  const seeds = seedsFromEnv([31, 32]);
  if (seeds.length === 2) {
    t.match(log[0], /^fail: engine exploded\nreproduce: SIM_SEED=31 npx tap .*sim\.test\.ts$/);
    t.match(log[1], /^comment: reproduce: SIM_SEED=32 npx tap /);
  } else t.equal(log.length, 2, 'with SIM_SEED set both calls use that seed');
});
