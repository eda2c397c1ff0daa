import t from 'tap';
import { parseMessage } from './parse-message';
import { createBadRequestResponse } from './bad-request';
import { serializeMessage } from './serialize';
import { INVITE_HEADERS, SDP, invite, response, wire } from './test-messages';
import type { SipRequest, SipResponse } from './message';

function ok(t: { fail: (message: string) => unknown }, text: string | Uint8Array) {
  const r = parseMessage(text);
  if (!r.ok) t.fail(`unexpected ${r.error.code}: ${r.error.reason}`);
  return r.ok ? r.message : undefined;
}
function errorCode(text: string | Uint8Array, limits?: Parameters<typeof parseMessage>[1]): string | undefined {
  const r = parseMessage(text, limits);
  return r.ok ? undefined : r.error.code;
}

t.test('a request with SDP parses; mandatory headers are typed', async (t) => {
  const m = ok(t, invite(['Content-Type: application/sdp'], SDP)) as SipRequest;
  t.equal(m.kind, 'request');
  t.equal(m.method, 'INVITE');
  t.equal(m.uriText, 'sip:bob@biloxi.example.com');
  t.equal(m.topVia.branch, 'z9hG4bK776asdhds');
  t.equal(m.fromTag, '1928301774');
  t.equal(m.toTag, undefined);
  t.equal(m.callId, 'a84b4c76e66710@pc33.atlanta.example.com');
  t.same(m.cseq, { seq: 314159, method: 'INVITE' });
  t.equal(Buffer.from(m.body).toString(), SDP);
  t.equal(m.contentLength, Buffer.byteLength(SDP));
  t.equal(m.maxForwards, 70);
});

t.test('a response parses with every Via', async (t) => {
  const m = ok(t, response('180 Ringing')) as SipResponse;
  t.equal(m.status, 180);
  t.equal(m.reason, 'Ringing');
  t.equal(m.vias.length, 2);
  t.equal(m.vias[1]!.received, '192.0.2.1');
  t.equal(m.toTag, 'a6c85cf');
  const utf8 = ok(t, response('200 Ça marche')) as SipResponse;
  t.equal(utf8.reason, 'Ça marche');
  const empty = ok(t, response('100 ')) as SipResponse;
  t.equal(empty.reason, '', 'empty reason phrase is valid (RFC 4475 noreason)');
});

t.test('folding, compact forms, case, whitespace (RFC 4475 wsinv-like)', async (t) => {
  const text = wire('INVITE sip:vivekg@chair-dnrc.example.com;unknownparam SIP/2.0', [
    'TO :',
    ' sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n',
    'from   : "J Rosenberg \\\\\\""       <sip:jdrosen@example.com>',
    '  ;',
    '  tag = 98asjd8',
    'MaX-fOrWaRdS: 0068',
    'Call-ID: wsinv.ndaksdj@192.0.2.1',
    'cseq: 0009',
    '  INVITE',
    'Via  : SIP  /   2.0',
    ' /UDP',
    '    192.0.2.2;rport;branch=390skdjuw',
    's :',
    'NewFangledHeader:   newfangled value',
    ' continued newfangled value',
    'UnknownHeaderWithUnusualValue: ;;,,;;,;',
    'v:  SIP  / 2.0  / TCP     spindle.example.com   ;',
    '  branch  =   z9hG4bK9ikj8  ,',
    ' SIP  /    2.0   / UDP  192.168.255.111   ; branch=',
    ' z9hG4bK30239',
    'm:"Quoted string \\"\\"" <sip:jdrosen@example.com> ; newparam =',
    '      newvalue ;',
    '  secondparam ; q = 0.33',
  ], '', 0);
  const m = ok(t, text) as SipRequest;
  t.equal(m.toTag, '1918181833n');
  t.equal(m.from.displayName, 'J Rosenberg \\"');
  t.equal(m.fromTag, '98asjd8');
  t.same(m.cseq, { seq: 9, method: 'INVITE' });
  t.equal(m.topVia.host, '192.0.2.2');
  t.equal(m.topVia.rport, true);
  t.equal(m.vias.length, 3);
  t.equal(m.vias[2]!.branch, 'z9hG4bK30239');
  t.equal(m.header('newfangledheader'), 'newfangled value continued newfangled value');
  t.equal(m.header('subject'), '', 'compact s with an empty value');
  t.equal(m.maxForwards, 68);
  const contact = m.contact;
  t.ok(contact && !contact.star && contact.contacts[0]!.params.get('q') === '0.33');
  t.equal(m.headers.find((h) => h.key === 'contact')?.name, 'm', 'names stay as written');
});

