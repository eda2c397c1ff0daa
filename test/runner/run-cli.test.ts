/**
 * `b2bkit run` end to end: malformed scenarios fail at load naming file and line (exit 255); an
 * unexpected message fails only its call and lands in the error log; `--sim --seed N` is repeatable.
 */
import t from 'tap';
import { createSocket, type RemoteInfo } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resultCounts, runCaptured } from './run-test-io';

const BASIC = join(__dirname, '..', '..', 'scenarios', 'flows', 'basic-call.yaml');
const dir = mkdtempSync(join(tmpdir(), 'b2bkit-run-cli-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const HEAD = 'name: broken\nagents:\n  uac:\n    role: uac\n    steps:\n';

t.test('a malformed scenario fails at load with file:line: problem and exit 255', async (t) => {
  const cases: { name: string; text: string; line: number; problem: RegExp }[] = [
    { name: 'bad-yaml.yaml', text: `${HEAD}      - recv: 200\n      - recv: 100: 3\n`, line: 7, problem: /YAML/ },
    { name: 'unknown-keyword.yaml', text: `${HEAD}      - send: |\n          OPTIONS sip:x SIP/2.0\n          X-Thing: [no_such_keyword]\n          Content-Length: 0\n`, line: 8, problem: /no_such_keyword/ },
    { name: 'unknown-step.yaml', text: `${HEAD}      - recv: 200\n      - dance: 3\n`, line: 7, problem: /dance/ },
    { name: 'missing-message.yaml', text: `${HEAD}      - recv: 200\n      - send:\n`, line: 7, problem: /send|message/ },
    { name: 'unknown-element.xml', text: '<?xml version="1.0"?>\n<scenario name="x">\n  <send><![CDATA[OPTIONS sip:x SIP/2.0\n]]></send>\n  <dance/>\n</scenario>\n', line: 5, problem: /dance/ },
  ];
  for (const c of cases) {
    const file = write(c.name, c.text);
    const run = await runCaptured([file, '127.0.0.1:5060', '--quiet']);
    t.equal(run.code, 255, `${c.name}: exit 255`);
    t.match(run.stderr, new RegExp(`^${escape(file)}:${c.line}: `), `${c.name}: names file and line ${c.line}`);
    t.match(run.stderr, c.problem, `${c.name}: names the problem`);
    t.equal(run.stdout, '', `${c.name}: no report`);
  }
  const missing = await runCaptured([join(dir, 'nope.yaml'), '--quiet']);
  t.equal(missing.code, 255);
  t.match(missing.stderr, /nope\.yaml:1: cannot read the file/);
});

t.test('bad options exit 2 with the reason and the usage', async (t) => {
  const run = await runCaptured([BASIC, '-m', 'lots']);
  t.equal(run.code, 2);
  t.match(run.stderr, /^b2bkit run: -m: expected an integer/);
  t.match(run.stderr, /usage: b2bkit run FILE/);
  const agent = await runCaptured([BASIC, '--agent', 'nobody', '--sim']);
  t.equal(agent.code, 2);
  t.match(agent.stderr, /--agent nobody: .* has no such agent \(it has uac, uas\)/);
  const help = await runCaptured(['-h']);
  t.equal(help.code, 0);
  t.match(help.stdout, /-trace_stat/);
});

t.test('--sim --seed N twice gives identical output; the flow succeeds under 5% loss', async (t) => {
  const args = [BASIC, '--sim', '--seed', '7', '-m', '20', '-r', '10', '--loss', '0.05'];
  const first = await runCaptured(args);
  const second = await runCaptured(args);
  t.equal(first.code, 0, first.stderr);
  t.equal(first.stdout, second.stdout, 'byte-identical reports');
  t.same(resultCounts(first.stdout), { created: 40, successful: 40, failed: 0 }, '20 calls seen by each agent');
  t.match(first.stdout, /\ndigest: [0-9a-f]{64}\n/);
  t.notMatch(first.stdout, /leftover:/, 'no live calls or timers left');
  const other = await runCaptured([BASIC, '--sim', '--seed', '8', '-m', '20', '-r', '10', '--loss', '0.05']);
  t.not(digestOf(other.stdout), digestOf(first.stdout), 'another seed, another trace');
});

t.test('an unexpected message fails only its call, is logged, and the other calls succeed', async (t) => {
  const peer = await misbehavingUas(3);
  t.teardown(() => peer.close());
  const errorFile = join(dir, 'errors.log');
  const run = await runCaptured([BASIC, `127.0.0.1:${peer.port}`, '--agent', 'uac', '-m', '5', '-r', '20', '-d', '0', '--quiet',
    '-trace_err', '-error_file', errorFile, '-timeout', '30s']);
  t.equal(run.code, 1, `exit 1: some calls failed (${run.stderr})`);
  t.same(resultCounts(run.stdout), { created: 5, successful: 4, failed: 1 });
  t.match(run.stdout, /FailedUnexpectedMessage\| 1 /);
  t.match(run.stdout, /Error log: 1 entry/);
  const log = readFileSync(errorFile, 'utf8');
  t.match(log, /FailedUnexpectedMessage/);
  t.match(log, /SIP\/2\.0 404 Not Found/, 'the offending message is in the log');
  t.match(log, new RegExp(escape(peer.rejectedCallId())), 'with the Call-ID of the failed call');
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function digestOf(stdout: string): string | undefined {
  return /\ndigest: ([0-9a-f]+)/.exec(stdout)?.[1];
}

/** A raw UDP callee: answers INVITEs 180/200, except the `rejectNth` one which gets a 404; 200 to BYE; ignores the rest (the runner's clean-up CANCEL too). */
async function misbehavingUas(rejectNth: number): Promise<{ port: number; close(): void; rejectedCallId(): string }> {
  const socket = createSocket('udp4');
  let invites = 0;
  let rejected = '';
  const seen = new Map<string, boolean>();
  socket.on('message', (data: Buffer, from: RemoteInfo) => {
    const text = data.toString('utf8');
    const method = /^([A-Z]+) /.exec(text)?.[1];
    const callId = header(text, 'Call-ID');
    const reply = (status: string, extra = ''): void => {
      const toTag = /;tag=/.test(header(text, 'To')) ? '' : `;tag=peer${callId.length}`;
      const lines = [`SIP/2.0 ${status}`, `Via: ${header(text, 'Via')}`, `From: ${header(text, 'From')}`, `To: ${header(text, 'To')}${toTag}`,
        `Call-ID: ${callId}`, `CSeq: ${header(text, 'CSeq')}`, `Contact: <sip:peer@127.0.0.1:${port}>`, extra, 'Content-Length: 0', '', ''];
      socket.send(lines.filter((l, i) => l !== '' || i >= lines.length - 2).join('\r\n'), from.port, from.address);
    };
    if (method === 'INVITE') {
      if (!seen.has(callId)) seen.set(callId, ++invites === rejectNth);
      if (seen.get(callId) === true) {
        rejected = callId;
        reply('404 Not Found');
      } else {
        reply('180 Ringing');
        reply('200 OK');
      }
    } else if (method === 'BYE') {
      reply('200 OK');
    }
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const port = socket.address().port;
  return { port, close: () => socket.close(), rejectedCallId: () => rejected };
}

function header(text: string, name: string): string {
  return new RegExp(`^${name}:[ \\t]*(.*?)\\r?$`, 'im').exec(text)?.[1] ?? '';
}
