/** The INVITE client transaction (RFC 3261 §17.1.1, RFC 6026): retransmission instants, status classes, ACK generation, timers. */
import t from 'tap';
import { answer, harness, outgoing, RecordingClientUser, UAC } from './test-support';
import type { Destination } from '../transport/transport-layer';

const TCP: Destination = { protocol: 'tcp', address: UAC.address };

t.test('Timer A retransmits the INVITE at 500, 1500, 3500, 7500, 15500 and 31500 ms (no T2 cap) until Timer B at 32 s', async (t) => {
  const h = harness();
  const user = new RecordingClientUser();
  const tx = h.layer.sendRequest(outgoing('INVITE'), UAC, user);
  h.clock.advanceTo(40_000);
  t.same(h.transport.times('INVITE'), [
    [0, 'request'], [500, 'resend'], [1500, 'resend'], [3500, 'resend'], [7500, 'resend'], [15500, 'resend'], [31500, 'resend'],
  ]);
  t.same(user.events, ['timeout B', 'terminated timeout']);
  t.equal(tx.state, 'Terminated');
  t.equal(h.timers.armedCount, 0);
  t.equal(h.layer.liveCount, 0);
  const resent = h.transport.wire.filter((w) => w.kind === 'resend');
  t.ok(resent.every((w) => w.text === h.transport.wire[0]!.text), 'retransmissions are the identical bytes');
});

t.test('Timer B fires at exactly 64·T1', async (t) => {
  const h = harness();
  const user = new RecordingClientUser();
  h.layer.sendRequest(outgoing('INVITE'), UAC, user);
  h.clock.advanceTo(31_999);
  t.same(user.events, []);
  h.clock.advanceTo(32_000);
  t.same(user.events, ['timeout B', 'terminated timeout']);
});

t.test('on a reliable transport there is no Timer A, but Timer B still fires at 32 s', async (t) => {
  const h = harness();
  const user = new RecordingClientUser();
  h.layer.sendRequest(outgoing('INVITE'), TCP, user);
  h.clock.advanceTo(40_000);
  t.same(h.transport.times('INVITE'), [[0, 'request']]);
  t.same(user.events, ['timeout B', 'terminated timeout']);
  t.equal(h.timers.armedCount, 0);
});

t.test('the layer adds a magic-cookie branch drawn from Random', async (t) => {
  const h = harness();
  const tx = h.layer.sendRequest(outgoing('INVITE'), UAC, new RecordingClientUser());
  t.match(tx.branch, /^z9hG4bK[0-9a-z]{16}$/);
  t.equal(tx.request.topVia.branch, tx.branch);
  t.match(h.transport.wire[0]!.text, new RegExp(`Via: SIP/2.0/UDP 192.0.2.10:5060;branch=${tx.branch}`));
});

const provisional = [100, 180, 183];
for (const status of provisional) {
  t.test(`a ${status} moves Calling to Proceeding, is passed up and stops Timer A`, async (t) => {
    const h = harness();
    const user = new RecordingClientUser();
    const tx = h.layer.sendRequest(outgoing('INVITE'), UAC, user);
    h.clock.advanceTo(600);
    h.layer.onResponse(answer(tx.request, status), ctx());
    t.equal(tx.state, 'Proceeding');
    h.clock.advanceTo(100_000);
    t.same(h.transport.times('INVITE'), [[0, 'request'], [500, 'resend']], 'no retransmission after the provisional');
    // Timer C (180 s by default) still bounds Proceeding; the TU hears it, the ICT waits 64·T1 more for the CANCEL's 487.
    t.same(user.events, [`response ${status}`]);
    h.clock.advanceTo(600 + 180_000);
    t.same(user.events, [`response ${status}`, 'timeout C']);
    t.equal(tx.state, 'Proceeding');
    h.clock.advanceTo(600 + 180_000 + 32_000);
    t.same(user.events, [`response ${status}`, 'timeout C', 'terminated timeout']);
    t.equal(h.timers.armedCount, 0);
  });
}

t.test('each further provisional is passed up and restarts Timer C', async (t) => {
  const h = harness({ timerCMs: 10_000 });
  const user = new RecordingClientUser();
  const tx = h.layer.sendRequest(outgoing('INVITE'), UAC, user);
  h.layer.onResponse(answer(tx.request, 100), ctx());
  h.clock.advanceTo(9_000);
  h.layer.onResponse(answer(tx.request, 180), ctx());
  h.clock.advanceTo(18_999);
  t.same(user.events, ['response 100', 'response 180']);
  h.clock.advanceTo(19_000);
  t.same(user.events, ['response 100', 'response 180', 'timeout C']);
  t.equal(tx.state, 'Proceeding');
});

