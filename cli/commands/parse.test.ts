/** `b2bkit parse`: JSON for a valid message, `invalid:` for a rejected one, exit codes, stdin and files. */
import t from 'tap';
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { runParse, type ParseIo } from './parse';

const INVITE = [
  'INVITE sip:bob@example.com SIP/2.0',
  'Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKabc;rport',
  'Max-Forwards: 70',
  'From: "Alice" <sip:alice@example.com>;tag=a1',
  'To: <sip:bob@example.com>',
  'Call-ID: call-1@192.0.2.1',
  'CSeq: 7 INVITE',
  'Content-Length: 4',
  '',
  'abcd',
].join('\r\n');

const RESPONSE = [
  'SIP/2.0 180 Ringing',
  'Via: SIP/2.0/TCP [2001:db8::1];branch=z9hG4bKxyz',
  'From: <sip:alice@example.com>;tag=a1',
  'To: <sip:bob@example.com>;tag=b2',
  'Call-ID: call-2',
  'CSeq: 1 INVITE',
  'Content-Length: 0',
  '',
  '',
].join('\r\n');

interface Captured {
  io: ParseIo;
  out: () => string;
  err: () => string;
  stdin: PassThrough;
}

function fakeIo(files: Record<string, string> = {}): Captured {
  let out = '';
  let err = '';
  const stdin = new PassThrough();
  return {
    stdin,
    out: () => out,
    err: () => err,
    io: {
      stdin,
      stdout: (s) => {
        out += s;
      },
      stderr: (s) => {
        err += s;
      },
      readFile: async (p) => {
        const text = files[p];
        if (text === undefined) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${p}'`), { code: 'ENOENT' });
        return new Uint8Array(Buffer.from(text, 'utf8'));
      },
    },
  };
}

t.test('a valid request file prints its JSON and exits 0', async (t) => {
  const c = fakeIo({ 'invite.sip': INVITE });
  const code = await runParse(['invite.sip'], c.io);
  t.equal(code, 0);
  t.equal(c.err(), '');
  const json = JSON.parse(c.out());
  t.equal(json.kind, 'request');
  t.equal(json.startLine, 'INVITE sip:bob@example.com SIP/2.0');
  t.equal(json.method, 'INVITE');
  t.equal(json.uri, 'sip:bob@example.com');
  t.equal(json.bodyLength, 4);
  t.same(json.headers[0], { name: 'Via', value: 'SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKabc;rport' });
  t.equal(json.headers.length, 7);
  t.equal(json.summary.callId, 'call-1@192.0.2.1');
  t.same(json.summary.cseq, { seq: 7, method: 'INVITE' });
  t.equal(json.summary.fromTag, 'a1');
  t.equal(json.summary.toTag, null);
  t.equal(json.summary.from, '"Alice" <sip:alice@example.com>;tag=a1');
  t.match(json.summary.topVia, { transport: 'UDP', host: '192.0.2.1', port: 5060, branch: 'z9hG4bKabc', rport: true });
  t.match(c.out(), /^\{\n  "kind"/, 'pretty-printed');
});

t.test('a response read from stdin with "-"', async (t) => {
  const c = fakeIo();
  c.stdin.end(RESPONSE);
  const code = await runParse(['-'], c.io);
  t.equal(code, 0);
  const json = JSON.parse(c.out());
  t.equal(json.kind, 'response');
  t.equal(json.status, 180);
  t.equal(json.reason, 'Ringing');
  t.equal(json.startLine, 'SIP/2.0 180 Ringing');
  t.equal(json.summary.toTag, 'b2');
  t.equal(json.summary.topVia.host, '2001:db8::1');
  t.notOk('method' in json, 'responses have no method field');
});

t.test('no argument reads stdin too', async (t) => {
  const c = fakeIo();
  c.stdin.end(INVITE);
  t.equal(await runParse([], c.io), 0);
  t.equal(JSON.parse(c.out()).summary.callId, 'call-1@192.0.2.1');
});

t.test('an invalid message prints "invalid: <code>: <reason>" and exits 1', async (t) => {
  const c = fakeIo({ 'bad.sip': INVITE.replace('INVITE sip:bob@example.com SIP/2.0', 'INVITE sip:bob@example.com SIP/7.0') });
  t.equal(await runParse(['bad.sip'], c.io), 1);
  t.match(c.out(), /^invalid: bad-version: .+\n$/);
  t.equal(c.err(), '');
});

t.test('empty input is invalid, not a crash', async (t) => {
  const c = fakeIo();
  c.stdin.end('');
  t.equal(await runParse(['-'], c.io), 1);
  t.match(c.out(), /^invalid: /);
});

t.test('a missing file is an error on stderr with exit 2', async (t) => {
  const c = fakeIo();
  t.equal(await runParse(['nope.sip'], c.io), 2);
  t.equal(c.out(), '');
  t.match(c.err(), /cannot read nope\.sip: ENOENT/);
});

t.test('bad usage exits 2', async (t) => {
  const c = fakeIo();
  t.equal(await runParse(['a.sip', 'b.sip'], c.io), 2);
  t.equal(await runParse(['--bogus'], c.io), 2);
  t.match(c.err(), /usage: b2bkit parse/);
});

t.test('a torture-test fixture round-trips through the command (RFC 4475 esc01)', async (t) => {
  const path = join(__dirname, '..', '..', 'conformance', 'rfc4475', 'messages', 'esc01.sip');
  const c = fakeIo({ [path]: readFileSync(path, 'latin1') });
  t.equal(await runParse([path], c.io), 0);
  const json = JSON.parse(c.out());
  t.equal(json.uri, 'sip:sips%3Auser%40example.com@example.net', 'the Request-URI is printed as written');
  t.equal(json.bodyLength, 150);
});
