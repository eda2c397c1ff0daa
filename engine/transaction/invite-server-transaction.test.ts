/** The INVITE server transaction (RFC 3261 §17.2.1, RFC 6026): 100 Trying, Timer G/H/I/L, ACK absorption, retransmissions. */
import t from 'tap';
import { createResponse, reasonPhrase } from '../sip';
import type { ServerTransaction } from './transaction-types';
import { harness, receiveContext, request, type Harness } from './test-support';

function incomingInvite(h: Harness, protocol: 'udp' | 'tcp' = 'udp'): ServerTransaction {
  h.layer.onRequest(request({ transport: protocol.toUpperCase() }), receiveContext(protocol));
  const tx = h.tu.requests.at(-1);
  if (tx === undefined) throw new Error('no server transaction');
  return tx;
}

const reply = (tx: ServerTransaction, status: number) => createResponse(tx.request, status, undefined, { toTag: 'uastag' });

t.test('100 Trying goes out at 200 ms when the TU has not answered', async (t) => {
  const h = harness();
  const tx = incomingInvite(h);
  t.equal(tx.state, 'Proceeding');
  h.clock.advanceTo(199);
  t.same(h.transport.wire, []);
  h.clock.advanceTo(200);
  t.same(h.transport.times('SIP/2.0 100'), [[200, 'response']]);
  t.notMatch(h.transport.wire[0]!.text, /To: .*tag=/, '100 Trying carries no To tag');
  t.equal(h.timers.armedCount, 0);
});

t.test('no 100 Trying when the TU answers within 200 ms', async (t) => {
  const h = harness();
  const tx = incomingInvite(h);
  h.clock.advanceTo(50);
  tx.respond(reply(tx, 180));
  h.clock.advanceTo(1_000);
  t.same(h.transport.wire.map((w) => w.firstLine), ['SIP/2.0 180 Ringing']);
});

t.test('trying100DelayMs = 0 sends 100 Trying before the TU sees the INVITE', async (t) => {
  const h = harness({ trying100DelayMs: 0 });
  h.tu.onNewRequest = () => h.tu.events.push(`wire ${h.transport.wire.length}`);
  incomingInvite(h);
  t.same(h.tu.events, ['request INVITE', 'wire 1']);
  t.same(h.transport.times('SIP/2.0 100'), [[0, 'response']]);
});

t.test('a retransmitted INVITE in Proceeding gets the last provisional again (or 100 Trying at once) and is not passed up', async (t) => {
  const h = harness();
  const tx = incomingInvite(h);
  h.clock.advanceTo(100);
  h.layer.onRequest(request(), receiveContext());
  t.same(h.transport.times('SIP/2.0 100'), [[100, 'response']], 'early retransmission: 100 at once');
  tx.respond(reply(tx, 180));
  h.clock.advanceTo(500);
  h.layer.onRequest(request(), receiveContext());
  t.same(h.transport.wire.map((w) => `${w.atMs} ${w.kind} ${w.firstLine}`), [
    '100 response SIP/2.0 100 Trying', '100 response SIP/2.0 180 Ringing', '500 resend SIP/2.0 180 Ringing',
  ]);
  t.same(h.tu.events, ['request INVITE']);
  t.equal(h.layer.serverCount, 1);
});

const rejections = [300, 302, 404, 486, 500, 503, 600, 603];
for (const status of rejections) {
  t.test(`a ${status} is retransmitted by Timer G at 500, 1500, 3500, 7500, 11500 … (capped at T2) until the ACK`, async (t) => {
    const h = harness();
    const tx = incomingInvite(h);
    tx.respond(reply(tx, status));
    t.equal(tx.state, 'Completed');
    h.clock.advanceTo(12_000);
    t.same(h.transport.times(`SIP/2.0 ${status}`), [
      [0, 'response'], [500, 'resend'], [1500, 'resend'], [3500, 'resend'], [7500, 'resend'], [11500, 'resend'],
    ]);
    h.layer.onRequest(request({ method: 'ACK', cseqMethod: 'ACK', toTag: 'uastag' }), receiveContext());
    t.equal(tx.state, 'Confirmed');
    h.layer.onRequest(request({ method: 'ACK', cseqMethod: 'ACK', toTag: 'uastag' }), receiveContext());
    h.clock.advanceTo(12_000 + 4_999);
    t.equal(tx.state, 'Confirmed', 'Timer I = T4 = 5 s');
    t.equal(h.transport.wire.length, 6, 'no retransmission after the ACK');
    h.clock.advanceTo(12_000 + 5_000);
    t.equal(tx.state, 'Terminated');
    t.same(h.tu.events, ['request INVITE', `server-terminated INVITE completed`], 'ACKs were absorbed');
    t.equal(h.timers.armedCount, 0);
  });
}

