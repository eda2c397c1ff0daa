/**
 * Interop with SIPp (Debian sip-tester): our UAC made of the layers calls `sipp -sn uas`, and
 * `sipp -sn uac` calls our UAS — 500 calls each way, zero failed, zero unexpected messages.
 */
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseUri } from '../../engine/sip';
import { openNodeUa } from '../dialog/node-ua';
import { SIPP_MISSING, freeUdpPort, readSippStats, sippAvailable, sippCounts, startSipp } from './sipp-runner';

const CALLS = 500;
const RATE_PER_S = 200;
const MAX_CONCURRENT = 100;
const COMMON = ['-m', String(CALLS), '-nostdin', '-timeout', '60s', '-trace_stat', '-fd', '1', '-trace_err'];

t.test('sipp is installed', async (t) => {
  t.ok(sippAvailable(), SIPP_MISSING);
});

t.test(`our UAC places ${CALLS} calls to sipp -sn uas`, async (t) => {
  if (!sippAvailable()) return t.fail(SIPP_MISSING);
  const dir = mkdtempSync(join(tmpdir(), 'b2bkit-sipp-uas-'));
  const sippPort = await freeUdpPort();
  const sipp = startSipp(['-sn', 'uas', '-i', '127.0.0.1', '-p', String(sippPort), ...COMMON, '-stf', join(dir, 'stats.csv'), '-error_file', join(dir, 'errors.log')], dir);
  const ua = await openNodeUa('udp');
  t.teardown(async () => {
    sipp.kill();
    await ua.close();
    rmSync(dir, { recursive: true, force: true });
  });
  // Give sipp a moment to bind before the first INVITE.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const to = { uri: parseUri(`sip:service@127.0.0.1:${sippPort}`)!, params: new Map() };
  const ours = { started: 0, ended: 0, failed: [] as string[] };
  await new Promise<void>((resolve) => {
    let active = 0;
    const finish = (): void => {
      active--;
      if (ours.ended + ours.failed.length === CALLS) resolve();
    };
    const tick = setInterval(() => {
      // 200 calls/s in 5 ms ticks, at most 100 at once (SIPp's -r 200 -l 100 on our side).
      if (ours.started >= CALLS) {
        clearInterval(tick);
        return;
      }
      if (active >= MAX_CONCURRENT) return;
      ours.started++;
      active++;
      ua.stack.core.invite({ to }, {
        onAccepted: (session) => {
          session.handler = { onTerminated: () => { ours.ended++; finish(); } };
          session.bye();
        },
        onFailed: (status, reason) => { ours.failed.push(`${status} ${reason}`); finish(); },
      });
    }, 1000 / RATE_PER_S);
  });
  const exit = await sipp.exited;
  const counts = sippCounts(readSippStats(join(dir, 'stats.csv')));
  t.comment(`sipp uas: exit ${exit.code}, ${JSON.stringify(counts)}; ours: ${ours.ended} ended, ${ours.failed.length} failed`);
  t.same(ours.failed, [], 'no call failed on our side');
  t.equal(ours.ended, CALLS);
  t.equal(exit.code, 0, 'sipp exit code 0 (all calls successful)');
  t.equal(counts.successful, CALLS, 'sipp SuccessfulCall');
  t.equal(counts.failed, 0, 'sipp FailedCall');
  t.equal(counts.unexpected, 0, 'sipp FailedUnexpectedMessage');
  t.same(ua.errors, []);
});

t.test(`sipp -sn uac places ${CALLS} calls to our UAS`, async (t) => {
  if (!sippAvailable()) return t.fail(SIPP_MISSING);
  const dir = mkdtempSync(join(tmpdir(), 'b2bkit-sipp-uac-'));
  let answered = 0;
  let byes = 0;
  const ua = await openNodeUa('udp', {
    onInvite: (invite) => {
      invite.progress(180);
      const session = invite.accept();
      if (session === undefined) return;
      answered++;
      session.handler = { onTerminated: (_s, reason) => { if (reason === 'bye-received') byes++; } };
    },
  });
  const sippPort = await freeUdpPort();
  const sipp = startSipp([
    '-sn', 'uac', `127.0.0.1:${ua.port}`, '-i', '127.0.0.1', '-p', String(sippPort),
    '-r', String(RATE_PER_S), '-l', String(MAX_CONCURRENT), ...COMMON, '-stf', join(dir, 'stats.csv'), '-error_file', join(dir, 'errors.log'),
  ], dir);
  t.teardown(async () => {
    sipp.kill();
    await ua.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const exit = await sipp.exited;
  const counts = sippCounts(readSippStats(join(dir, 'stats.csv')));
  t.comment(`sipp uac: exit ${exit.code}, ${JSON.stringify(counts)}; ours: ${answered} answered, ${byes} BYEs`);
  t.equal(exit.code, 0, 'sipp exit code 0 (all calls successful)');
  t.equal(counts.successful, CALLS, 'sipp SuccessfulCall');
  t.equal(counts.failed, 0, 'sipp FailedCall');
  t.equal(counts.unexpected, 0, 'sipp FailedUnexpectedMessage');
  t.equal(answered, CALLS, 'our UAS answered every call');
  t.equal(byes, CALLS, 'every call ended with a BYE from sipp');
  t.same(ua.stack.core.counts.sessions, 0, 'no dialog left');
  t.same(ua.errors, []);
});
