/**
 * The engine's call rate on loopback UDP (issue 5, Done when): `sipp -sn uac` → `b2bkit start` (the
 * shipped top-hiding script, a child process so its CPU is its own) → `sipp -sn uas`, zero-length
 * calls, stepping the rate up (200, 400, 600, …) for `stepSeconds` each, a fresh engine per step. The
 * figure is the highest rate with 0 failed calls and an achieved rate within 5% of the target; CPU per
 * call is the engine's /proc/PID/stat utime+stime over the step, with the two SIPps' beside it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { procCpuUs } from '../measure';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { freeUdpPort, readSippStats, sippCounts, startSipp } from '../../test/sipp/sipp-runner';
import { environmentLine, gatherEnvironment, markdownTable, writeBenchReport, type BenchEnvironment, type WrittenReport } from '../report-writer';

export interface UdpCpsRow {
  readonly targetCps: number;
  readonly calls: number;
  readonly successful: number;
  readonly failed: number;
  readonly elapsedS: number;
  readonly achievedCps: number;
  /** The engine's utime+stime over the step (uac start to uac end), per call. */
  readonly engineCpuUsPerCall: number | null;
  readonly uacCpuUsPerCall: number | null;
  readonly uasCpuUsPerCall: number | null;
  readonly retransmissions: number;
  /** 1-minute load average at the end of the step: above the CPU count, other work shared the CPUs. */
  readonly loadAverage1m: number;
}

export interface UdpCpsResult {
  readonly environment: BenchEnvironment;
  readonly parameters: { readonly quick: boolean; readonly stepSeconds: number; readonly rates: readonly number[]; readonly engine: string };
  readonly rows: readonly UdpCpsRow[];
  /** Highest target rate with 0 failed calls and an achieved rate ≥ 95% of it (0 if none). */
  readonly maxCps: number;
  readonly written?: WrittenReport;
}

export interface UdpCpsOptions {
  readonly quick?: boolean;
  readonly stepSeconds?: number;
  readonly rates?: readonly number[];
  readonly write?: boolean;
  readonly onRow?: (row: UdpCpsRow) => void;
}

const RATES = [200, 400, 600, 800, 1000, 1200, 1500, 2000];
const QUICK_RATES = [200, 400];
const ROOT = join(__dirname, '..', '..');
const ENGINE_ARGS = ['--set', 'mi=false', '--set', 'log_level=warn'];


interface EngineChild {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  log(): string;
}

/** Whether something holds UDP `port` now. */
function udpPortTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => { socket.close(); resolve(true); });
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(false)));
  });
}

