import t from 'tap';
import { formatSentBy, joinVia, splitVia, withViaParams } from './via-edit';

t.test('splits and rejoins a Via value without touching unknown params', async (t) => {
  const parts = splitVia('SIP / 2.0 / UDP 192.0.2.1:5060 ; branch = z9hG4bK77;rport;x="a;b"');
  t.ok(parts);
  t.same(parts, { protocol: 'SIP/2.0', transport: 'UDP', sentBy: '192.0.2.1:5060', params: ['branch=z9hG4bK77', 'rport', 'x="a;b"'] });
  t.equal(joinVia(parts!), 'SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK77;rport;x="a;b"');
});

t.test('IPv6 sent-by and received survive', async (t) => {
  const parts = splitVia('SIP/2.0/TCP [2001:db8::1]:5070;branch=z9hG4bKa;received=2001:db8::9');
  t.equal(parts?.sentBy, '[2001:db8::1]:5070');
  t.same(parts?.params, ['branch=z9hG4bKa', 'received=2001:db8::9']);
});

t.test('param edits keep place, append new ones, remove undefined', async (t) => {
  const parts = splitVia('SIP/2.0/UDP h;rport;branch=z9hG4bK1;maddr=1.2.3.4')!;
  const edited = withViaParams(parts, [['rport', '5062'], ['received', '10.0.0.1'], ['maddr', undefined], ['RPORT', '5063']]);
  t.equal(joinVia(edited), 'SIP/2.0/UDP h;RPORT=5063;branch=z9hG4bK1;received=10.0.0.1');
  t.equal(joinVia(withViaParams(parts, [['ttl', null]])), 'SIP/2.0/UDP h;rport;branch=z9hG4bK1;maddr=1.2.3.4;ttl');
});

t.test('garbage is refused, not thrown on', async (t) => {
  t.equal(splitVia(''), undefined);
  t.equal(splitVia('SIP/2.0/UDP'), undefined);
  t.equal(splitVia('hello world'), undefined);
  t.equal(formatSentBy('::1', 5060), '[::1]:5060');
  t.equal(formatSentBy('a.example', undefined), 'a.example');
});
