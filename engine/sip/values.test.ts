import t from 'tap';
import { parseAuth, formatAuth } from './auth';
import { contactExpires, parseContactValues } from './contact';
import { parseCSeq, parseRAck, parseRSeq } from './cseq';
import { canonicalHeaderName, headerKey, isListHeader } from './header-names';
import { parseParams } from './params';
import { formatReason, parseReason } from './reason';
import { formatReplaces, parseReplaces } from './replaces';
import { splitHeaderList } from './split-header-list';
import { parseValueWithParams } from './value-with-params';

t.test('splitHeaderList respects quotes and <>', async (t) => {
  const cases: Array<[string, string[]]> = [
    ['INVITE, ACK,CANCEL', ['INVITE', 'ACK', 'CANCEL']],
    ['"Bell, A" <sip:a@b>, <sip:c@d;x=1,2>', ['"Bell, A" <sip:a@b>', '<sip:c@d;x=1,2>']],
    ['<sip:a@b>;expires="Sat, 01 Jan 2000", sip:c@d', ['<sip:a@b>;expires="Sat, 01 Jan 2000"', 'sip:c@d']],
    ['"a\\", b", c', ['"a\\", b"', 'c']],
    ['one', ['one']],
    [' , ,x,, ', ['x']],
    ['', []],
  ];
  for (const [text, want] of cases) t.same(splitHeaderList(text), want, text);
});

t.test('header names: compact forms, case, lists', async (t) => {
  const pairs: Array<[string, string]> = [['v', 'via'], ['VIA', 'via'], ['i', 'call-id'], ['m', 'contact'], ['e', 'content-encoding'],
    ['l', 'content-length'], ['c', 'content-type'], ['f', 'from'], ['s', 'subject'], ['k', 'supported'], ['t', 'to'], ['r', 'refer-to'],
    ['b', 'referred-by'], ['o', 'event'], ['u', 'allow-events'], ['x', 'session-expires'], ['a', 'accept-contact'], ['j', 'reject-contact'],
    ['d', 'request-disposition'], ['y', 'identity'], ['n', 'identity-info'], ['X-Custom', 'x-custom'], ['q', 'q']];
  for (const [name, key] of pairs) t.equal(headerKey(name), key, name);
  t.equal(canonicalHeaderName('call-id'), 'Call-ID');
  t.equal(canonicalHeaderName('www-authenticate'), 'WWW-Authenticate');
  t.equal(canonicalHeaderName('x-foo-bar'), 'X-Foo-Bar');
  t.ok(isListHeader('route'));
  t.notOk(isListHeader('www-authenticate'));
  t.notOk(isListHeader('date'));
});

t.test('params', async (t) => {
  t.same([...parseParams(';a=1;B;c="x;y"', 0)!], [['a', '1'], ['b', null], ['c', '"x;y"']]);
  for (const bad of [';', ';;a', ';a=', ';a="x', 'a=1', ';a=1 junk']) t.equal(parseParams(bad, 0), undefined, bad);
});

t.test('CSeq, RSeq, RAck', async (t) => {
  t.same(parseCSeq('4711 INVITE'), { seq: 4711, method: 'INVITE' });
  t.same(parseCSeq('  1\t  ACK '), { seq: 1, method: 'ACK' });
  t.same(parseCSeq('2147483647 BYE'), { seq: 2147483647, method: 'BYE' });
  for (const bad of ['2147483648 INVITE', '36893488147419103232 INVITE', 'INVITE', '1', '-1 INVITE', '1 IN VITE', '1 INV<ITE']) {
    t.equal(parseCSeq(bad), undefined, bad);
  }
  t.equal(parseRSeq('988789'), 988789);
  t.equal(parseRSeq('0'), undefined);
  t.same(parseRAck('776656 1 INVITE'), { rseq: 776656, cseq: 1, method: 'INVITE' });
  t.equal(parseRAck('776656 INVITE'), undefined);
});

t.test('Digest challenges and credentials', async (t) => {
  const ch = parseAuth('Digest realm="atlanta.example.com", qop="auth,auth-int", nonce="ea9c8e88df84f1cec4341ae6cbe5a359", opaque="", stale=FALSE, algorithm=MD5')!;
  t.equal(ch.scheme, 'Digest');
  t.equal(ch.params.get('realm'), 'atlanta.example.com');
  t.equal(ch.params.get('qop'), 'auth,auth-int');
  t.equal(ch.params.get('opaque'), '');
  t.equal(ch.params.get('algorithm'), 'MD5');
  t.same(parseAuth(formatAuth(ch)), ch, 'challenge round-trips');
  const cred = parseAuth('Digest username="bob", realm="r", uri="sip:b@c", response="abc", nc=00000001, qop=auth, cnonce="x\\"y"')!;
  t.equal(cred.params.get('cnonce'), 'x"y');
  t.match(formatAuth(cred, 'credentials'), /nc=00000001, qop=auth/);
  t.same(parseAuth('Basic dXNlcjpwYXNz'), { scheme: 'Basic', params: new Map([['', 'dXNlcjpwYXNz']]) });
  for (const bad of ['', 'Digest realm="x', 'Digest realm=', 'Digest realm="x" nonce="y"']) t.equal(parseAuth(bad), undefined, bad);
});

t.test('Reason (RFC 3326)', async (t) => {
  const r = parseReason('SIP ;cause=200 ;text="Call completed elsewhere"')!;
  t.same({ protocol: r.protocol, cause: r.cause, text: r.text }, { protocol: 'SIP', cause: 200, text: 'Call completed elsewhere' });
  t.same(parseReason(formatReason(r)), r);
  t.equal(parseReason('Q.850;cause=abc'), undefined);
  t.equal(parseReason(''), undefined);
});

t.test('Replaces (RFC 3891)', async (t) => {
  const r = parseReplaces('425928@bobster.example.org;to-tag=7743;from-tag=6472;early-only')!;
  t.same({ callId: r.callId, toTag: r.toTag, fromTag: r.fromTag, earlyOnly: r.earlyOnly },
    { callId: '425928@bobster.example.org', toTag: '7743', fromTag: '6472', earlyOnly: true });
  t.same(parseReplaces(formatReplaces(r)), r);
  t.equal(parseReplaces('abc;to-tag=1'), undefined, 'from-tag is mandatory');
  t.equal(parseReplaces('abc'), undefined);
});

t.test('value with params and Contact', async (t) => {
  t.same(parseValueWithParams('application/sdp'), { value: 'application/sdp', params: new Map() });
  const se = parseValueWithParams('1800;refresher=uac')!;
  t.equal(se.params.get('refresher'), 'uac');
  t.equal(parseValueWithParams('120 (I am on vacation);duration=3600')?.value, '120');
  t.equal(parseValueWithParams(';x'), undefined);
  t.same(parseContactValues(['*']), { star: true });
  const c = parseContactValues(['<sip:a@b>;expires=3600;q=0.7', 'sip:c@d'])!;
  t.equal(c.star, false);
  if (!c.star) {
    t.equal(c.contacts.length, 2);
    t.equal(contactExpires(c.contacts[0]!), 3600);
    t.equal(contactExpires(c.contacts[1]!), undefined);
  }
  t.equal(parseContactValues(['<sip:a@b>', '*']), undefined, '* cannot mix with addresses');
  const huge = parseContactValues(['<sip:a@b>;expires=280297596632815'])!;
  t.equal(huge.star ? 0 : contactExpires(huge.contacts[0]!), undefined, 'overlarge expires is rejected (RFC 4475 scalar02)');
});