t.test('leading CRLFs are skipped; bare LF line endings tolerated; missing blank line at datagram end tolerated', async (t) => {
  t.ok(ok(t, `\r\n\r\n${invite()}`));
  t.ok(ok(t, invite().replace(/\r\n/g, '\n')));
  const noBlank = invite().replace(/\r\n\r\n$/, '\r\n');
  t.ok(ok(t, noBlank));
  t.equal(errorCode(invite().replace(/\r\n\r\n$/, '')), 'no-empty-line');
});

t.test('datagram body framing (§18.3)', async (t) => {
  const extra = ok(t, `${invite([], 'abc')}TRAILING`)!;
  t.equal(Buffer.from(extra.body).toString(), 'abc', 'bytes beyond Content-Length are discarded');
  t.equal(errorCode(invite([], 'abc').replace('Content-Length: 3', 'Content-Length: 9999')), 'truncated-body');
  const noLength = ok(t, wire('MESSAGE sip:a@b SIP/2.0', INVITE_HEADERS.map((h) => h.replace('INVITE', 'MESSAGE')), 'hello', 'omit'))!;
  t.equal(Buffer.from(noLength.body).toString(), 'hello', 'no Content-Length on a datagram: the rest is body');
  t.equal(errorCode(invite().replace('Content-Length: 0', 'Content-Length: -999')), 'bad-content-length', 'RFC 4475 ncl');
  t.equal(errorCode(invite().replace('Content-Length: 0', 'Content-Length: 0\r\nContent-Length: 5')), 'bad-content-length', 'RFC 4475 mcl01');
  t.equal(errorCode(invite().replace('Content-Length: 0', 'Content-Length: 1a')), 'bad-content-length');
});

t.test('invalid start lines (RFC 4475 §3.1.2)', async (t) => {
  const cases: Array<[string, string]> = [
    ['INVITE <sip:bob@biloxi.example.com> SIP/2.0', 'bad-uri'],
    ['INVITE sip:user@example.com; lr SIP/2.0', 'bad-start-line'],
    ['INVITE  sip:bob@biloxi.example.com  SIP/2.0', 'bad-start-line'],
    ['INVITE sip:bob@biloxi.example.com SIP/2.0 ', 'bad-start-line'],
    ['INVITE sip:user@example.com?Route=%3Csip:example.com%3E SIP/2.0', 'bad-uri'],
    ['INVITE sip:bob@biloxi.example.com SIP/7.0', 'bad-version'],
    ['INVITE sip:bob@biloxi.example.com SIP/2', 'bad-start-line'],
    ['IN<VITE sip:bob@biloxi.example.com SIP/2.0', 'bad-method'],
    ['garbage', 'bad-start-line'],
  ];
  for (const [line, code] of cases) {
    t.equal(errorCode(wire(line, INVITE_HEADERS)), code, line);
  }
  t.equal(errorCode(response('4294967301 Better Late Than Never')), 'bad-status', 'RFC 4475 bigcode');
  t.equal(errorCode(response('2000 OK')), 'bad-status');
  t.equal(errorCode(response('200OK')), 'bad-status');
  t.equal(errorCode(wire('SIP/7.0 200 OK', INVITE_HEADERS)), 'bad-version');
  const unknownScheme = ok(t, wire('OPTIONS nobodyKnowsThisScheme:totallyopaquecontent SIP/2.0', INVITE_HEADERS.map((h) => h.replace('INVITE', 'OPTIONS'))));
  t.equal((unknownScheme as SipRequest).uri.scheme, 'nobodyknowsthisscheme', 'unknown schemes are kept (RFC 4475 unkscm)');
  const intmeth = ok(t, wire('!interesting-Method0123456789_*+`.%indeed\'~ sip:1_unusual.URI~(to-be!sure)&isn\'t+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn\'t-it)@example.com SIP/2.0',
    INVITE_HEADERS.map((h) => h.replace('CSeq: 314159 INVITE', 'CSeq: 139122385 !interesting-Method0123456789_*+`.%indeed\'~'))));
  t.ok(intmeth, 'unusual method tokens and URI characters (RFC 4475 intmeth)');
});

