/**
 * `b2bkit start` as a user runs it (issue 5, Done when): a child process on a UDP socket with an
 * `upstream`, `sipp -sn uac` through it to `sipp -sn uas` (10 calls), one log line per call start and
 * end, and SIGTERM ending it with exit 0.
 */
import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SIPP_MISSING, freeUdpPort, readSippStats, sippAvailable, sippCounts, startSipp } from '../sipp/sipp-runner';
import { waitForUdpBound } from '../sipp/b2b-harness';

const ROOT = join(__dirname, '..', '..');
const CALLS = 10;

t.test(`b2bkit start --set listen=… --set upstream=… relays ${CALLS} SIPp calls and stops on SIGTERM`, async (t) => {
  if (!sippAvailable()) return t.fail(SIPP_MISSING);
  const dir = mkdtempSync(join(tmpdir(), 'b2bkit-start-cli-'));
  const enginePort = await freeUdpPort();
  const uasPort = await freeUdpPort();
  const engine = spawn(process.execPath, [
    join(ROOT, 'bin', 'b2bkit.js'), 'start',
    '--set', `listen=udp:127.0.0.1:${enginePort}`,
    '--set', `upstream=sip:127.0.0.1:${uasPort}`,
    // No management endpoint: its fixed default port would collide between test runs.
    '--set', 'mi=false',
  ], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  engine.stdout.on('data', (chunk: Buffer) => { log += chunk.toString('utf8'); });
  engine.stderr.on('data', (chunk: Buffer) => { log += chunk.toString('utf8'); });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    engine.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const uas = startSipp(['-sn', 'uas', '-i', '127.0.0.1', '-p', String(uasPort), '-m', String(CALLS), '-nostdin', '-timeout', '60s',
    '-trace_stat', '-stf', join(dir, 'uas.csv'), '-trace_err', '-error_file', join(dir, 'uas-errors.log')], dir);
  let uac: ReturnType<typeof startSipp> | undefined;
  t.teardown(() => {
    uac?.kill();
    uas.kill();
    if (engine.exitCode === null && engine.signalCode === null) engine.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  // ts-node compiles the engine at start: wait for its "engine started" line.
  const startedWithinMs = 60_000;
  const until = Date.now() + startedWithinMs;
  while (!log.includes('engine started') && engine.exitCode === null && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  t.match(log, /engine started/, 'the engine says it started');
  t.match(log, new RegExp(`udp:127\\.0\\.0\\.1:${enginePort}`), 'on the socket given with --set listen');
  t.ok(await waitForUdpBound(uasPort), 'sipp -sn uas is up');

  uac = startSipp(['-sn', 'uac', `127.0.0.1:${enginePort}`, '-i', '127.0.0.1', '-m', String(CALLS), '-r', '10', '-nostdin', '-timeout', '60s',
    '-trace_stat', '-stf', join(dir, 'uac.csv'), '-trace_err', '-error_file', join(dir, 'uac-errors.log')], dir);
  const uacExit = await uac.exited;
  const uasExit = await uas.exited;
  const uacCounts = sippCounts(readSippStats(join(dir, 'uac.csv')));
  const uasCounts = sippCounts(readSippStats(join(dir, 'uas.csv')));
  t.comment(`uac: exit ${uacExit.code} ${JSON.stringify(uacCounts)}; uas: exit ${uasExit.code} ${JSON.stringify(uasCounts)}`);
  t.equal(uacExit.code, 0, 'sipp -sn uac exits 0');
  t.equal(uasExit.code, 0, 'sipp -sn uas exits 0');
  t.equal(uacCounts.successful, CALLS, 'uac SuccessfulCall');
  t.equal(uacCounts.failed, 0, 'uac FailedCall');
  t.equal(uasCounts.successful, CALLS, 'uas SuccessfulCall');
  t.equal(uasCounts.failed, 0, 'uas FailedCall');
  t.equal((log.match(/call start/g) ?? []).length, CALLS, 'one "call start" line per call');
  t.equal((log.match(/call end/g) ?? []).length, CALLS, 'one "call end" line per call');

  engine.kill('SIGTERM');
  const stopped = await Promise.race([exited, new Promise<undefined>((r) => setTimeout(() => r(undefined), 15_000))]);
  t.same(stopped, { code: 0, signal: null }, 'SIGTERM ends it with exit code 0');
  t.match(log, /engine stopped/, 'it says it stopped');
  if (stopped?.code !== 0) t.comment(log.slice(-3000));
});
