import t from 'tap';
import { StreamFramer } from './stream-framer';
import { invite, response, SDP } from './test-messages';

const b = (s: string) => new Uint8Array(Buffer.from(s));
const str = (u: Uint8Array) => Buffer.from(u).toString();

const first = invite(['Content-Type: application/sdp'], SDP);
const second = response('180 Ringing');

t.test('two messages in one chunk, with keep-alives around them', async (t) => {
  const f = new StreamFramer();
  const out = f.push(b(`\r\n\r\n${first}\r\n\r\n\r\n${second}\r\n`));
  t.same(out.messages.map(str), [first, second]);
  t.equal(out.error, undefined);
  t.equal(out.keepAlivePings, 2, 'each CRLFCRLF is a ping (RFC 5626 §3.5.1)');
  t.equal(f.bufferedBytes, 0);
});

t.test('a message split at every byte boundary', async (t) => {
  const bytes = b(first + second);
  const wrongSplits: number[] = [];
  for (let cut = 1; cut < bytes.length; cut++) {
    const f = new StreamFramer();
    const got = [...f.push(bytes.subarray(0, cut)).messages, ...f.push(bytes.subarray(cut)).messages].map(str);
    if (got.length !== 2 || got[0] !== first || got[1] !== second) wrongSplits.push(cut);
  }
  t.same(wrongSplits, [], `all ${bytes.length - 1} split points frame both messages`);
});

t.test('one byte at a time', async (t) => {
  const f = new StreamFramer();
  const bytes = b(`${first}\r\n${second}${first}`);
  const got: string[] = [];
  for (let i = 0; i < bytes.length; i++) got.push(...f.push(bytes.subarray(i, i + 1)).messages.map(str));
  t.same(got, [first, second, first]);
});

t.test('messages are copies: later pushes do not change them', async (t) => {
  const f = new StreamFramer();
  const [m] = f.push(b(second)).messages;
  f.push(b('x'.repeat(100)));
  t.equal(str(m!), second);
});

t.test('framing errors (§18.3)', async (t) => {
  const missing = new StreamFramer().push(b(first.replace(/Content-Length: \d+\r\n/, '')));
  t.equal(missing.error, 'missing-content-length');
  t.same(missing.messages, []);
  t.equal(new StreamFramer().push(b(first.replace(/Content-Length: \d+/, 'Content-Length: -1'))).error, 'bad-content-length');
  t.equal(new StreamFramer().push(b(first.replace(/Content-Length: \d+/, 'Content-Length: 5\r\nl: 6'))).error, 'bad-content-length');
  const compact = new StreamFramer().push(b(first.replace(/Content-Length: /, 'l: ')));
  t.equal(compact.messages.length, 1, 'compact l is understood');
  const f = new StreamFramer({ maxMessageBytes: 1024 });
  t.equal(f.push(b('INVITE sip:a@b SIP/2.0\r\n' + 'X: y\r\n'.repeat(300))).error, 'too-large', 'no end of headers within the limit');
  t.equal(f.push(b(second)).error, 'too-large', 'a failed framer stays failed');
  const big = new StreamFramer({ maxMessageBytes: 1024 }).push(b(first.replace(/Content-Length: \d+/, 'Content-Length: 5000')));
  t.equal(big.error, 'too-large', 'declared body beyond the limit');
  const before = new StreamFramer().push(b(`${second}${first.replace(/Content-Length: \d+\r\n/, '')}`));
  t.same([before.messages.map(str), before.error], [[second], 'missing-content-length'], 'messages before the error are delivered');
});

t.test('large stream in many chunks stays linear and drains', async (t) => {
  const f = new StreamFramer();
  const one = b(first);
  let count = 0;
  const stream = Buffer.concat(Array.from({ length: 2000 }, () => one));
  for (let i = 0; i < stream.length; i += 1371) count += f.push(stream.subarray(i, i + 1371)).messages.length;
  t.equal(count, 2000);
  t.equal(f.bufferedBytes, 0);
});