t.test('invalid headers', async (t) => {
  const replace = (from: string, to: string) => errorCode(invite().replace(from, to));
  t.equal(replace('CSeq: 314159 INVITE', 'CSeq: 314159 ACK'), 'cseq-method-mismatch', 'RFC 4475 mismatch01');
  t.equal(replace('CSeq: 314159 INVITE', 'CSeq: 36893488147419103232 INVITE'), 'bad-cseq', 'RFC 4475 scalar02');
  t.equal(replace('Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n', ''), 'missing-header');
  t.equal(replace('To: Bob <sip:bob@biloxi.example.com>', 'To: "Mr. J. User <sip:j.user@example.com>'), 'bad-to', 'RFC 4475 quotbal');
  t.equal(replace('From: Alice', 'From: Bell, Alexander'), 'bad-from', 'RFC 4475 baddn');
  t.equal(replace('Max-Forwards: 70', 'To: <sip:x@y>'), 'duplicate-header', 'RFC 4475 multi01');
  t.equal(replace('Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds', 'Via: SIP/2.0/UDP 192.0.2.15;;,;,,'), 'bad-via', 'RFC 4475 badinv01');
  t.equal(replace('Max-Forwards: 70', 'Max Forwards: 70'), 'bad-header');
  t.equal(replace('Max-Forwards: 70', 'NoColonHere'), 'bad-header');
  const mf = ok(t, invite().replace('Max-Forwards: 70', 'Max-Forwards: 300'))!;
  t.equal(mf.maxForwards, undefined, 'an out-of-range Max-Forwards reads as absent');
});

t.test('limits', async (t) => {
  const big = invite([`X-Big: ${'a'.repeat(70000)}`]);
  t.equal(errorCode(big), 'too-large');
  t.equal(errorCode(invite([`X-Long: ${'a'.repeat(9000)}`])), 'line-too-long');
  t.equal(errorCode(invite(['X-Folded: a', ` ${'b'.repeat(5000)}`, ` ${'c'.repeat(5000)}`])), 'line-too-long', 'limit applies after unfolding');
  const many = Array.from({ length: 300 }, (_, i) => `X-H${i}: ${i}`);
  t.equal(errorCode(invite(many)), 'too-many-headers');
  t.equal(errorCode(invite(many.slice(0, 10)), { maxHeaderCount: 10 }), 'too-many-headers');
  t.equal(errorCode(invite(many.slice(0, 5)), { maxHeaderCount: 20 }), undefined);
  t.equal(errorCode(''), 'empty');
  t.equal(errorCode('\r\n\r\n'), 'empty');
});