t.test('an ACK that never comes: the final response is resent until Timer H at 64·T1, and the TU is told', async (t) => {
  const h = harness();
  const tx = incomingInvite(h);
  h.clock.advanceTo(150);
  tx.respond(reply(tx, 486));
  h.clock.advanceTo(150 + 40_000);
  t.same(h.transport.times('SIP/2.0 486').map(([at]) => at - 150), [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
  t.same(h.tu.events, ['request INVITE', 'server-timeout INVITE', 'server-terminated INVITE timeout']);
  t.equal(tx.state, 'Terminated');
  t.equal(h.timers.armedCount, 0);
});

t.test('a lost ACK: the final response keeps going out until the retransmitted ACK arrives', async (t) => {
  const h = harness();
  const tx = incomingInvite(h);
  tx.respond(reply(tx, 603));
  // The peer's first ACK (for the 0 ms response) is lost; it ACKs again on the 1500 ms retransmission.
  h.clock.advanceTo(1_510);
  h.layer.onRequest(request({ method: 'ACK', cseqMethod: 'ACK', toTag: 'uastag' }), receiveContext());
  h.clock.advanceTo(40_000);
  t.same(h.transport.times('SIP/2.0 603').map(([at]) => at), [0, 500, 1500]);
  t.same(h.tu.events, ['request INVITE', 'server-terminated INVITE completed'], 'no Timer H');
  t.equal(h.timers.armedCount, 0);
});

t.test('a retransmitted INVITE in Completed gets the final response again', async (t) => {
  const h = harness();
  const tx = incomingInvite(h);
  tx.respond(reply(tx, 404));
  h.clock.advanceTo(100);
  h.layer.onRequest(request(), receiveContext());
  t.same(h.transport.times('SIP/2.0 404'), [[0, 'response'], [100, 'resend']]);
});

t.test('on a reliable transport: no Timer G, Timer H still 64·T1, Timer I zero', async (t) => {
  const h = harness();
  const tx = incomingInvite(h, 'tcp');
  tx.respond(reply(tx, 486));
  h.clock.advanceTo(10_000);
  t.same(h.transport.times('SIP/2.0 486'), [[0, 'response']]);
  h.layer.onRequest(request({ method: 'ACK', cseqMethod: 'ACK', toTag: 'uastag', transport: 'TCP' }), receiveContext('tcp'));
  t.equal(tx.state, 'Terminated', 'Confirmed ends at once');
  t.same(h.transitions.map((x) => x.to), ['Completed', 'Confirmed', 'Terminated']);
  t.equal(h.timers.armedCount, 0);
});

for (const status of [200, 202]) {
  t.test(`a ${status} moves to Accepted (RFC 6026): TU 2xx retransmissions pass, INVITE retransmissions are absorbed, Timer L ends it`, async (t) => {
    const h = harness();
    const tx = incomingInvite(h);
    tx.respond(reply(tx, 180));
    t.equal(tx.respond(reply(tx, status)), true);
    t.equal(tx.state, 'Accepted');
    h.clock.advanceTo(500);
    t.equal(tx.respond(reply(tx, status)), true, 'the TU retransmits its 2xx through the transaction');
    t.equal(tx.respond(reply(tx, 487)), false, 'a non-2xx after the 2xx is refused');
    h.layer.onRequest(request(), receiveContext());
    t.same(h.transport.wire.map((w) => `${w.atMs} ${w.kind} ${w.firstLine}`), [
      '0 response SIP/2.0 180 Ringing', `0 response SIP/2.0 ${status} ${reasonPhrase(status)}`, `500 response SIP/2.0 ${status} ${reasonPhrase(status)}`,
    ], 'the retransmitted INVITE was absorbed');
    h.layer.onRequest(request({ method: 'ACK', cseqMethod: 'ACK', toTag: 'uastag', branch: 'z9hG4bKack2xx' }), receiveContext());
    t.same(h.tu.events, ['request INVITE', 'stray-ack'], 'the ACK for a 2xx has its own branch and goes to the TU');
    h.clock.advanceTo(31_999);
    t.equal(tx.state, 'Accepted');
    h.clock.advanceTo(32_000);
    t.equal(tx.state, 'Terminated');
    t.equal(h.timers.armedCount, 0);
  });
}

t.test('responses after the final one are refused; statuses outside 100..699 are programmer errors', async (t) => {
  const h = harness();
  const tx = incomingInvite(h);
  tx.respond(reply(tx, 486));
  t.equal(tx.respond(reply(tx, 200)), false);
  t.throws(() => tx.respond({ ...reply(tx, 200), status: 99 } as never), { code: 'bad-response-status' });
});

t.test('a response the transport cannot route ends the IST and tells the TU (§17.2.4)', async (t) => {
  const h = harness();
  const tx = incomingInvite(h);
  h.transport.failNextResponse = { ok: false, code: 'no-route', reason: 'no way back' };
  t.equal(tx.respond(reply(tx, 180)), false);
  t.equal(tx.state, 'Terminated');
  t.same(h.tu.events, ['request INVITE', 'server-transport-error INVITE no-route: no way back', 'server-terminated INVITE transport-error']);
  t.equal(h.timers.armedCount, 0);
  t.equal(h.layer.liveCount, 0);
});

t.test('a later transport failure towards the response destination ends the IST', async (t) => {
  const h = harness();
  const tx = incomingInvite(h);
  tx.respond(reply(tx, 486));
  h.layer.onTransportError({ protocol: 'udp', address: { host: '192.0.2.30', port: 5070 } }, 'unreachable: icmp');
  t.equal(tx.state, 'Terminated');
  t.equal(h.timers.armedCount, 0);
});
