/** Matching and dispatch in the transaction layer (RFC 3261 §17.1.3, §17.2.3): strays, RFC 2543 fallback, limits, transport errors. */
import t from 'tap';
import { createResponse } from '../sip';
import { answer, harness, outgoing, receiveContext, RecordingClientUser, request, UAC } from './test-support';

t.test('a response matching no client transaction goes to onStrayResponse', async (t) => {
  const h = harness();
  const tx = h.layer.sendRequest(outgoing('INVITE'), UAC, new RecordingClientUser());
  const foreign = createResponse(request({ branch: 'z9hG4bKnotours' }), 200, undefined, { toTag: 'x' });
  h.layer.onResponse(foreign, receiveContext());
  h.layer.onResponse(answer(tx.request, 200).withHeaderValues('CSeq', ['1 BYE']), receiveContext());
  t.same(h.tu.events, ['stray-response 200', 'stray-response 200']);
  t.equal(tx.state, 'Calling');
});

t.test('a 2xx retransmission after the ICT ended reaches the TU (so the UAC core can re-ACK, §13.2.2.4)', async (t) => {
  const h = harness();
  const user = new RecordingClientUser();
  const tx = h.layer.sendRequest(outgoing('INVITE'), UAC, user);
  const ok = answer(tx.request, 200);
  h.layer.onResponse(ok, receiveContext());
  h.clock.advanceTo(32_000);
  t.equal(tx.state, 'Terminated');
  h.layer.onResponse(ok, receiveContext());
  t.same(user.events, ['response 200', 'terminated completed']);
  t.same(h.tu.strayResponses, [ok]);
});

t.test('an ACK matching no server transaction (the ACK for a 2xx) goes to onStrayAck', async (t) => {
  const h = harness();
  h.layer.onRequest(request({ method: 'ACK', cseqMethod: 'ACK', toTag: 'a', branch: 'z9hG4bKnew' }), receiveContext());
  t.same(h.tu.events, ['stray-ack']);
  t.equal(h.layer.liveCount, 0, 'an ACK never creates a transaction');
});

t.test('sendAck sends the 2xx ACK outside any transaction with a fresh branch', async (t) => {
  const h = harness();
  const outcome = h.layer.sendAck(outgoing('ACK'), UAC);
  t.equal(outcome.ok, true);
  t.match(h.transport.wire[0]!.text, /^ACK [\s\S]*branch=z9hG4bK[0-9a-z]{16}/);
  t.equal(h.layer.liveCount, 0);
});

t.test('RFC 2543 INVITE (no branch): retransmission matched, ACK matched by the To tag of our final response', async (t) => {
  const h = harness();
  h.layer.onRequest(request({ branch: null }), receiveContext());
  const tx = h.tu.requests[0]!;
  h.layer.onRequest(request({ branch: null }), receiveContext());
  t.same(h.tu.events, ['request INVITE'], 'the retransmission was absorbed');
  tx.respond(createResponse(tx.request, 486, undefined, { toTag: 'ours' }));
  h.layer.onRequest(request({ method: 'ACK', cseqMethod: 'ACK', branch: null, toTag: 'theirs' }), receiveContext());
  t.equal(tx.state, 'Completed', 'an ACK with another To tag does not match');
  t.same(h.tu.events.slice(-1), ['stray-ack']);
  h.layer.onRequest(request({ method: 'ACK', cseqMethod: 'ACK', branch: null, toTag: 'ours' }), receiveContext());
  t.equal(tx.state, 'Confirmed');
});

t.test('RFC 2543 matching: a differing Call-ID, CSeq number, From tag, Request-URI or Via is a new transaction', async (t) => {
  const variants = [
    { callId: 'other@x' }, { cseq: 2 }, { uri: 'sip:carol@192.0.2.10' }, { sentBy: '192.0.2.31:5070' }, { branch: '1' },
  ];
  for (const variant of variants) {
    const h = harness();
    h.layer.onRequest(request({ branch: null }), receiveContext());
    h.layer.onRequest(request({ branch: null, ...variant }), receiveContext());
    t.same(h.tu.events, ['request INVITE', 'request INVITE'], JSON.stringify(variant));
  }
});

t.test('RFC 3261 matching: same branch from another sent-by, or another method, is a new transaction (§17.2.3)', async (t) => {
  const h = harness();
  h.layer.onRequest(request({ method: 'OPTIONS' }), receiveContext());
  h.layer.onRequest(request({ method: 'OPTIONS', sentBy: '198.51.100.7' }), receiveContext());
  h.layer.onRequest(request({ method: 'INFO', cseqMethod: 'INFO' }), receiveContext());
  h.layer.onRequest(request({ method: 'OPTIONS' }), receiveContext());
  t.same(h.tu.events, ['request OPTIONS', 'request OPTIONS', 'request INFO']);
  t.equal(h.layer.serverCount, 3);
});

t.test('beyond maxLiveTransactions a new request is answered 503 without a transaction', async (t) => {
  const h = harness({ maxLiveTransactions: 2 });
  h.layer.onRequest(request({ method: 'OPTIONS', branch: 'z9hG4bK1' }), receiveContext());
  h.layer.onRequest(request({ method: 'OPTIONS', branch: 'z9hG4bK2' }), receiveContext());
  h.layer.onRequest(request({ method: 'OPTIONS', branch: 'z9hG4bK3' }), receiveContext());
  t.same(h.tu.events, ['request OPTIONS', 'request OPTIONS']);
  t.same(h.transport.wire.map((w) => w.firstLine), ['SIP/2.0 503 Service Unavailable']);
  t.equal(h.layer.liveCount, 2);
});

t.test('one transport failure ends every live transaction using that destination, and nothing else', async (t) => {
  const h = harness();
  const users = [new RecordingClientUser(), new RecordingClientUser(), new RecordingClientUser()];
  h.layer.sendRequest(outgoing('OPTIONS'), UAC, users[0]!);
  h.layer.sendRequest(outgoing('INVITE'), UAC, users[1]!);
  h.layer.sendRequest(outgoing('OPTIONS'), { protocol: 'tcp', address: UAC.address }, users[2]!);
  h.layer.onTransportError(UAC, 'unreachable: x');
  t.same(users.map((u) => u.events.length), [2, 2, 0]);
  t.equal(h.layer.liveCount, 1);
  h.layer.onTransportError(UAC, 'unreachable: again');
  t.same(users.map((u) => u.events.length), [2, 2, 0], 'ended transactions hear nothing more');
});

t.test('a bad config is refused with every problem named', async (t) => {
  t.throws(() => harness({ t1Ms: 0, timerDMs: 1000 }), { code: 'bad-transaction-config', message: /t1Ms must be an integer 1\.\.60000, got 0; timerDMs must be an integer 32000\.\.600000, got 1000/ });
  t.throws(() => harness({ t1Ms: 500, t2Ms: 100 }), { code: 'bad-transaction-config', message: /t2Ms must be >= t1Ms/ });
  t.doesNotThrow(() => harness({ timerCMs: undefined }));
});
