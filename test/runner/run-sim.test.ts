/** runInSimulator: agents as simulator hosts, an optional system under test, determinism and leftovers. */
import t from 'tap';
import { join } from 'node:path';
import { createAgentRunner } from '../../runner/exec/agent-runner';
import { loadScenarioFile } from '../../runner/load-scenario';
import { RunSetupError } from '../../runner/runtime/agent-plan';
import { runInSimulator } from '../../runner/sim/run-in-simulator';
import type { AgentRunnerApi } from '../../runner/exec/agent-runner-api';

const BASIC = loadScenarioFile(join(__dirname, '..', '..', 'scenarios', 'flows', 'basic-call.yaml'));

t.test('both agents of a file play 10 calls under 5% loss, with nothing left over, the same way twice', async (t) => {
  const options = { seed: 3, calls: 10, rate: 5, link: { lossProbability: 0.05 } };
  const first = await runInSimulator(BASIC, options);
  const second = await runInSimulator(BASIC, options);
  t.equal(first.exitCode, 0);
  t.same(first.agents.map((a) => a.name), ['uac', 'uas']);
  t.equal(first.stats[0]!.outgoingCalls, 10);
  t.equal(first.stats[0]!.successfulCalls, 10);
  t.equal(first.stats[1]!.incomingCalls, 10);
  t.equal(first.stats[1]!.successfulCalls, 10);
  t.same(first.leftovers, []);
  t.same(first.errors, []);
  t.ok(first.elapsedMs >= 9 * 200, 'calls were paced at 5 per second of virtual time');
  t.equal(second.digest, first.digest, 'same seed, same trace digest');
  t.same(second.stats, first.stats, 'and the same statistics');
  const other = await runInSimulator(BASIC, { ...options, seed: 4 });
  t.not(other.digest, first.digest, 'another seed, another trace');
});

t.test('agents without a target agent in the run send to the system under test', async (t) => {
  const uas = BASIC.agents.find((a) => a.name === 'uas')!;
  let sut: AgentRunnerApi | undefined;
  const result = await runInSimulator(BASIC, {
    seed: 1, calls: 5, rate: 10, agents: ['uac'],
    sut: {
      name: 'sut',
      address: { host: '10.0.0.1', port: 5060 },
      protocols: ['udp'],
      build: (ctx) => {
        sut = createAgentRunner({
          scenario: uas, transport: ctx.transport, clock: ctx.clock, timers: ctx.timers, random: ctx.random,
          local: { host: '10.0.0.1', port: 5060 }, protocol: 'udp', agents: new Map(), media: { host: '10.0.0.1', port: 6000 },
          service: 'service', callControl: { rate: 10, ratePeriodMs: 1000 },
          timing: { t1Ms: 500, t2Ms: 4000, maxInviteRetrans: 5, maxNonInviteRetrans: 7, defaultPauseMs: 0 },
          behaviors: { bye: true, abortUnexpected: true, autoAnswer: false }, injection: [], variables: new Map(),
        });
        ctx.onPacket((packet) => sut!.receive(packet));
        sut.start();
        return sut;
      },
    },
  });
  t.equal(result.exitCode, 0);
  t.equal(result.stats.length, 1, 'only the uac agent ran');
  t.equal(result.stats[0]!.successfulCalls, 5);
  t.equal(sut!.stats.incomingCalls, 5, 'the SUT took every call');
  t.same(result.leftovers, []);
});

t.test('an unknown agent name is a set-up error', async (t) => {
  await t.rejects(runInSimulator(BASIC, { seed: 1, agents: ['nobody'] }), RunSetupError);
});
