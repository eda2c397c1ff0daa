import t from 'tap';
import { parseMessage } from './parse-message';
import { serializeMessage } from './serialize';
import { createRequest, createResponseMessage } from './create-message';
import { SipBuildError as SipBuildErrorClass } from './build-error';
import { invite, response } from './test-messages';
import type { SipMessage, SipRequest } from './message';
import type { SipUri } from './types';

function parse(text: string): SipMessage {
  const r = parseMessage(text);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.reason}`);
  return r.message;
}
const text = (m: SipMessage) => Buffer.from(serializeMessage(m)).toString();

t.test('typed accessors of optional headers', async (t) => {
  const m = parse(invite([
    'Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>',
    'Route: <sip:p3.example.com;lr>',
    'Record-Route: <sip:rr.example.com;lr>',
    'Content-Type: application/sdp;charset=utf-8',
    'Require: 100rel',
    'Supported: timer, 100rel',
    'k: replaces',
    'Allow: INVITE,ACK, BYE',
    'Proxy-Require: foo',
    'RSeq: 988789',
    'RAck: 776656 1 INVITE',
    'Refer-To: <sip:carol@c.example.com?Replaces=abc%3Bto-tag%3D1%3Bfrom-tag%3D2>',
    'Referred-By: <sip:alice@a.example.com>',
    'Replaces: 425928@bobster.example.org;to-tag=7743;from-tag=6472',
    'Event: dialog;id=1',
    'Subscription-State: active;expires=3600',
    'Session-Expires: 1800;refresher=uac',
    'Min-SE: 90',
    'Reason: SIP;cause=200;text="done", Q.850;cause=16',
    'Retry-After: 120 (busy);duration=60',
    'WWW-Authenticate: Digest realm="a", nonce="1"',
    'WWW-Authenticate: Digest realm="b", nonce="2", algorithm=SHA-256',
    'Proxy-Authenticate: Digest realm="p", nonce="3"',
    'Authorization: Digest username="u", realm="a", nonce="1", uri="sip:b", response="x"',
    'Proxy-Authorization: Digest username="u", realm="p", nonce="3", uri="sip:b", response="y"',
  ]));
  t.same(m.routes.map((r) => (r.uri as SipUri).host), ['p1.example.com', 'p2.example.com', 'p3.example.com']);
  t.equal(m.recordRoutes.length, 1);
  t.equal(m.contentType?.params.get('charset'), 'utf-8');
  t.same(m.require, ['100rel']);
  t.same(m.supported, ['timer', '100rel', 'replaces'], 'compact k joins Supported');
  t.same(m.allow, ['INVITE', 'ACK', 'BYE']);
  t.same(m.proxyRequire, ['foo']);
  t.equal(m.rseq, 988789);
  t.same(m.rack, { rseq: 776656, cseq: 1, method: 'INVITE' });
  t.equal((m.referTo?.uri as SipUri | undefined)?.headers.get('Replaces'), 'abc;to-tag=1;from-tag=2');
  t.ok(m.referredBy);
  t.equal(m.replaces?.toTag, '7743');
  t.equal(m.event?.value, 'dialog');
  t.equal(m.subscriptionState?.params.get('expires'), '3600');
  t.equal(m.sessionExpires?.value, '1800');
  t.equal(m.minSe, 90);
  t.same(m.reasons.map((r) => [r.protocol, r.cause]), [['SIP', 200], ['Q.850', 16]]);
  t.equal(m.retryAfter?.value, '120');
  t.same(m.wwwAuthenticate.map((a) => a.params.get('realm')), ['a', 'b'], 'one challenge per line, commas not split');
  t.equal(m.proxyAuthenticate.length, 1);
  t.equal(m.authorization[0]?.params.get('username'), 'u');
  t.equal(m.proxyAuthorization[0]?.params.get('response'), 'y');
  t.equal(m.routes, m.routes, 'lazy values are cached');
});

t.test('absent or malformed optional headers read as undefined or empty', async (t) => {
  const m = parse(invite(['RSeq: zero', 'Contact: <sip:broken', 'Event: ;x']).replace(/Contact: <sip:alice[^\r]*\r\n/, ''));
  t.equal(m.rseq, undefined);
  t.equal(m.contact, undefined);
  t.equal(m.event, undefined);
  t.same(m.routes, []);
  t.same(m.reasons, []);
  t.equal(m.replaces, undefined);
  t.same(m.wwwAuthenticate, []);
  const star = parse(invite(['Contact: *']).replace(/Contact: <sip:alice[^\r]*\r\n/, ''));
  t.same(star.contact, { star: true });
});

t.test('header lookup: long or compact, case-insensitive, lists split', async (t) => {
  const m = parse(invite(['v: SIP/2.0/TCP second.example.com;branch=z9hG4bK2, SIP/2.0/UDP third.example.com;branch=z9hG4bK3']));
  t.equal(m.header('CALL-ID'), m.header('i'));
  t.equal(m.headerValues('Via').length, 3);
  t.equal(m.vias.length, 3);
  t.ok(m.hasHeader('max-forwards'));
  t.notOk(m.hasHeader('subject'));
  t.equal(m.header('subject'), undefined);
});

t.test('derivations return new messages and leave the receiver alone', async (t) => {
  const original = parse(invite()) as SipRequest;
  const before = text(original);
  const added = original.withHeader('X-A', '1').withHeader('Via', 'SIP/2.0/UDP proxy.example.com;branch=z9hG4bKp', 'prepend');
  t.equal(added.topVia.host, 'proxy.example.com', 'prepend puts the Via on top');
  t.equal(added.header('x-a'), '1');
  t.equal(text(original), before, 'receiver unchanged');
  t.equal(added.headers[2], original.headers[1], 'unchanged lines are shared');
  const stripped = added.withoutTopVia();
  t.equal(stripped.topVia.host, 'pc33.atlanta.example.com');
  t.equal(original.withHeaderValues('Allow', ['INVITE', 'BYE']).headerValues('allow').length, 2);
  t.notOk(original.withoutHeader('contact').hasHeader('m'));
  const body = new Uint8Array(Buffer.from('hello'));
  const withBody = original.withBody(body, 'text/plain');
  t.equal(withBody.contentType?.value, 'text/plain');
  t.equal(withBody.header('content-length'), '5');
  t.match(text(withBody), /Content-Length: 5\r\n[^]*\r\n\r\nhello$/);
  t.notOk(withBody.withBody(new Uint8Array(0)).hasHeader('content-type'), 'an empty body drops Content-Type');
  t.equal(original.withUri('sip:carol@c.example.com').uriText, 'sip:carol@c.example.com');
  t.equal(original.withMethod('OPTIONS').method, 'OPTIONS');
  const multiVia = parse(invite(['Via: SIP/2.0/UDP a.example.com;branch=z9hG4bKa, SIP/2.0/UDP b.example.com;branch=z9hG4bKb']));
  t.same(multiVia.withoutTopVia().withoutTopVia().vias.map((v) => v.host), ['b.example.com'], 'one value of a multi-value line');
});

t.test('derivations that break a mandatory header throw SipBuildError', async (t) => {
  t.throws(() => (parse(invite()) as SipRequest).withoutHeader('cseq'), SipBuildErrorClass);
  const m = parse(invite()) as SipRequest;
  t.throws(() => m.withoutHeader('call-id'), { name: 'SipBuildError', code: 'missing-header' });
  t.throws(() => m.withHeaderValues('From', ['not a uri']), { name: 'SipBuildError', code: 'bad-from' });
  t.throws(() => m.withoutTopVia(), { name: 'SipBuildError', code: 'missing-header' });
  t.throws(() => m.withHeader('X-Bad', 'a\r\nInjected: yes'), { name: 'SipBuildError', code: 'bad-header' });
  t.throws(() => m.withHeader('Bad Name', 'x'), { name: 'SipBuildError', code: 'bad-header' });
  t.throws(() => m.withUri('sip:a@b?Route=x'), { name: 'SipBuildError', code: 'bad-uri' });
  t.throws(() => m.withUri('not a uri'), { name: 'SipBuildError', code: 'bad-uri' });
  t.throws(() => m.withMethod('IN VITE'), { name: 'SipBuildError', code: 'bad-method' });
});

t.test('createRequest / createResponseMessage validate what code passes', async (t) => {
  const headers: Array<[string, string]> = [
    ['Via', 'SIP/2.0/UDP 0.0.0.0;branch=z9hG4bK1;rport'], ['Max-Forwards', '70'], ['From', '<sip:a@a.example.com>;tag=1'],
    ['To', '<sip:b@b.example.com>'], ['Call-ID', 'c1'], ['CSeq', '1 OPTIONS'], ['Content-Length', '99'],
  ];
  const req = createRequest({ method: 'OPTIONS', uri: 'sip:b@b.example.com', headers });
  t.equal(req.header('content-length'), '0', 'Content-Length follows the body');
  t.match(text(req), /^OPTIONS sip:b@b.example.com SIP\/2.0\r\nVia: /);
  const reparsed = parseMessage(serializeMessage(req));
  t.ok(reparsed.ok);
  t.throws(() => createRequest({ method: 'INVITE', uri: 'sip:b@b', headers }), { name: 'SipBuildError', code: 'cseq-method-mismatch' });
  t.throws(() => createRequest({ method: 'OPTIONS', uri: 'sip:b@b', headers: headers.slice(1) }), { name: 'SipBuildError', code: 'missing-header' });
  t.throws(() => createRequest({ method: 'OPTIONS', uri: '<sip:b@b>', headers }), { name: 'SipBuildError', code: 'bad-uri' });
  const resp = createResponseMessage({ status: 200, reason: 'OK', headers: headers.slice(0, 6), body: new Uint8Array(Buffer.from('x')) });
  t.match(text(resp), /^SIP\/2.0 200 OK\r\n[^]*Content-Length: 1\r\n\r\nx$/);
  t.throws(() => createResponseMessage({ status: 99, reason: 'x', headers }), { name: 'SipBuildError', code: 'bad-status' });
  t.throws(() => createResponseMessage({ status: 200, reason: 'a\nb', headers }), { name: 'SipBuildError', code: 'bad-reason' });
});

t.test('serialize recomputes Content-Length and keeps names as stored', async (t) => {
  const m = parse(response('200 OK', ['l: 0', 'c: application/sdp']).replace('Content-Length: 0\r\n', ''));
  const s = text(m.withBody(new Uint8Array(Buffer.from('v=0\r\n'))));
  t.match(s, /\r\nl: 5\r\n/);
  t.match(s, /\r\nc: application\/sdp\r\n/);
  t.notMatch(s, /Content-Length/);
  const added = parse(invite([], 'abc').replace('Content-Length: 3\r\n', '').replace('\r\n\r\nabc', '\r\n\r\nabc'));
  t.match(text(added), /\r\nContent-Length: 3\r\n\r\nabc$/, 'added when absent');
  t.equal(serializeMessage(added), serializeMessage(added), 'cached');
});
