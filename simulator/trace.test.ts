/** Tests of the trace: line format, digest sensitivity, bounded memory. */
import t from 'tap';
import { Trace, firstLine, formatEntry } from './trace';

const entry = (i: number) => ({ timeMs: i, kind: 'note' as const, summary: `n${i}` });

t.test('keeps the last maxEntries in order while the digest covers everything', async (t) => {
  const small = new Trace({ maxEntries: 3 });
  const big = new Trace();
  for (let i = 0; i < 10; i++) {
    small.record(entry(i));
    big.record(entry(i));
  }
  t.same(small.entries().map((e) => e.summary), ['n7', 'n8', 'n9']);
  t.equal(small.count, 10);
  t.equal(small.digest(), big.digest(), 'the digest does not depend on how much is kept');
  t.equal(small.format(2).split('\n').length, 2);
});

t.test('the digest changes with any field or payload byte', async (t) => {
  const base = new Trace();
  base.record({ timeMs: 1, kind: 'deliver', protocol: 'udp', from: 'a', to: 'b', sizeBytes: 3, summary: 'abc' }, new Uint8Array([1, 2, 3]));
  const other = new Trace();
  other.record({ timeMs: 1, kind: 'deliver', protocol: 'udp', from: 'a', to: 'b', sizeBytes: 3, summary: 'abc' }, new Uint8Array([1, 2, 4]));
  t.not(base.digest(), other.digest());
  const d = base.digest();
  t.equal(base.digest(), d, 'digest() does not consume the running hash');
});

t.test('firstLine stops at CR/LF, masks control bytes and caps length', async (t) => {
  t.equal(firstLine(new TextEncoder().encode('INVITE sip:b@x SIP/2.0\r\nVia: x\r\n')), 'INVITE sip:b@x SIP/2.0');
  t.equal(firstLine(new Uint8Array([65, 0, 66])), 'A.B');
  t.equal(firstLine(new TextEncoder().encode('x'.repeat(500))).length, 120);
  t.match(formatEntry({ timeMs: 1.5, kind: 'drop', reason: 'loss', summary: 's' }), /^\s+1\.500 drop\s+\[loss\] "s"$/);
});