/** `node bin/b2bkit.js start` on `udp:127.0.0.1:PORT` toward `upstreamPort`, once its socket is bound (log_level=warn hides "engine started"). */
async function startEngineChild(port: number, upstreamPort: number): Promise<EngineChild> {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'b2bkit.js'), 'start',
    '--set', `listen=udp:127.0.0.1:${port}`, '--set', `upstream=sip:127.0.0.1:${upstreamPort}`, ...ENGINE_ARGS,
  ], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (chunk: Buffer): void => { log = (log + chunk.toString('utf8')).slice(-20_000); };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const until = Date.now() + 60_000;
  while (!(await udpPortTaken(port))) {
    if (child.exitCode !== null || Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`b2bkit start did not bind udp:127.0.0.1:${port}:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, exited, log: () => log };
}

async function runStep(targetCps: number, stepSeconds: number): Promise<UdpCpsRow> {
  const dir = mkdtempSync(join(tmpdir(), 'b2bkit-udp-cps-'));
  const calls = targetCps * stepSeconds;
  const enginePort = await freeUdpPort();
  const uasPort = await freeUdpPort();
  const engine = await startEngineChild(enginePort, uasPort);
  const common = ['-i', '127.0.0.1', '-m', String(calls), '-nostdin', '-timeout', `${stepSeconds + 60}s`, '-trace_stat', '-fd', '1'];
  const uas = startSipp(['-sn', 'uas', '-p', String(uasPort), ...common, '-stf', join(dir, 'uas.csv')], dir);
  try {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const engineBefore = procCpuUs(engine.child.pid);
    const uasBefore = procCpuUs(uas.child.pid);
    const started = performance.now();
    const uac = startSipp(['-sn', 'uac', `127.0.0.1:${enginePort}`, '-r', String(targetCps), '-l', String(targetCps * 5), ...common,
      '-stf', join(dir, 'uac.csv')], dir);
    // The SIPps exit when their last call ends, taking /proc/PID with them: sample while they run.
    let uacCpu: number | null = null;
    let uasAfter: number | null = uasBefore;
    const sample = setInterval(() => {
      uacCpu = procCpuUs(uac.child.pid) ?? uacCpu;
      uasAfter = procCpuUs(uas.child.pid) ?? uasAfter;
    }, 200);
    await uac.exited;
    clearInterval(sample);
    const elapsedS = (performance.now() - started) / 1000;
    const engineAfter = procCpuUs(engine.child.pid);
    uasAfter = procCpuUs(uas.child.pid) ?? uasAfter;
    const counts = sippCounts(readSippStats(join(dir, 'uac.csv')));
    const perCall = (before: number | null, after: number | null): number | null =>
      before === null || after === null || counts.successful === 0 ? null : Math.round((after - before) / counts.successful);
    return {
      targetCps, calls, successful: counts.successful, failed: counts.failed, elapsedS: Math.round(elapsedS * 10) / 10,
      achievedCps: Math.round(counts.successful / elapsedS),
      engineCpuUsPerCall: perCall(engineBefore, engineAfter),
      uacCpuUsPerCall: uacCpu === null ? null : Math.round(uacCpu / Math.max(1, counts.successful)),
      uasCpuUsPerCall: perCall(uasBefore, uasAfter),
      retransmissions: counts.retransmissions,
      loadAverage1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    };
  } finally {
    uas.kill();
    engine.child.kill('SIGTERM');
    const code = await Promise.race([engine.exited, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 10_000))]);
    if (code === 'hung') engine.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runUdpCpsBench(options: UdpCpsOptions = {}): Promise<UdpCpsResult> {
  const quick = options.quick ?? false;
  const stepSeconds = options.stepSeconds ?? (quick ? 10 : 30);
  const rates = options.rates ?? (quick ? QUICK_RATES : RATES);
  const rows: UdpCpsRow[] = [];
  let maxCps = 0;
  for (const rate of rates) {
    const row = await runStep(rate, stepSeconds);
    rows.push(row);
    options.onRow?.(row);
    const held = row.failed === 0 && row.successful === row.calls && row.achievedCps >= rate * 0.95;
    if (!held) break;
    maxCps = rate;
  }
  const environment = gatherEnvironment();
  const result: UdpCpsResult = {
    environment, parameters: { quick, stepSeconds, rates, engine: 'b2bkit start (top-hiding.ts), UDP, log_level=warn, mi=false' }, rows, maxCps,
  };
  if (options.write === false) return result;
  return { ...result, written: writeBenchReport('udp-cps', result, markdown(result)) };
}

export function udpCpsRowLine(row: UdpCpsRow): string {
  const us = (v: number | null): string => (v === null ? '-' : String(v)).padStart(6);
  return `${String(row.targetCps).padStart(5)} cps target: ${String(row.successful).padStart(6)}/${row.calls} ok, ${String(row.failed).padStart(4)} failed, `
    + `${String(row.achievedCps).padStart(5)} cps achieved, engine ${us(row.engineCpuUsPerCall)} µs/call, uac ${us(row.uacCpuUsPerCall)}, uas ${us(row.uasCpuUsPerCall)}, `
    + `${row.retransmissions} retrans, load ${row.loadAverage1m}\n`;
}

function markdown(result: UdpCpsResult): string {
  const table = markdownTable(
    ['target cps', 'calls', 'successful', 'failed', 'achieved cps', 'engine CPU µs/call', 'uac CPU µs/call', 'uas CPU µs/call', 'retransmissions', 'load 1 min'],
    result.rows.map((r) => [r.targetCps, r.calls, r.successful, r.failed, r.achievedCps, r.engineCpuUsPerCall ?? '-', r.uacCpuUsPerCall ?? '-', r.uasCpuUsPerCall ?? '-', r.retransmissions, r.loadAverage1m]),
  );
  return [
    '# Engine calls per second on loopback UDP',
    '',
    environmentLine(result.environment),
    '',
    `sipp -sn uac → \`b2bkit start\` (shipped top-hiding script, log_level=warn) → sipp -sn uas; zero-length calls, ${result.parameters.stepSeconds} s per step, a fresh engine per step.`,
    'CPU is utime+stime from /proc/PID/stat over the step; transactions the step leaves behind expire up to 32 s later (Timers J/L/M), outside the window.',
    '',
    table,
    '',
    `**Highest rate with 0 failed calls (achieved ≥ 95% of target): ${result.maxCps} calls/s.**`,
    '',
  ].join('\n');
}
