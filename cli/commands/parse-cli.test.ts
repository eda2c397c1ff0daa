/** `node bin/b2bkit.js parse …` end to end: a file argument, stdin through a pipe, and the exit codes. */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const bin = join(root, 'bin', 'b2bkit.js');
const fixture = (suite: string, name: string) => join(root, 'conformance', suite, 'messages', `${name}.sip`);

function b2bkit(args: string[], input?: Uint8Array) {
  return spawnSync(process.execPath, [bin, ...args], { cwd: root, input, encoding: 'utf8', timeout: 60_000 });
}

t.test('parse FILE prints the message as JSON and exits 0', async (t) => {
  const run = b2bkit(['parse', fixture('rfc5118', 'ipv6-good')]);
  t.equal(run.status, 0, run.stderr);
  const json = JSON.parse(run.stdout);
  t.equal(json.kind, 'request');
  t.equal(json.method, 'REGISTER');
  t.equal(json.summary.topVia.host, '2001:db8::9:1');
});

t.test('parse - reads the message from a pipe', async (t) => {
  const run = b2bkit(['parse', '-'], readFileSync(fixture('rfc4475', 'unreason')));
  t.equal(run.status, 0, run.stderr);
  const json = JSON.parse(run.stdout);
  t.equal(json.status, 200);
  t.equal(json.reason, '= 2**3 * 5**2 но сто девяносто девять - простое');
});

t.test('an invalid message exits 1 with "invalid:" on stdout', async (t) => {
  const run = b2bkit(['parse', fixture('rfc4475', 'badvers')]);
  t.equal(run.status, 1);
  t.match(run.stdout, /^invalid: bad-version: /);
});

t.test('a missing file exits 2 with the error on stderr', async (t) => {
  const run = b2bkit(['parse', join(root, 'no-such-file.sip')]);
  t.equal(run.status, 2);
  t.equal(run.stdout, '');
  t.match(run.stderr, /cannot read .*no-such-file\.sip/);
});
