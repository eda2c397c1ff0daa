/**
 * The runner's B2B-flow extensions (scenarios/README.md, "A flow with the engine inside"): the
 * `sut:` block, the `mi` step, keywords in assert regexps, and refusals (load errors with their
 * line, a bad engine configuration, a `sut:` flow on real sockets).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { runRun } from '../../cli/commands/run';
import { RunSetupError } from '../../runner/runtime/agent-plan';
import { ScenarioLoadError, type ScenarioFile } from '../../runner/model/scenario';
import { formatStepTable } from '../../runner/report/step-table';
import { engineSut } from '../../runner/sim/engine-sut';
import { runInSimulator } from '../../runner/sim/run-in-simulator';
import { loadYamlScenario } from '../../runner/yaml/yaml-loader';

/** A flow "written" next to the real flows, so `script: ../../scripts/…` resolves as it does for them. */
const FILE = join(__dirname, '..', '..', 'scenarios', 'flows', 'b2b', 'inline.yaml');
const load = (text: string): ScenarioFile => loadYamlScenario(text, FILE);

const miFlow = (step: string): string => `name: mi only
sut:
  script: ../../scripts/top-hiding.ts
  config:
    b2b_logic:
      max_duration: 60
  params:
    where: "sip:x@[agent:peer]"
agents:
  starter:
    role: uac
    steps:
${step}
  peer:
    role: uas
    steps:
      - recv: INVITE
`;

t.test('a sut block and an mi step load into the model', async (t) => {
  const flow = load(miFlow(`      - mi: { command: "b2b_logic:terminate_call", params: ["[call_id];a;b"], expect_error: 404, assign_to: why }`));
  t.equal(flow.sut?.script, join(__dirname, '..', '..', 'scenarios', 'scripts', 'top-hiding.ts'), 'the script resolves against the flow file');
  t.match(flow.sut?.configText, /max_duration: 60/);
  t.equal(flow.sut?.configText?.split('\n').findIndex((l) => l.includes('max_duration')), 5, 'the config text keeps the flow file\'s line numbers (line 6)');
  t.equal(flow.sut?.params.get('where'), 'sip:x@[agent:peer]', 'params keep their keywords until the run knows the addresses');
  const step = flow.agents[0]!.steps[0]!;
  t.match(step, { kind: 'mi', command: 'b2b_logic:terminate_call', params: ['[call_id];a;b'], expectError: 404, assignTo: 'why' });
  t.match(formatStepTable(flow.agents[0]!, [], { defaultPauseMs: 0 }), /\[ MI b2b_logic:terminate_call \]/, 'the step table names the command');
  const named = load(miFlow(`      - mi: { command: b2b_logic:list, params: { key: "[call_id]" } }`)).agents[0]!.steps[0]!;
  t.match(named, { kind: 'mi', params: new Map([['key', '[call_id]']]) }, 'named parameters');
});

t.test('mistakes in sut and mi are refused with their line and field', async (t) => {
  const cases: [string, string, RegExp][] = [
    [miFlow('      - mi: { params: [a] }'), 'missing-field', /inline\.yaml:13: agents\.starter\.steps\[0\]\.mi\.command/],
    [miFlow('      - mi: { command: b2b_logic:list, params: [[a]] }'), 'bad-value', /:13: .*params\[0\]: an MI parameter is text or a number/],
    [miFlow('      - mi: { command: b2b_logic:list, expect_eror: 404 }'), 'unknown-attribute', /expect_eror/],
    [miFlow('      - mi: { command: b2b_logic:list, params: ["[agent:nobody]"] }'), 'bad-value', /\[agent:nobody\] names no agent/],
    [miFlow('      - mi: { command: b2b_logic:list }').replace('max_duration: 60', 'max_durration: 60'), 'bad-value', /inline\.yaml:6: sut\.config\.b2b_logic\.max_durration: /],
    [miFlow('      - mi: { command: b2b_logic:list }').replace('max_duration: 60', 'max_duration: soon'), 'bad-value', /inline\.yaml:6: sut\.config\.b2b_logic\.max_duration/],
    [miFlow('      - mi: { command: b2b_logic:list }').replace('  params:\n', '  parms:\n'), 'unknown-attribute', /:7: sut\.parms: unknown attribute/],
    [miFlow('      - mi: { command: b2b_logic:list }').replace('  script: ../../scripts/top-hiding.ts\n', ''), 'missing-field', /sut\.script/],
  ];
  for (const [text, code, message] of cases) {
    const error = (() => { try { load(text); return undefined; } catch (e) { return e; } })();
    t.ok(error instanceof ScenarioLoadError, `refused: ${String(message)}`);
    t.equal((error as ScenarioLoadError).code, code);
    t.match((error as Error).message, message);
  }
});