t.test('Timer C (§16.8) leaves the ICT in Proceeding: the 487 to the TU\'s CANCEL is ACKed, Completed, then Terminated by Timer D', async (t) => {
  const h = harness({ timerCMs: 10_000 });
  const user = new RecordingClientUser();
  const tx = h.layer.sendRequest(outgoing('INVITE'), UAC, user);
  h.layer.onResponse(answer(tx.request, 180), ctx());
  h.clock.advanceTo(10_000);
  t.same(user.events, ['response 180', 'timeout C']);
  t.equal(tx.state, 'Proceeding', 'the transaction stays for the CANCELled INVITE\'s final response');
  t.equal(h.layer.liveCount, 1, 'still matched by the layer');
  h.clock.advanceTo(10_050);
  h.layer.onResponse(answer(tx.request, 183), ctx());
  h.clock.advanceTo(10_100);
  const response = answer(tx.request, 487);
  h.layer.onResponse(response, ctx());
  t.equal(tx.state, 'Completed');
  t.same(h.transport.times('ACK'), [[10_100, 'resend']], 'the 487 is ACKed (§17.1.1.3)');
  h.clock.advanceTo(11_000);
  h.layer.onResponse(response, ctx());
  t.same(h.transport.times('ACK'), [[10_100, 'resend'], [11_000, 'resend']], 'its retransmission is re-ACKed');
  t.same(user.events, ['response 180', 'timeout C', 'response 183', 'response 487'], 'told of Timer C once, and not again by the 183');
  h.clock.advanceTo(10_100 + 32_000);
  t.equal(tx.state, 'Terminated');
  t.same(user.events.slice(-1), ['terminated completed']);
  t.same(h.transitions.map((x) => `${x.from}>${x.to}`), ['Calling>Proceeding', 'Proceeding>Completed', 'Completed>Terminated']);
  t.equal(h.timers.armedCount, 0);
  t.equal(h.layer.liveCount, 0);
});

t.test('Timer C with no final response afterwards: the ICT ends 64·T1 later, nothing left', async (t) => {
  const h = harness({ timerCMs: 10_000 });
  const user = new RecordingClientUser();
  const tx = h.layer.sendRequest(outgoing('INVITE'), UAC, user);
  h.layer.onResponse(answer(tx.request, 180), ctx());
  h.clock.advanceTo(10_000 + 31_999);
  t.equal(tx.state, 'Proceeding');
  t.same(user.events, ['response 180', 'timeout C']);
  h.clock.advanceTo(10_000 + 32_000);
  t.equal(tx.state, 'Terminated');
  t.same(user.events, ['response 180', 'timeout C', 'terminated timeout']);
  t.equal(h.timers.armedCount, 0);
  t.equal(h.layer.liveCount, 0);
});

t.test('Timer C then a 2xx (the CANCEL lost the race): Accepted and passed up, so the TU can ACK and BYE it', async (t) => {
  const h = harness({ timerCMs: 10_000 });
  const user = new RecordingClientUser();
  const tx = h.layer.sendRequest(outgoing('INVITE'), UAC, user);
  h.layer.onResponse(answer(tx.request, 180), ctx());
  h.clock.advanceTo(10_500);
  h.layer.onResponse(answer(tx.request, 200), ctx());
  t.equal(tx.state, 'Accepted');
  t.same(user.events, ['response 180', 'timeout C', 'response 200']);
  h.clock.advanceTo(10_500 + 32_000);
  t.equal(tx.state, 'Terminated');
  t.equal(h.timers.armedCount, 0);
});

t.test('a TU that terminates the ICT from inside the Timer C upcall leaves no timer behind', async (t) => {
  const h = harness({ timerCMs: 10_000 });
  const user = new RecordingClientUser();
  const tx = h.layer.sendRequest(outgoing('INVITE'), UAC, {
    onResponse: (r) => user.onResponse(r),
    onTimeout: (x, timer) => {
      user.onTimeout(x, timer);
      x.terminate();
    },
    onTransportError: (x, reason) => user.onTransportError(x, reason),
    onTerminated: (x, cause) => user.onTerminated(x, cause),
  });
  h.layer.onResponse(answer(tx.request, 180), ctx());
  h.clock.advanceTo(10_000);
  t.equal(tx.state, 'Terminated');
  t.same(user.events, ['response 180', 'timeout C', 'terminated terminated-by-tu']);
  t.equal(h.timers.armedCount, 0);
});

for (const status of [200, 202]) {
  t.test(`a ${status} moves to Accepted (RFC 6026): passed up, retransmissions passed up too, Timer M ends it at 64·T1`, async (t) => {
    const h = harness();
    const user = new RecordingClientUser();
    const tx = h.layer.sendRequest(outgoing('INVITE'), UAC, user);
    h.clock.advanceTo(100);
    h.layer.onResponse(answer(tx.request, 180), ctx());
    h.layer.onResponse(answer(tx.request, status), ctx());
    t.equal(tx.state, 'Accepted');
    h.clock.advanceTo(600);
    h.layer.onResponse(answer(tx.request, status), ctx());
    h.layer.onResponse(answer(tx.request, status, 'fork2'), ctx());
    h.layer.onResponse(answer(tx.request, 486), ctx());
    h.layer.onResponse(answer(tx.request, 183), ctx());
    t.same(user.events, ['response 180', `response ${status}`, `response ${status}`, `response ${status}`]);
    t.same(h.transport.times('ACK'), [], 'the transaction never ACKs a 2xx (§17.1.1.3)');
    h.clock.advanceTo(100 + 31_999);
    t.equal(tx.state, 'Accepted');
    h.clock.advanceTo(100 + 32_000);
    t.equal(tx.state, 'Terminated');
    t.same(user.events.slice(-1), ['terminated completed']);
    h.layer.onResponse(answer(tx.request, status), ctx());
    t.same(h.tu.events, [`stray-response ${status}`], 'a 2xx after Timer M reaches the TU as a stray (§13.2.2.4)');
    t.equal(h.timers.armedCount, 0);
  });
}

