/**
 * The scenario runner's own maximum call rate on loopback: basic-call.yaml's uac (zero-length calls)
 * against `sipp -sn uas`, stepping the rate up (200, 500, 1000, 1500, …) for ~10 s per step; the
 * highest rate with 0 failed calls and an achieved rate within 5% of the target. CPU per call is
 * ours (process.cpuUsage over the step) beside SIPp's (/proc/PID/stat utime+stime).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { procCpuUs } from '../measure';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadScenarioFile } from '../../runner/load-scenario';
import { parseRunArgs } from '../../runner/runtime/run-args';
import { runOnSockets } from '../../runner/runtime/run-on-sockets';
import { freeUdpPort, startSipp } from '../../test/sipp/sipp-runner';
import { environmentLine, gatherEnvironment, markdownTable, writeBenchReport, type BenchEnvironment, type WrittenReport } from '../report-writer';

export interface RunnerCpsRow {
  readonly targetCps: number;
  readonly calls: number;
  readonly successful: number;
  readonly failed: number;
  readonly elapsedS: number;
  readonly achievedCps: number;
  readonly ourCpuUsPerCall: number;
  readonly sippCpuUsPerCall: number | null;
  readonly retransmissions: number;
}

export interface RunnerCpsResult {
  readonly environment: BenchEnvironment;
  readonly parameters: { readonly quick: boolean; readonly stepSeconds: number; readonly rates: readonly number[]; readonly scenario: string };
  readonly rows: readonly RunnerCpsRow[];
  /** Highest target rate with 0 failed calls and an achieved rate ≥ 95% of it. */
  readonly maxCps: number;
  readonly written?: WrittenReport;
}

const RATES = [200, 500, 1000, 1500, 2000, 2500, 3000, 4000, 5000];
const QUICK_RATES = [200, 500];
const SCENARIO = join(__dirname, '..', '..', 'scenarios', 'flows', 'basic-call.yaml');


/** basic-call.yaml with its 1 s talk pause set to 0: zero-length calls, as the task measures. */
function zeroLengthScenario(dir: string): string {
  const text = readFileSync(SCENARIO, 'utf8');
  if (!/^ {6}- pause: 1000$/m.test(text)) throw new Error(`${SCENARIO}: the uac's "- pause: 1000" step is gone; update the runner bench`);
  const file = join(dir, 'basic-call-zero.yaml');
  writeFileSync(file, text.replace(/^ {6}- pause: 1000$/m, '      - pause: 0'));
  return file;
}

async function step(file: string, targetCps: number, seconds: number): Promise<RunnerCpsRow> {
  const port = await freeUdpPort();
  const sipp = startSipp(['-sn', 'uas', '-i', '127.0.0.1', '-p', String(port), '-nostdin', '-timeout', `${seconds * 3 + 30}s`], process.cwd());
  try {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const calls = targetCps * seconds;
    const parsed = parseRunArgs([file, `127.0.0.1:${port}`, '--agent', 'uac', '-m', String(calls), '-r', String(targetCps), '--quiet', '-timeout', `${seconds * 3 + 10}s`]);
    if (!parsed.ok) throw new Error(parsed.message);
    const scenario = loadScenarioFile(file);
    const sippBefore = procCpuUs(sipp.child.pid!);
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const result = await runOnSockets(scenario, parsed.options, [], {
      stderr: (text) => process.stderr.write(text), writeFile: () => undefined, appendFile: () => undefined,
      wallNowMs: () => Date.now(), onSignal: () => () => undefined, pid: process.pid,
    });
    const elapsedS = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const sippAfter = procCpuUs(sipp.child.pid!);
    const stats = result.agents[0]!.stats;
    return {
      targetCps, calls: stats.totalCallsCreated, successful: stats.successfulCalls, failed: stats.failedCalls,
      elapsedS: Number(elapsedS.toFixed(2)), achievedCps: Number((stats.totalCallsCreated / elapsedS).toFixed(1)),
      ourCpuUsPerCall: Math.round((cpu.user + cpu.system) / Math.max(1, stats.totalCallsCreated)),
      sippCpuUsPerCall: sippBefore === null || sippAfter === null ? null : Math.round((sippAfter - sippBefore) / Math.max(1, stats.totalCallsCreated)),
      retransmissions: stats.retransmissions,
    };
  } finally {
    sipp.kill();
    await sipp.exited;
  }
}

export function runnerRowLine(r: RunnerCpsRow): string {
  return `${String(r.targetCps).padStart(5)} cps target: ${r.successful}/${r.calls} ok, ${r.failed} failed, ${r.achievedCps} cps achieved, ` +
    `${r.ourCpuUsPerCall} µs CPU/call (sipp ${r.sippCpuUsPerCall ?? '?'} µs)\n`;
}

export function runnerCpsMarkdown(result: RunnerCpsResult): string {
  return [
    '# Scenario runner: maximum call rate on loopback',
    '',
    environmentLine(result.environment),
    '',
    `Command: \`node bin/b2bkit.js bench runner${result.parameters.quick ? ' --quick' : ''}\`. Our \`b2bkit run scenarios/flows/basic-call.yaml --agent uac\` ` +
    `(zero-length calls: INVITE/180/200/ACK/BYE/200) against \`sipp -sn uas\` on 127.0.0.1, ${result.parameters.stepSeconds} s per rate step; ` +
    'stops at the first step with failed calls or an achieved rate below 95 % of the target. CPU is per created call: ours from process.cpuUsage(), SIPp\'s from /proc/PID/stat.',
    '',
    markdownTable(['target cps', 'calls', 'successful', 'failed', 'retrans', 'elapsed s', 'achieved cps', 'our CPU µs/call', 'SIPp CPU µs/call'],
      result.rows.map((r) => [r.targetCps, r.calls, r.successful, r.failed, r.retransmissions, r.elapsedS, r.achievedCps, r.ourCpuUsPerCall, r.sippCpuUsPerCall ?? 'n/a'])),
    '',
    `**Maximum rate with 0 failed calls: ${result.maxCps} cps.**`,
  ].join('\n');
}

export async function runRunnerCpsBench(opts: { readonly quick: boolean; readonly onRow?: (row: RunnerCpsRow) => void; readonly write?: boolean }): Promise<RunnerCpsResult> {
  const rates = opts.quick ? QUICK_RATES : RATES;
  const stepSeconds = opts.quick ? 2 : 10;
  const rows: RunnerCpsRow[] = [];
  let maxCps = 0;
  const dir = mkdtempSync(join(tmpdir(), 'b2bkit-runner-bench-'));
  try {
    const file = zeroLengthScenario(dir);
    for (const rate of rates) {
      const row = await step(file, rate, stepSeconds);
      rows.push(row);
      opts.onRow?.(row);
      if (row.failed > 0 || row.successful < row.calls || row.achievedCps < rate * 0.95) break;
      maxCps = rate;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const result: RunnerCpsResult = {
    environment: gatherEnvironment(),
    parameters: { quick: opts.quick, stepSeconds, rates, scenario: 'scenarios/flows/basic-call.yaml (agent uac, talk pause 0)' },
    rows, maxCps,
  };
  if (opts.write === false) return result;
  return { ...result, written: writeBenchReport('runner', result, runnerCpsMarkdown(result)) };
}
