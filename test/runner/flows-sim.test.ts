import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { withSeed } from '../../simulator/repro';
import { runInSimulator, type SimRunResult } from '../../runner/sim/run-in-simulator';
import { loadYamlScenario } from '../../runner/yaml/yaml-loader';

const FLOWS = join(__dirname, '..', '..', 'scenarios', 'flows');
const CALLS = 20;
const LOSS = 0.05;

/** What a run must reproduce exactly from its seed. */
const fingerprint = (r: SimRunResult): unknown => ({ digest: r.digest, stats: r.stats, errors: r.errors, elapsedMs: r.elapsedMs, exitCode: r.exitCode });

const flows = readdirSync(FLOWS).filter((name) => name.endsWith('.yaml')).sort();

t.test('every flow completes 20 calls over a link that loses 5% of packets, and a seed replays it exactly', async (t) => {
  t.ok(flows.length >= 11, 'the flow library is there');
  let retransmissions = 0;
  for (const name of flows) {
    await t.test(name, async (t) => {
      const file = join(FLOWS, name);
      const scenario = loadYamlScenario(readFileSync(file, 'utf8'), file);
      withSeed(t, [1], async (t, seed) => {
        const options = { seed, calls: CALLS, link: { lossProbability: LOSS } };
        const first = await runInSimulator(scenario, options);
        t.equal(first.timedOut, false, 'the run ends on its own');
        t.equal(first.exitCode, 0, 'exit code 0: every call succeeded');
        for (const stats of first.stats) {
          t.equal(stats.failedCalls, 0, `${stats.agent}: no failed call`);
          t.equal(stats.successfulCalls, CALLS, `${stats.agent}: ${CALLS} successful calls`);
          retransmissions += stats.retransmissions;
        }
        t.strictSame(first.errors, [], 'the error log is empty');
        t.strictSame(first.leftovers, [], 'no live call or armed timer is left');
        const second = await runInSimulator(scenario, options);
        t.strictSame(fingerprint(second), fingerprint(first), 'the same seed gives the same digest and statistics');
      });
    });
  }
  t.ok(retransmissions > 0, `the loss was felt: ${retransmissions} retransmissions repaired it`);
});

t.test('a different seed is a different run (the digest depends on the seed)', async (t) => {
  const file = join(FLOWS, 'basic-call.yaml');
  const scenario = loadYamlScenario(readFileSync(file, 'utf8'), file);
  const options = { calls: CALLS, link: { lossProbability: LOSS } };
  const [a, b] = [await runInSimulator(scenario, { ...options, seed: 1 }), await runInSimulator(scenario, { ...options, seed: 2 })];
  t.not(a.digest, b.digest);
});
