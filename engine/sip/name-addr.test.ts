import t from 'tap';
import { formatNameAddr, parseNameAddr } from './name-addr';
import type { SipUri } from './types';

t.test('name-addr vs addr-spec parameters (§20.10)', async (t) => {
  const angle = parseNameAddr('<sip:a@b;transport=tcp>;tag=1')!;
  t.equal((angle.uri as SipUri).params.get('transport'), 'tcp');
  t.equal(angle.params.get('tag'), '1');
  const bare = parseNameAddr('sip:a@b;tag=1')!;
  t.equal((bare.uri as SipUri).params.size, 0, 'addr-spec params are header params');
  t.equal(bare.params.get('tag'), '1');
});

t.test('display names', async (t) => {
  const cases: Array<[string, string | undefined]> = [
    ['"Alice" <sip:alice@a.example.com>', 'Alice'],
    ['"Mr. \\"J\\" User" <sip:j@e.com>', 'Mr. "J" User'],
    ['"" <sip:x@y>', ''],
    ['Bob  Smith <sip:bob@b.example.com>', 'Bob Smith'],
    ['<sip:anon@anonymous.invalid>', undefined],
    ['"Bell, Alexander" <sip:a.g.bell@bell-tel.com>;tag=43', 'Bell, Alexander'],
    ['"caller"<sip:caller@example.com>;tag=323', 'caller'],
  ];
  for (const [text, name] of cases) {
    const v = parseNameAddr(text);
    t.ok(v, text);
    t.equal(v?.displayName, name, text);
  }
});

t.test('header params: quoted values kept, flags null, spaces tolerated', async (t) => {
  const v = parseNameAddr('<sip:a@b> ; tag = x ; +sip.instance="<urn:uuid:1>" ; reg-id=1;flag')!;
  t.same([...v.params], [['tag', 'x'], ['+sip.instance', '"<urn:uuid:1>"'], ['reg-id', '1'], ['flag', null]]);
  const spec = parseNameAddr('sip:a@b;+sip.instance="<urn:uuid:2>"')!;
  t.equal(spec.params.get('+sip.instance'), '"<urn:uuid:2>"', 'a < inside a quoted param of an addr-spec is not a name-addr');
});

t.test('malformed name-addrs return undefined', async (t) => {
  for (const bad of ['', '"Mr. J. User <sip:j.user@example.com>', '<sip:a@b', 'Bell, Alexander <sip:a@b>', '<sip:a@b>, <sip:c@d>',
    '<sip:a@b>;', '<sip:a@b>;tag=', 'sip:a@b junk', '<notauri>', 'sip:user@example.com?Route=%3Csip:sip.example.com%3E']) {
    t.equal(parseNameAddr(bad), undefined, JSON.stringify(bad));
  }
});

t.test('a URI with ?headers is only accepted inside <> (RFC 3261 §20, RFC 4475 §3.1.2.13)', async (t) => {
  const v = parseNameAddr('<sip:user@example.com?Route=%3Csip:sip.example.com%3E>');
  t.equal(v?.uri.scheme, 'sip');
  t.same(v && 'headers' in v.uri ? [...v.uri.headers] : undefined, [['Route', '<sip:sip.example.com>']]);
  t.equal(parseNameAddr('sip:user@example.com?Route=x;tag=1'), undefined);
});

t.test('formatNameAddr always brackets and round-trips', async (t) => {
  for (const text of ['"A \\"q\\"" <sip:a@b;lr>;tag=9', 'sip:a@b;tag=1', '<tel:+123;ext=1>;expires=60']) {
    const v = parseNameAddr(text)!;
    t.same(parseNameAddr(formatNameAddr(v)), v, text);
  }
  t.equal(formatNameAddr(parseNameAddr('sip:a@b;tag=1')!), '<sip:a@b>;tag=1');
});
