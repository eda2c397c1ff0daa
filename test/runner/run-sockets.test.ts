/** `b2bkit run` on real sockets: both agents in one process over UDP and TCP, statistics CSV, progress, signals, bind failure, -timeout_error; every socket closed. */
import t from 'tap';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runRun } from '../../cli/commands/run';
import { readSippStats, sippCounts } from '../sipp/sipp-runner';
import { captureIo, resultCounts, runCaptured } from './run-test-io';

const BASIC = join(__dirname, '..', '..', 'scenarios', 'flows', 'basic-call.yaml');
const dir = mkdtempSync(join(tmpdir(), 'b2bkit-run-sockets-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

function listened(stdout: string): { agent: string; port: number }[] {
  return [...stdout.matchAll(/agent (\S+) listened on 127\.0\.0\.1:(\d+)/g)].map((m) => ({ agent: m[1]!, port: Number(m[2]) }));
}

function bindUdp(port: number): Promise<{ close(): void }> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(port, '127.0.0.1', () => resolve({ close: () => socket.close() }));
  });
}

for (const transport of ['u1', 't1']) {
  t.test(`both agents of basic-call.yaml in one process over ${transport === 'u1' ? 'UDP' : 'TCP'}`, async (t) => {
    const stf = join(dir, `stats-${transport}.csv`);
    const run = await runCaptured([BASIC, '-t', transport, '-m', '3', '-r', '10', '-trace_stat', '-stf', stf, '-fd', '1']);
    t.equal(run.code, 0, run.stderr);
    t.same(resultCounts(run.stdout), { created: 6, successful: 6, failed: 0 });
    t.match(run.stderr, /created \d+ +live \d+ +ok \d+ +failed 0 +rate [\d.]+ cps/, 'a progress line on stderr');
    const uac = sippCounts(readSippStats(join(dir, `stats-${transport}_uac.csv`)));
    t.equal(uac.successful, 3, 'the uac statistics CSV reads like SIPp\'s');
    t.equal(sippCounts(readSippStats(join(dir, `stats-${transport}_uas.csv`))).successful, 3);
    if (transport === 'u1') {
      const ports = listened(run.stdout);
      t.equal(ports.length, 2);
      let rebound = 0;
      for (const { port } of ports) {
        (await bindUdp(port)).close();
        rebound += 1;
      }
      t.equal(rebound, 2, 'every UDP port can be bound again: the run closed its sockets');
    }
  });
}

t.test('a lone uas stops on the first signal and exits 99 when it got no call', async (t) => {
  const io = captureIo();
  let signal: (() => void) | undefined;
  const running = runRun([BASIC, '--agent', 'uas', '-p', '0', '--quiet'], { ...io, onSignal: (h) => { signal = h; return () => { signal = undefined; }; } });
  await new Promise((resolve) => setTimeout(resolve, 200));
  t.type(signal, 'function', 'the run listens for signals');
  signal!();
  t.equal(await running, 99);
  t.equal(signal, undefined, 'and stops listening when it ends');
});

t.test('-timeout with -timeout_error exits 97', async (t) => {
  const run = await runCaptured([BASIC, '--agent', 'uas', '-p', '0', '--quiet', '-timeout', '300ms', '-timeout_error']);
  t.equal(run.code, 97);
});

t.test('a port in use is a bind failure: exit 254', async (t) => {
  const holder = createSocket('udp4');
  await new Promise<void>((resolve) => holder.bind(0, '127.0.0.1', () => resolve()));
  t.teardown(() => holder.close());
  const run = await runCaptured([BASIC, '--agent', 'uas', '-p', String(holder.address().port), '--quiet']);
  t.equal(run.code, 254);
  t.match(run.stderr, /agent uas: binding udp:127\.0\.0\.1:\d+/);
});

t.test('a bad injection file fails at load naming file and line: exit 255', async (t) => {
  const inf = join(dir, 'users.csv');
  writeFileSync(inf, '# users\nALPHABETICAL\nalice;\n');
  const run = await runCaptured([BASIC, '127.0.0.1:5060', '--agent', 'uac', '-inf', inf, '--quiet']);
  t.equal(run.code, 255);
  t.match(run.stderr, `${inf}:2: the first line must be SEQUENTIAL, RANDOM, USER`);
});
