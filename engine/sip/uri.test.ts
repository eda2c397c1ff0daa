import t from 'tap';
import { formatUri, parseUri } from './uri';
import type { SipUri, TelUri } from './types';

t.test('sip URIs parse into their parts', async (t) => {
  const cases: Array<[string, Partial<SipUri> & { params?: Map<string, string | null> }]> = [
    ['sip:alice@atlanta.example.com', { scheme: 'sip', user: 'alice', host: 'atlanta.example.com', isIpv6: false }],
    ['sips:bob:secret@biloxi.example.com:5061', { scheme: 'sips', user: 'bob', password: 'secret', host: 'biloxi.example.com', port: 5061 }],
    ['sip:[2001:db8::10]:5070', { host: '2001:db8::10', isIpv6: true, port: 5070 }],
    ['sip:%61lice@x', { user: 'alice', host: 'x' }],
    ['sip:192.0.2.1;lr', { host: '192.0.2.1', params: new Map([['lr', null]]) }],
    ['SIP:p1.example.com;Transport=TCP;lr', { scheme: 'sip', params: new Map<string, string | null>([['transport', 'TCP'], ['lr', null]]) }],
    ['sip:user;par=u%40example.net@example.com', { user: 'user;par=u@example.net', host: 'example.com' }],
    ['sip:null-%00-null@example.com', { user: 'null-\u0000-null' }],
    ['sip:%C3%A9t%C3%A9@example.com', { user: 'été' }],
  ];
  for (const [text, want] of cases) {
    const uri = parseUri(text) as SipUri | undefined;
    t.ok(uri, `${text} parses`);
    if (uri === undefined) continue;
    for (const [k, v] of Object.entries(want)) t.same((uri as unknown as Record<string, unknown>)[k], v, `${text} ${k}`);
  }
});

t.test('URI ?headers are unescaped and kept by name', async (t) => {
  const uri = parseUri('sip:bob@example.com?Subject=hi%20there&Priority=urgent') as SipUri;
  t.same([...uri.headers], [['Subject', 'hi there'], ['Priority', 'urgent']]);
  t.equal(formatUri(uri), 'sip:bob@example.com?Subject=hi%20there&Priority=urgent');
});

t.test('tel and other schemes', async (t) => {
  const tel = parseUri('tel:+1-201-555-0123;ext=1234;phone-context=example.com') as TelUri;
  t.equal(tel.scheme, 'tel');
  t.equal(tel.number, '+1-201-555-0123');
  t.equal(tel.params.get('ext'), '1234');
  t.equal(formatUri(tel), 'tel:+1-201-555-0123;ext=1234;phone-context=example.com');
  t.same(parseUri('http://example.com/a?b=c'), { scheme: 'http', text: 'http://example.com/a?b=c' });
  t.same(parseUri('urn:service:sos'), { scheme: 'urn', text: 'urn:service:sos' });
});

t.test('malformed URIs return undefined', async (t) => {
  for (const bad of ['', 'sip:', 'nocolon', '1sip:a@b', 'sip:@host', 'sip:a@', 'sip:a@b:99999', 'sip:a@b:x', 'sip:[::1', 'sip:a b@c',
    'sip:%zz@x', 'sip:a@b%', '<sip:a@b>', 'sip:a@[zz::1]', 'sip:a@b;=x', 'sip:a@b?noequals', 'tel:', 'http:']) {
    t.equal(parseUri(bad), undefined, JSON.stringify(bad));
  }
});

t.test('formatUri escapes what §25.1 does not allow and round-trips', async (t) => {
  const uri: SipUri = {
    scheme: 'sip', user: 'a b@c:d', password: 'p@ss', host: '::1', isIpv6: true, port: 5060,
    params: new Map<string, string | null>([['lr', null], ['x', 'a;b']]), headers: new Map([['h', 'v&w']]),
  };
  const text = formatUri(uri);
  t.equal(text, 'sip:a%20b%40c%3Ad:p%40ss@[::1]:5060;lr;x=a%3Bb?h=v%26w');
  t.same(parseUri(text), uri);
});
