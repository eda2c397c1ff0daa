/**
 * The scenario runner against real SIPp (Debian sip-tester), 1,000 calls at 100 calls/s each way on
 * loopback: our basic-call.yaml uac → `sipp -sn uas`, `sipp -sn uac` → our basic-call.yaml uas, and
 * SIPp's own uac.xml/uas.xml (dumped with `sipp -sd`) run unchanged by `b2bkit run`.
 */
import t, { type Test } from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SIPP_MISSING, freeUdpPort, readSippStats, sippAvailable, sippCounts, startSipp } from '../sipp/sipp-runner';
import { resultCounts, runCaptured } from './run-test-io';

const CALLS = 1000;
const RATE = 100;
const BASIC = join(__dirname, '..', '..', 'scenarios', 'flows', 'basic-call.yaml');
const SIPP_COMMON = ['-i', '127.0.0.1', '-m', String(CALLS), '-nostdin', '-timeout', '60s', '-trace_stat', '-fd', '1'];

// Four runs of 10 s of calls plus SIPp's 4 s end-of-call wait each: more than the default file timeout on a loaded machine.
t.setTimeout(300_000);

t.test('sipp is installed', async (t) => {
  t.ok(sippAvailable(), SIPP_MISSING);
});

function tempDir(t: Test, name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `b2bkit-run-${name}-`));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Our runner as caller (FILE, uac args) against `sipp -sn uas`. */
async function oursCallSippUas(t: Test, file: string, extra: readonly string[]): Promise<void> {
  const dir = tempDir(t, 'uac');
  const port = await freeUdpPort();
  const sipp = startSipp(['-sn', 'uas', '-p', String(port), ...SIPP_COMMON, '-stf', join(dir, 'sipp.csv')], dir);
  t.teardown(() => sipp.kill());
  await new Promise((resolve) => setTimeout(resolve, 300));
  const ours = await runCaptured([file, `127.0.0.1:${port}`, ...extra, '-m', String(CALLS), '-r', String(RATE), '--quiet',
    '-trace_stat', '-stf', join(dir, 'ours.csv'), '-fd', '5', '-timeout', '60s']);
  const theirs = await sipp.exited;
  t.equal(ours.code, 0, `our exit code (stderr: ${ours.stderr.slice(0, 500)})`);
  t.same(resultCounts(ours.stdout), { created: CALLS, successful: CALLS, failed: 0 }, 'our report');
  const ourCsv = sippCounts(readSippStats(join(dir, 'ours.csv')));
  t.equal(ourCsv.successful, CALLS, 'our statistics CSV (read with the SIPp CSV reader): successful');
  t.equal(ourCsv.failed, 0, 'our statistics CSV: failed');
  t.equal(theirs.code, 0, `sipp's exit code (output tail: ${theirs.output.slice(-300)})`);
  t.equal(sippCounts(readSippStats(join(dir, 'sipp.csv'))).successful, CALLS, 'sipp counted every call successful');
}

/** `sipp -sn uac` as caller against our runner (FILE, uas args). */
async function sippUacCallsOurs(t: Test, file: string, extra: readonly string[]): Promise<void> {
  const dir = tempDir(t, 'uas');
  const ourPort = await freeUdpPort();
  const sippPort = await freeUdpPort();
  const oursRun = runCaptured([file, ...extra, '-p', String(ourPort), '-m', String(CALLS), '--quiet', '-timeout', '60s']);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const sipp = startSipp(['-sn', 'uac', `127.0.0.1:${ourPort}`, '-p', String(sippPort), '-r', String(RATE), ...SIPP_COMMON, '-stf', join(dir, 'sipp.csv')], dir);
  t.teardown(() => sipp.kill());
  const [ours, theirs] = await Promise.all([oursRun, sipp.exited]);
  t.equal(theirs.code, 0, `sipp's exit code (output tail: ${theirs.output.slice(-300)})`);
  t.same(sippCounts(readSippStats(join(dir, 'sipp.csv'))).successful, CALLS, 'sipp counted every call successful');
  t.equal(ours.code, 0, `our exit code (stderr: ${ours.stderr.slice(0, 500)})`);
  t.same(resultCounts(ours.stdout), { created: CALLS, successful: CALLS, failed: 0 }, 'our report');
}

t.test(`(a) basic-call.yaml --agent uac places ${CALLS} calls at ${RATE}/s to sipp -sn uas`, async (t) => {
  if (!sippAvailable()) return t.fail(SIPP_MISSING);
  await oursCallSippUas(t, BASIC, ['--agent', 'uac']);
});

t.test(`(b) sipp -sn uac places ${CALLS} calls at ${RATE}/s to basic-call.yaml --agent uas`, async (t) => {
  if (!sippAvailable()) return t.fail(SIPP_MISSING);
  await sippUacCallsOurs(t, BASIC, ['--agent', 'uas']);
});

/** SIPp's built-in scenario dumped to a file, unchanged. */
function dumpSippScenario(t: Test, name: 'uac' | 'uas'): string {
  const dir = tempDir(t, `sd-${name}`);
  const dump = spawnSync('sipp', ['-sd', name], { encoding: 'utf8' });
  const file = join(dir, `${name}.xml`);
  writeFileSync(file, dump.stdout);
  return file;
}

t.test(`(c) SIPp's own uac.xml, run by b2bkit run, places ${CALLS} calls to sipp -sn uas`, async (t) => {
  if (!sippAvailable()) return t.fail(SIPP_MISSING);
  await oursCallSippUas(t, dumpSippScenario(t, 'uac'), []);
});

t.test(`(c) SIPp's own uas.xml, run by b2bkit run, answers ${CALLS} calls from sipp -sn uac`, async (t) => {
  if (!sippAvailable()) return t.fail(SIPP_MISSING);
  await sippUacCallsOurs(t, dumpSippScenario(t, 'uas'), []);
});