const finals = [300, 302, 404, 486, 500, 503, 600, 603];
for (const status of finals) {
  t.test(`a ${status} moves to Completed: ACK sent, passed up once, retransmissions re-ACKed, Timer D 32 s`, async (t) => {
    const h = harness();
    const user = new RecordingClientUser();
    const tx = h.layer.sendRequest(outgoing('INVITE'), UAC, user);
    h.clock.advanceTo(700);
    const response = answer(tx.request, status);
    h.layer.onResponse(response, ctx());
    t.equal(tx.state, 'Completed');
    h.clock.advanceTo(2_000);
    h.layer.onResponse(response, ctx());
    h.layer.onResponse(answer(tx.request, 200), ctx());
    t.same(user.events, [`response ${status}`]);
    t.same(h.transport.times('ACK'), [[700, 'resend'], [2000, 'resend']]);
    const ack = h.transport.wire.find((w) => w.firstLine.startsWith('ACK'))!;
    t.match(ack.text, new RegExp(`Via: SIP/2.0/UDP 192.0.2.10:5060;branch=${tx.branch}\\r\\n`), 'ACK reuses the INVITE branch');
    t.match(ack.text, /To: <sip:bob@192.0.2.20>;tag=peertag/, 'ACK To carries the response tag');
    t.match(ack.text, /CSeq: 1 ACK/);
    t.equal(ack.destination, 'udp:192.0.2.20:5060');
    t.same(h.transport.times('INVITE'), [[0, 'request'], [500, 'resend']]);
    h.clock.advanceTo(700 + 31_999);
    t.equal(tx.state, 'Completed');
    h.clock.advanceTo(700 + 32_000);
    t.equal(tx.state, 'Terminated');
    t.equal(h.timers.armedCount, 0);
  });
}

t.test('on a reliable transport Timer D is zero: a final non-2xx ends the ICT at once, after the ACK', async (t) => {
  const h = harness();
  const user = new RecordingClientUser();
  const tx = h.layer.sendRequest(outgoing('INVITE'), TCP, user);
  h.layer.onResponse(answer(tx.request, 486), ctx('tcp'));
  t.equal(tx.state, 'Terminated');
  t.same(user.events, ['response 486', 'terminated completed']);
  t.same(h.transport.times('ACK'), [[0, 'resend']]);
  t.same(h.transitions.map((x) => `${x.from}>${x.to}`), ['Calling>Completed', 'Completed>Terminated']);
  t.equal(h.timers.armedCount, 0);
});

t.test('a synchronous send failure ends the ICT with a transport error before sendRequest returns', async (t) => {
  const h = harness();
  h.transport.failNextRequest = { ok: false, code: 'no-route', reason: 'no listen point' };
  const user = new RecordingClientUser();
  const tx = h.layer.sendRequest(outgoing('INVITE'), UAC, user);
  t.equal(tx.state, 'Terminated');
  t.same(user.events, ['transport-error no-route: no listen point', 'terminated transport-error']);
  t.equal(h.layer.liveCount, 0);
  t.equal(h.timers.armedCount, 0);
});

t.test('an asynchronous transport failure for the destination ends Calling/Proceeding ICTs (§17.1.4)', async (t) => {
  const h = harness();
  const user = new RecordingClientUser();
  const tx = h.layer.sendRequest(outgoing('INVITE'), UAC, user);
  const other = new RecordingClientUser();
  const elsewhere = h.layer.sendRequest(outgoing('OPTIONS'), { protocol: 'udp', address: { host: '198.51.100.1', port: 5060 } }, other);
  h.layer.onTransportError(UAC, 'unreachable: port closed');
  t.equal(tx.state, 'Terminated');
  t.same(user.events, ['transport-error unreachable: port closed', 'terminated transport-error']);
  t.equal(elsewhere.state, 'Trying', 'other destinations are untouched');
  t.same(other.events, []);
});

t.test('terminate() by the TU cancels every timer', async (t) => {
  const h = harness();
  const user = new RecordingClientUser();
  const tx = h.layer.sendRequest(outgoing('INVITE'), UAC, user);
  t.equal(h.timers.armedCount, 2, 'Timers A and B');
  tx.terminate();
  t.equal(h.timers.armedCount, 0);
  t.same(user.events, ['terminated terminated-by-tu']);
  h.clock.advanceTo(40_000);
  t.equal(h.transport.wire.length, 1);
});

function ctx(protocol: 'udp' | 'tcp' = 'udp') {
  return { protocol, local: { host: '192.0.2.10', port: 5060 }, source: UAC.address } as const;
}
