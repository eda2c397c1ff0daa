/** CANCEL on the server side (RFC 3261 §9.2): its own NIST, 200 or 481, the TU (or the layer) answers the INVITE 487. */
import t from 'tap';
import { createResponse } from '../sip';
import { harness, receiveContext, request } from './test-support';

const cancel = (branch = 'z9hG4bKpeer1') => request({ method: 'CANCEL', branch });

t.test('CANCEL before any provisional: 200 to the CANCEL, onCancel with the INVITE transaction, TU sends 487', async (t) => {
  const h = harness();
  h.layer.onRequest(request(), receiveContext());
  const invite = h.tu.requests[0]!;
  h.clock.advanceTo(100);
  h.layer.onRequest(cancel(), receiveContext());
  t.same(h.tu.events, ['request INVITE', 'cancel']);
  t.equal(h.tu.cancels[0], invite, 'onCancel receives the INVITE server transaction');
  t.same(h.transport.wire.map((w) => w.firstLine), ['SIP/2.0 200 OK']);
  t.match(h.transport.wire[0]!.text, /CSeq: 1 CANCEL/);
  const tag = /To: <sip:bob@example.com>;tag=([^\r]+)/.exec(h.transport.wire[0]!.text)?.[1];
  t.ok(tag, 'the 200 to the CANCEL carries a To tag');
  invite.respond(createResponse(invite.request, 487, undefined, { toTag: tag }));
  t.equal(invite.state, 'Completed');
  h.layer.onRequest(request({ method: 'ACK', cseqMethod: 'ACK', toTag: tag }), receiveContext());
  t.equal(invite.state, 'Confirmed');
  h.clock.advanceTo(60_000);
  t.equal(h.timers.armedCount, 0);
  t.equal(h.layer.liveCount, 0);
});

t.test('CANCEL after a provisional: the 200 carries the To tag of the provisional', async (t) => {
  const h = harness();
  h.layer.onRequest(request(), receiveContext());
  const invite = h.tu.requests[0]!;
  invite.respond(createResponse(invite.request, 180, undefined, { toTag: 'ringtag' }));
  h.layer.onRequest(cancel(), receiveContext());
  t.match(h.transport.wire[1]!.text, /^SIP\/2.0 200 OK[\s\S]*To: <sip:bob@example.com>;tag=ringtag/);
  t.same(h.tu.events, ['request INVITE', 'cancel']);
});

t.test('without an onCancel callback the layer answers the INVITE 487 itself', async (t) => {
  const h = harness();
  h.tu.handleCancel = false;
  h.layer.onRequest(request(), receiveContext());
  const invite = h.tu.requests[0]!;
  h.layer.onRequest(cancel(), receiveContext());
  t.same(h.transport.wire.map((w) => w.firstLine), ['SIP/2.0 200 OK', 'SIP/2.0 487 Request Terminated']);
  t.equal(invite.state, 'Completed');
});

t.test('a retransmitted CANCEL gets the same 200 again from its NIST', async (t) => {
  const h = harness();
  h.layer.onRequest(request(), receiveContext());
  h.layer.onRequest(cancel(), receiveContext());
  h.clock.advanceTo(500);
  h.layer.onRequest(cancel(), receiveContext());
  t.same(h.transport.wire.map((w) => `${w.atMs} ${w.kind} ${w.firstLine}`), [
    '0 response SIP/2.0 200 OK', '200 response SIP/2.0 100 Trying', '500 resend SIP/2.0 200 OK',
  ]);
  t.same(h.tu.events, ['request INVITE', 'cancel'], 'the TU hears of the CANCEL once');
});

t.test('CANCEL after the final response: 200 to the CANCEL, no effect on the INVITE', async (t) => {
  const h = harness();
  h.layer.onRequest(request(), receiveContext());
  const invite = h.tu.requests[0]!;
  invite.respond(createResponse(invite.request, 200, undefined, { toTag: 'oktag' }));
  h.layer.onRequest(cancel(), receiveContext());
  t.same(h.transport.wire.map((w) => w.firstLine), ['SIP/2.0 200 OK', 'SIP/2.0 200 OK']);
  t.match(h.transport.wire[1]!.text, /CSeq: 1 CANCEL/);
  t.match(h.transport.wire[1]!.text, /To: <sip:bob@example.com>;tag=oktag/, 'the To tag of the INVITE response (§9.2)');
  t.same(h.tu.events, ['request INVITE']);
  t.equal(invite.state, 'Accepted');
});

t.test('CANCEL matching no transaction is answered 481 (§9.2)', async (t) => {
  const h = harness();
  h.layer.onRequest(request(), receiveContext());
  h.layer.onRequest(cancel('z9hG4bKother'), receiveContext());
  t.same(h.transport.wire.map((w) => w.firstLine), ['SIP/2.0 481 Call/Transaction Does Not Exist']);
  t.same(h.tu.events, ['request INVITE']);
});

t.test('a CANCEL from another sent-by does not match the INVITE', async (t) => {
  const h = harness();
  h.layer.onRequest(request(), receiveContext());
  h.layer.onRequest(request({ method: 'CANCEL', sentBy: '198.51.100.9:5060' }), receiveContext());
  t.same(h.transport.wire.map((w) => w.firstLine.slice(8, 11)), ['481']);
});

t.test('findInviteServerTransactionForCancel finds the INVITE transaction for a TU that looks itself', async (t) => {
  const h = harness();
  h.layer.onRequest(request(), receiveContext());
  t.equal(h.layer.findInviteServerTransactionForCancel(cancel()), h.tu.requests[0]);
  t.equal(h.layer.findInviteServerTransactionForCancel(cancel('z9hG4bKnope')), undefined);
});

t.test('RFC 2543 CANCEL (no magic cookie) matches by Request-URI, tags, Call-ID, CSeq number and top Via', async (t) => {
  const h = harness();
  h.layer.onRequest(request({ branch: null }), receiveContext());
  h.layer.onRequest(request({ method: 'CANCEL', branch: null }), receiveContext());
  t.same(h.tu.events, ['request INVITE', 'cancel']);
  h.layer.onRequest(request({ method: 'CANCEL', branch: null, cseq: 2, callId: 'x' }), receiveContext());
  t.same(h.transport.wire.map((w) => w.firstLine.slice(8, 11)), ['200', '481']);
});