t.test('errors tell whether a 400 can be sent; createBadRequestResponse builds it', async (t) => {
  const r = parseMessage(invite().replace('CSeq: 314159 INVITE', 'CSeq: 314159 BYE'));
  t.equal(r.ok, false);
  if (r.ok) return;
  t.equal(r.error.canReply, true);
  t.equal(r.error.isRequest, true);
  t.same(r.error.replyContext?.vias, ['SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds']);
  const bytes = createBadRequestResponse(r.error)!;
  const reply = parseMessage(bytes);
  t.ok(reply.ok, 'the 400 itself parses');
  if (reply.ok && reply.message.kind === 'response') {
    t.equal(reply.message.status, 400);
    t.match(reply.message.reason, /CSeq method BYE/);
    t.ok(reply.message.toTag, 'a To tag is added');
    t.equal(reply.message.callId, 'a84b4c76e66710@pc33.atlanta.example.com');
    t.equal(reply.message.cseq.method, 'BYE', 'CSeq copied as received');
  }
  const again = createBadRequestResponse(r.error)!;
  t.same(Buffer.from(again), Buffer.from(bytes), 'same bad request, same answer');
  const version = parseMessage(wire('INVITE sip:a@b SIP/7.0', INVITE_HEADERS));
  t.equal(!version.ok && parseMessage(createBadRequestResponse(version.error)!).ok, true);
  if (!version.ok) t.match(Buffer.from(createBadRequestResponse(version.error)!).toString(), /^SIP\/2.0 505 /);
  // RFC 4475 §3.3.1: a parseable top Via and CSeq are enough for a 400, which copies only the lines that exist.
  const noCallId = parseMessage(invite().replace('Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n', '').replace(/\r\nTo: [^\r]*/, ''));
  t.equal(!noCallId.ok && noCallId.error.canReply, true, 'no Call-ID or To, Via and CSeq intact: 400');
  const partial = !noCallId.ok ? Buffer.from(createBadRequestResponse(noCallId.error)!).toString() : '';
  t.match(partial, /^SIP\/2.0 400 [^]*\r\nVia: SIP\/2.0\/UDP pc33[^]*\r\nFrom: [^]*\r\nCSeq: 314159 INVITE\r\n/);
  t.notMatch(partial, /\r\n(To|Call-ID):/, 'no To or Call-ID is invented');
  const noCSeq = parseMessage(invite().replace('Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n', '').replace(/\r\nCSeq: [^\r]*/, ''));
  t.equal(!noCSeq.ok && noCSeq.error.canReply, false, 'no Call-ID and no CSeq, no 400');
  t.equal(!noCSeq.ok ? createBadRequestResponse(noCSeq.error) : 'x', undefined);
  const badVia = parseMessage(invite().replace('Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n', '').replace('Via: SIP/2.0/UDP', 'Via: SIP/2.0/UDP ;;'));
  t.equal(!badVia.ok && badVia.error.canReply, false, 'a line missing and the top Via unparseable, no 400');
  const badResponse = parseMessage(response('200 OK', ['CSeq: 1 INVITE']));
  t.same(!badResponse.ok && [badResponse.error.isRequest, badResponse.error.canReply], [false, false], 'responses are never answered');
});

t.test('canonical input is reused as wire bytes; other input is re-serialized canonically', async (t) => {
  const text = invite(['Content-Type: application/sdp'], SDP);
  const m = ok(t, Buffer.from(text))!;
  t.equal(Buffer.from(serializeMessage(m)).toString(), text);
  const messy = ok(t, text.replace('Max-Forwards: 70', 'Max-Forwards :   70').replace('Content-Length: ', 'l: 0'))!;
  t.match(Buffer.from(serializeMessage(messy)).toString(), /\r\nMax-Forwards: 70\r\n[^]*\r\nl: \d+\r\n\r\n/);
});

t.test('the parser never throws on hostile bytes', async (t) => {
  const inputs: Array<string | Uint8Array> = ['\u0000', 'SIP/2.0', 'SIP/2.0 200', ':\r\n\r\n', 'INVITE sip:a@b SIP/2.0\r\n\r\n',
    new Uint8Array([0xff, 0xfe, 0x0d, 0x0a, 0x0d, 0x0a]), invite().replace('Via:', ' Via:'), `${invite()}`.slice(0, 40)];
  for (const input of inputs) t.doesNotThrow(() => parseMessage(input));
  t.equal(errorCode(':\r\n\r\n'), 'bad-start-line');
  t.equal(errorCode(invite(['Max\rForwards: 70'])), 'bad-header', 'a CR inside a name is no hyphen');
});

t.test('header names are matched case-insensitively, whatever the spelling', async (t) => {
  const m = ok(t, invite(['MAX-FORWARDS: 69', 'cOnTeNt-TyPe: text/plain', 'X-Custom-Thing: 1']))!;
  t.same(m.headers.slice(-4).map((h) => [h.name, h.key]), [
    ['MAX-FORWARDS', 'max-forwards'], ['cOnTeNt-TyPe', 'content-type'], ['X-Custom-Thing', 'x-custom-thing'], ['Content-Length', 'content-length'],
  ]);
  t.equal(m.contentType?.value, 'text/plain');
  t.same(m.headerValues('Max-Forwards'), ['70', '69']);
});
