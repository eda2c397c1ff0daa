import t from 'tap';
import { parseMessage } from './parse-message';
import { serializeMessage } from './serialize';
import { createResponse } from './build-response';
import { createAckForNon2xx, createCancel } from './build-ack-cancel';
import { reasonPhrase } from './reason-phrases';
import { invite, wire, INVITE_HEADERS } from './test-messages';
import type { SipMessage, SipRequest } from './message';

function req(text: string): SipRequest {
  const r = parseMessage(text);
  if (!r.ok || r.message.kind !== 'request') throw new Error('fixture does not parse as a request');
  return r.message;
}
const lines = (m: SipMessage, key: string) => m.headers.filter((h) => h.key === key).map((h) => h.value);

const twoVias = req(invite([
  'Via: SIP/2.0/UDP second.example.com;branch=z9hG4bKsecond',
  'Route: <sip:p1.example.com;lr>',
  'Route: <sip:p2.example.com;lr>',
  'Record-Route: <sip:rr.example.com;lr>',
  'Timestamp: 54.2',
  'Require: 100rel',
]));

t.test('createResponse copies Via lines in order, From, To, Call-ID, CSeq (§8.2.6.2)', async (t) => {
  const r = createResponse(twoVias, 486, undefined, { toTag: 'uas1' });
  t.equal(r.status, 486);
  t.equal(r.reason, 'Busy Here', 'default reason phrase');
  t.same(lines(r, 'via'), lines(twoVias, 'via'));
  t.same(lines(r, 'from'), lines(twoVias, 'from'));
  t.equal(r.toTag, 'uas1', 'tag added to To');
  t.equal(r.callId, twoVias.callId);
  t.same(r.cseq, twoVias.cseq);
  t.same(lines(r, 'timestamp'), [], 'Timestamp only in 100');
  t.same(lines(r, 'record-route'), [], 'no Record-Route in a failure response');
  t.same(lines(r, 'route'), [], 'Route is never copied');
  t.same(lines(r, 'require'), []);
  t.ok(parseMessage(serializeMessage(r)).ok, 'serializes to a parseable response');
});

t.test('100 Trying copies Timestamp and adds no tag (§8.2.6.1)', async (t) => {
  const r = createResponse(twoVias, 100, undefined, { toTag: 'ignored' });
  t.equal(r.reason, 'Trying');
  t.same(lines(r, 'timestamp'), ['54.2']);
  t.equal(r.toTag, undefined);
});

t.test('dialog-creating 1xx/2xx responses carry Record-Route (§12.1.1); an existing To tag is kept', async (t) => {
  const r = createResponse(twoVias, 200, 'Fine', { toTag: 't1', headers: [['Contact', '<sip:bob@b.example.com>']], body: new Uint8Array(Buffer.from('v=0\r\n')), contentType: 'application/sdp' });
  t.equal(r.reason, 'Fine');
  t.same(lines(r, 'record-route'), ['<sip:rr.example.com;lr>']);
  t.equal(r.contentType?.value, 'application/sdp');
  t.equal(r.header('content-length'), '5');
  t.equal(r.header('contact'), '<sip:bob@b.example.com>');
  const inDialog = req(invite().replace('To: Bob <sip:bob@biloxi.example.com>', 'To: Bob <sip:bob@biloxi.example.com>;tag=existing'));
  t.equal(createResponse(inDialog, 200, undefined, { toTag: 'new' }).toTag, 'existing');
  t.equal(createResponse(twoVias, 480).toTag, undefined, 'no tag given, none invented');
  t.throws(() => createResponse(twoVias, 200, undefined, { toTag: 'bad tag' }), { name: 'SipBuildError', code: 'bad-header' });
  t.throws(() => createResponse(twoVias, 700), { name: 'SipBuildError', code: 'bad-status' });
});

t.test('reason phrases', async (t) => {
  t.equal(reasonPhrase(200), 'OK');
  t.equal(reasonPhrase(481), 'Call/Transaction Does Not Exist');
  t.equal(reasonPhrase(487), 'Request Terminated');
  t.equal(reasonPhrase(599), 'Server Error', 'unlisted codes get their class');
});

t.test('ACK for a non-2xx final response (§17.1.1.3)', async (t) => {
  const failure = createResponse(twoVias, 486, undefined, { toTag: 'uas1' });
  const ack = createAckForNon2xx(twoVias, failure);
  t.equal(ack.method, 'ACK');
  t.equal(ack.uriText, twoVias.uriText, 'same Request-URI');
  t.same(lines(ack, 'via'), [lines(twoVias, 'via')[0]], 'only the top Via');
  t.equal(ack.topVia.branch, twoVias.topVia.branch);
  t.same(lines(ack, 'from'), lines(twoVias, 'from'));
  t.equal(ack.toTag, 'uas1', 'To from the response');
  t.equal(ack.callId, twoVias.callId);
  t.same(ack.cseq, { seq: twoVias.cseq.seq, method: 'ACK' });
  t.same(lines(ack, 'route'), ['<sip:p1.example.com;lr>', '<sip:p2.example.com;lr>'], 'Route from the INVITE');
  t.same(lines(ack, 'require'), []);
  t.equal(ack.body.length, 0);
  t.throws(() => createAckForNon2xx(twoVias, createResponse(twoVias, 200, undefined, { toTag: 'x' })), { name: 'SipBuildError', code: 'bad-status' });
});

t.test('CANCEL (§9.1)', async (t) => {
  const cancel = createCancel(twoVias);
  t.equal(cancel.method, 'CANCEL');
  t.equal(cancel.uriText, twoVias.uriText);
  t.same(lines(cancel, 'via'), [lines(twoVias, 'via')[0]], 'a single Via equal to the INVITE top Via');
  t.same(lines(cancel, 'to'), lines(twoVias, 'to'));
  t.same(lines(cancel, 'from'), lines(twoVias, 'from'));
  t.same(cancel.cseq, { seq: twoVias.cseq.seq, method: 'CANCEL' });
  t.equal(lines(cancel, 'route').length, 2);
  t.equal(cancel.maxForwards, 70);
  t.same(lines(cancel, 'require'), [], 'no Require in CANCEL');
  const options = req(wire('OPTIONS sip:a@b SIP/2.0', INVITE_HEADERS.map((h) => h.replace('INVITE', 'OPTIONS'))));
  t.throws(() => createCancel(options), { name: 'SipBuildError', code: 'bad-method' });
  const multi = req(invite().replace('Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds',
    'Via: SIP/2.0/UDP top.example.com;branch=z9hG4bKtop, SIP/2.0/UDP lower.example.com;branch=z9hG4bKlow'));
  t.same(lines(createCancel(multi), 'via'), ['SIP/2.0/UDP top.example.com;branch=z9hG4bKtop'], 'top value of a multi-value Via line');
});
