/**
 * Every B2B flow of scenarios/flows/b2b/ (the SIPssert b2b suite, opensips-b2b.md §7) played by the
 * runner against the engine built from the flow's `sut:` block, in the simulator: clean, then under
 * 5% loss with 5% duplication; no failed call, nothing left on the agents or on the engine, the
 * engine logged no error, and the same seed replays the same run.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { runInSimulator, type SimRunOptions, type SimRunResult } from '../../runner/sim/run-in-simulator';
import { engineSut, type EngineSut } from '../../runner/sim/engine-sut';
import type { ScenarioFile } from '../../runner/model/scenario';
import { loadYamlScenario } from '../../runner/yaml/yaml-loader';

const FLOWS = join(__dirname, '..', '..', 'scenarios', 'flows', 'b2b');
const CALLS = 5;
const LOSSY = { lossProbability: 0.05, duplicateProbability: 0.05 };

/** What a seed must reproduce exactly. */
const fingerprint = (r: SimRunResult): unknown => ({ digest: r.digest, stats: r.stats, errors: r.errors, elapsedMs: r.elapsedMs, exitCode: r.exitCode });

interface FlowRun {
  readonly result: SimRunResult;
  readonly sut: EngineSut;
}

async function play(scenario: ScenarioFile, options: Omit<SimRunOptions, 'sut'>): Promise<FlowRun> {
  const sut = engineSut(scenario.sut!);
  const result = await runInSimulator(scenario, { ...options, sut });
  return { result, sut };
}

function checkClean(t: Test, run: FlowRun, scenario: ScenarioFile): void {
  const { result, sut } = run;
  t.equal(result.timedOut, false, 'the run ends on its own');
  t.equal(result.exitCode, 0, 'exit code 0');
  for (const stats of result.stats) {
    t.equal(stats.failedCalls, 0, `${stats.agent}: no failed call`);
    const agent = scenario.agents.find((a) => a.name === stats.agent);
    if (agent?.role === 'uac') t.equal(stats.successfulCalls, CALLS, `${stats.agent}: ${CALLS} calls succeeded`);
  }
  t.strictSame(result.errors.map((e) => `${e.callId} step ${e.stepIndex}: ${e.reason} ${e.detail}`), [], 'the error log is empty');
  t.strictSame(result.leftovers, [], 'nothing is left: calls and timers on the agents; sessions, entities, transactions and timers on the engine');
  t.strictSame(sut.log.filter((l) => l.level === 'error').map((l) => `${l.message} ${JSON.stringify(l.fields)}`), [], 'the engine logged no error');
}

/** When each parking leg gets its BYE against the picker's ACK of the same call number (clean network: calls stay in order). */
async function parkingByeDelays(scenario: ScenarioFile): Promise<number[]> {
  const acks: number[] = [];
  const byes: number[] = [];
  await runInSimulator(scenario, {
    seed: 1, calls: CALLS, sut: engineSut(scenario.sut!),
    onMessage: (e) => {
      if (e.agent === 'picker' && e.direction === 'sent' && e.text.startsWith('ACK ')) acks.push(e.atMs);
      if (e.agent === 'parking' && e.direction === 'received' && e.text.startsWith('BYE ')) byes.push(e.atMs);
    },
  });
  return byes.map((bye, i) => bye - (acks[i] ?? NaN));
}

/** opensips-b2b.md §2.1 b2b_bridge_request: the replaced leg's BYE at once, at the ACK (`late_bye`), or `old_entity_term_delay` s after it. */
const PARKING_BYE: Record<string, (delayMs: number) => boolean> = {
  '26-parking.yaml': (d) => d < 0,
  '26-parking-late-bye.yaml': (d) => d >= 0 && d < 500,
  '26-parking-late-bye-delay.yaml': (d) => d >= 2000 && d < 2500,
};

/** How long each callee talked (its first 200 to the INVITE → the BYE it got), per callee Call-ID, in the credit-out prepaid flow. */
async function calleeTalkMs(scenario: ScenarioFile): Promise<number[]> {
  const answered = new Map<string, number>();
  const cut = new Map<string, number>();
  await runInSimulator(scenario, {
    seed: 1, calls: CALLS, sut: engineSut(scenario.sut!),
    onMessage: (e) => {
      if (e.agent !== 'callee') return;
      if (e.direction === 'sent' && e.text.startsWith('SIP/2.0 200') && /\r\nCSeq: *\d+ INVITE/i.test(e.text) && !answered.has(e.callId)) answered.set(e.callId, e.atMs);
      if (e.direction === 'received' && e.text.startsWith('BYE ') && !cut.has(e.callId)) cut.set(e.callId, e.atMs);
    },
  });
  return [...cut].map(([callId, bye]) => bye - (answered.get(callId) ?? NaN));
}

const files = readdirSync(FLOWS).filter((name) => /^\d\d-.*\.ya?ml$/.test(name)).sort();

t.ok(files.length > 0, `${files.length} B2B flows`);

for (const name of files) {
  t.test(name, async (t) => {
    const file = join(FLOWS, name);
    const scenario = loadYamlScenario(readFileSync(file, 'utf8'), file);
    t.ok(scenario.sut !== undefined, 'the flow declares its system under test (sut:)');
    if (scenario.sut === undefined) return;
    await t.test('clean network', async (t) => {
      checkClean(t, await play(scenario, { seed: 1, calls: CALLS }), scenario);
    });
    const byeRule = PARKING_BYE[name];
    if (byeRule !== undefined) {
      await t.test('when the parking leg is hung up', async (t) => {
        const delays = await parkingByeDelays(scenario);
        t.equal(delays.length, CALLS, 'one BYE per parked call');
        t.ok(delays.every(byeRule), `BYE to the parking leg relative to the picker's ACK: ${delays.join(', ')} ms`);
      });
    }
    if (name === '01-prepaid-credit-out.yaml') {
      await t.test('the call is cut when the credit (2 s) runs out', async (t) => {
        const talked = await calleeTalkMs(scenario);
        t.equal(talked.length, CALLS, 'every callee leg is cut');
        // max_duration = credit_s = 2 s from the bridge; the expiry sweep runs every cleanup_period (1 s).
        t.ok(talked.every((ms) => ms >= 2000 && ms < 3100), `callee talk time before the B2BUA's BYE: ${talked.join(', ')} ms`);
      });
    }
    await t.test('5% loss and 5% duplication, twice with the same seed', async (t) => {
      const options = { seed: 7, calls: CALLS, link: LOSSY };
      const first = await play(scenario, options);
      checkClean(t, first, scenario);
      const second = await play(scenario, options);
      t.strictSame(fingerprint(second.result), fingerprint(first.result), `the same seed, the same run (digest ${first.result.digest.slice(0, 12)})`);
    });
  });
}