t.test('mi steps run against the engine in-process: success, expected errors, unexpected errors', async (t) => {
  const run = async (step: string) => {
    const flow = load(miFlow(step));
    return runInSimulator(flow, { seed: 1, calls: 2 });
  };
  const expected = await run(`      - mi: { command: b2b_logic:terminate_call, params: ["[call_id];a;b"], expect_error: 404 }`);
  t.equal(expected.exitCode, 0, 'a 404 that expect_error names passes');
  t.equal(expected.stats[0]!.successfulCalls, 2);
  t.strictSame(expected.leftovers, []);

  const unexpected = await run(`      - mi: { command: b2b_logic:terminate_call, params: ["[call_id];a;b"] }`);
  t.equal(unexpected.exitCode, 1, 'an MI error fails the call');
  t.equal(unexpected.stats[0]!.failures.FailedCmdNotSent, 2);
  t.match(unexpected.errors[0]?.detail, /mi b2b_logic:terminate_call \[".*;a;b"\]: error 404 /, 'the error log names the command, its parameters and the error');

  const succeeded = await run(`      - mi: { command: b2b_logic:list, expect_error: 404 }`);
  t.equal(succeeded.stats[0]!.failures.FailedCmdNotSent, 2, 'a success where an error was expected fails the call');
  t.match(succeeded.errors[0]?.detail, /expected error 404, it succeeded/);

  const unknown = await run(`      - mi: { command: b2b_logic:no_such_command }`);
  t.match(unknown.errors[0]?.detail, /error -32601 Method not found/, 'an unknown command is the JSON-RPC error');

  const stored = await run([
    `      - mi: { command: b2b_logic:list, assign_to: listed }`,
    `      - nop: [ { assert: { variable-equals: { variable: listed, value: '{"Tuples":[]}' } } } ]`,
  ].join('\n'));
  t.equal(stored.exitCode, 0, 'assign_to stores the result as JSON text');
});

t.test('keywords in assert regexps are expanded per call and matched literally', async (t) => {
  const base = load(readFlow25());
  const good = await runInSimulator(base, { seed: 2, calls: 2 });
  t.equal(good.exitCode, 0, 'Contact matches [remote_ip]:[remote_port] (the engine) on both sides');
  const wrong = load(readFlow25().replace(/\[remote_ip\]:\[remote_port\]"/g, '[agent:callee]"'));
  const bad = await runInSimulator(wrong, { seed: 2, calls: 2 });
  t.equal(bad.stats.find((s) => s.agent === 'callee')?.failures.FailedAssertion, 2, 'a Contact that is not [agent:callee] fails the assert');
  t.match(bad.errors[0]?.detail, /assert failed: Contact is the B2BUA/);
  const dotted = load(readFlow25().replace(/\[remote_ip\]:\[remote_port\]"/g, '10x0x0x100:5060"'));
  const literal = await runInSimulator(dotted, { seed: 2, calls: 1 });
  t.equal(literal.exitCode, 1, 'the regexp\'s own text is a regexp: no keyword, no escaping, "x" does not match "."');
});

t.test('a flow with sut: wants --sim; a bad engine configuration or script is a setup error', async (t) => {
  const flow25 = join(__dirname, '..', '..', 'scenarios', 'flows', 'b2b', '25-top-hiding.yaml');
  const err: string[] = [];
  const io = { stdout: () => undefined, stderr: (s: string) => { err.push(s); }, readTextFile: () => '', writeFile: () => undefined, appendFile: () => undefined, wallNowMs: () => 0, pid: 1, onSignal: () => () => undefined };
  const code = await runRun([flow25, '127.0.0.1:5060', '-m', '1', '--quiet'], io);
  t.equal(code, 2, 'refused on real sockets (exit 2)');
  t.match(err.join(''), /declares a system under test \(sut:\): run it with --sim/);

  const missing = load(miFlow('      - mi: { command: b2b_logic:list }').replace('top-hiding.ts', 'no-such-script.ts'));
  await t.rejects(runInSimulator(missing, { seed: 1 }), RunSetupError, 'a missing script');
  await t.rejects(runInSimulator(missing, { seed: 1 }), /sut: .*no-such-script\.ts:1: script file not found/);
  t.throws(() => engineSut(missing.sut!), { code: 'script-not-found' });
});

function readFlow25(): string {
  return readFileSync(join(__dirname, '..', '..', 'scenarios', 'flows', 'b2b', '25-top-hiding.yaml'), 'utf8');
}
