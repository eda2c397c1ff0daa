import t from 'tap';
import { formatVia, isMagicCookieBranch, parseVia } from './via';

t.test('Via values', async (t) => {
  const cases: Array<[string, Record<string, unknown>]> = [
    ['SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds', { transport: 'UDP', host: 'pc33.atlanta.example.com', branch: 'z9hG4bK776asdhds', port: undefined }],
    ['SIP/2.0/tcp 192.0.2.1:5060;rport', { transport: 'TCP', port: 5060, rport: true }],
    ['SIP/2.0/UDP 192.0.2.1:5060;rport=5061;received=192.0.2.9', { rport: 5061, received: '192.0.2.9' }],
    ['SIP/2.0/UDP [2001:db8::10]:5070;branch=z9hG4bKx;received=::1', { host: '2001:db8::10', port: 5070, received: '::1' }],
    ['SIP / 2.0 / UDP  first.example.com: 4000;ttl=16 ;maddr=224.2.0.1 ;branch=z9hG4bKa7c6a8dlze.1', { protocol: 'SIP/2.0', host: 'first.example.com', port: 4000, ttl: 16, maddr: '224.2.0.1' }],
    ['SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKasudf;alias', { transport: 'WSS', branch: 'z9hG4bKasudf' }],
  ];
  for (const [text, want] of cases) {
    const via = parseVia(text);
    t.ok(via, text);
    for (const [k, v] of Object.entries(want)) t.same((via as unknown as Record<string, unknown>)[k], v, `${text}: ${k}`);
  }
  t.equal(parseVia('SIP/2.0/WSS h;branch=z9hG4bKasudf;alias')?.params.get('alias'), null, 'unknown flag kept');
});

t.test('malformed Vias return undefined', async (t) => {
  for (const bad of ['', 'SIP/2.0 host', 'SIP/2.0/UDP', 'SIP/2.0/UDP 192.0.2.15;;', 'SIP/2.0/UDP h;branch', 'SIP/2.0/UDP h;rport=x',
    'SIP/2.0/UDP h:99999', 'SIP/2.0/UDP h;ttl=300', 'SIP/2.0/UDP [::1;branch=z9hG4bK1', 'SIP/2.0/UDP h;received']) {
    t.equal(parseVia(bad), undefined, JSON.stringify(bad));
  }
});

t.test('formatVia: named fields win, params keep order, round-trip', async (t) => {
  const via = parseVia('SIP/2.0/UDP [::1]:5060;branch=z9hG4bK1;rport;x=y')!;
  t.equal(formatVia(via), 'SIP/2.0/UDP [::1]:5060;branch=z9hG4bK1;rport;x=y');
  t.same(parseVia(formatVia(via)), via);
  t.equal(formatVia({ ...via, rport: 4000, received: '10.0.0.1' }), 'SIP/2.0/UDP [::1]:5060;branch=z9hG4bK1;rport=4000;x=y;received=10.0.0.1');
});

t.test('magic cookie', async (t) => {
  t.ok(isMagicCookieBranch('z9hG4bK776asdhds'));
  t.notOk(isMagicCookieBranch('776asdhds'));
  t.notOk(isMagicCookieBranch('Z9HG4BK776'));
  t.notOk(isMagicCookieBranch(undefined));
});
