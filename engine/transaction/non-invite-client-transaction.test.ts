/** The non-INVITE client transaction (RFC 3261 §17.1.2): Timer E capped at T2, Timer F, Timer K, status classes. */
import t from 'tap';
import type { Destination, ReceiveContext } from '../transport/transport-layer';
import { answer, harness, outgoing, RecordingClientUser, UAC } from './test-support';

const TCP: Destination = { protocol: 'tcp', address: UAC.address };
const ctx = (protocol: 'udp' | 'tcp' = 'udp'): ReceiveContext => ({ protocol, local: { host: '192.0.2.10', port: 5060 }, source: UAC.address });

t.test('Timer E retransmits at 500, 1500, 3500, then every T2 = 4 s, until Timer F at 32 s', async (t) => {
  const h = harness();
  const user = new RecordingClientUser();
  const tx = h.layer.sendRequest(outgoing('OPTIONS'), UAC, user);
  h.clock.advanceTo(40_000);
  t.same(h.transport.times('OPTIONS').map(([at]) => at), [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
  t.same(user.events, ['timeout F', 'terminated timeout']);
  t.equal(tx.state, 'Terminated');
  t.equal(h.timers.armedCount, 0);
});

t.test('with T1 = 100 and T2 = 4000 the doubling reaches the cap later (100, 200, 400 … 3200, 4000)', async (t) => {
  const h = harness({ t1Ms: 100 });
  h.layer.sendRequest(outgoing('OPTIONS'), UAC, new RecordingClientUser());
  h.clock.advanceTo(6_400);
  t.same(h.transport.times('OPTIONS').map(([at]) => at), [0, 100, 300, 700, 1500, 3100, 6300], 'F = 64·T1 = 6.4 s');
});

t.test('in Proceeding Timer E fires once more at its running interval, then every T2', async (t) => {
  const h = harness();
  const user = new RecordingClientUser();
  const tx = h.layer.sendRequest(outgoing('REGISTER'), UAC, user);
  h.clock.advanceTo(700);
  h.layer.onResponse(answer(tx.request, 100), ctx());
  t.equal(tx.state, 'Proceeding');
  h.clock.advanceTo(14_000);
  t.same(h.transport.times('REGISTER').map(([at]) => at), [0, 500, 1500, 5500, 9500, 13500]);
  t.same(user.events, ['response 100']);
});

t.test('on a reliable transport there is no Timer E; Timer F still fires at 64·T1', async (t) => {
  const h = harness();
  const user = new RecordingClientUser();
  h.layer.sendRequest(outgoing('OPTIONS'), TCP, user);
  h.clock.advanceTo(31_999);
  t.same(user.events, []);
  h.clock.advanceTo(32_000);
  t.same(h.transport.times('OPTIONS'), [[0, 'request']]);
  t.same(user.events, ['timeout F', 'terminated timeout']);
});

for (const status of [100, 180, 183]) {
  t.test(`a ${status} moves Trying to Proceeding and is passed up; further provisionals too`, async (t) => {
    const h = harness();
    const user = new RecordingClientUser();
    const tx = h.layer.sendRequest(outgoing('SUBSCRIBE'), UAC, user);
    h.layer.onResponse(answer(tx.request, status), ctx());
    h.layer.onResponse(answer(tx.request, status), ctx());
    t.equal(tx.state, 'Proceeding');
    t.same(user.events, [`response ${status}`, `response ${status}`]);
    h.clock.advanceTo(32_000);
    t.same(user.events.slice(2), ['timeout F', 'terminated timeout'], 'Timer F still runs in Proceeding');
  });
}

for (const status of [200, 202, 300, 302, 404, 486, 500, 503, 600, 603]) {
  t.test(`a ${status} completes: passed up once, retransmissions absorbed, Timer K = T4 then Terminated`, async (t) => {
    const h = harness();
    const user = new RecordingClientUser();
    const tx = h.layer.sendRequest(outgoing('BYE'), UAC, user);
    h.clock.advanceTo(600);
    h.layer.onResponse(answer(tx.request, status), ctx());
    t.equal(tx.state, 'Completed');
    h.layer.onResponse(answer(tx.request, status), ctx());
    h.clock.advanceTo(600 + 4_999);
    t.equal(tx.state, 'Completed');
    t.same(h.transport.times('BYE').map(([at]) => at), [0, 500], 'no retransmission once Completed');
    h.clock.advanceTo(600 + 5_000);
    t.equal(tx.state, 'Terminated');
    t.same(user.events, [`response ${status}`, 'terminated completed']);
    t.same(h.tu.events, [], 'the absorbed retransmission did not reach the TU');
    t.equal(h.timers.armedCount, 0);
  });
}

t.test('on a reliable transport Timer K is zero: the final response ends the NICT at once', async (t) => {
  const h = harness();
  const user = new RecordingClientUser();
  const tx = h.layer.sendRequest(outgoing('BYE'), TCP, user);
  h.layer.onResponse(answer(tx.request, 200), ctx('tcp'));
  t.equal(tx.state, 'Terminated');
  t.same(user.events, ['response 200', 'terminated completed']);
  t.same(h.transitions.map((x) => x.to), ['Completed', 'Terminated']);
  t.equal(h.timers.armedCount, 0);
});

t.test('a response whose CSeq method differs does not match (§17.1.3): a CANCEL shares the INVITE branch', async (t) => {
  const h = harness();
  const inviteUser = new RecordingClientUser();
  const invite = h.layer.sendRequest(outgoing('INVITE'), UAC, inviteUser);
  const cancelUser = new RecordingClientUser();
  const cancelReq = invite.request.withMethod('CANCEL').withHeaderValues('CSeq', ['1 CANCEL']);
  const cancel = h.layer.sendRequest(cancelReq, UAC, cancelUser);
  t.equal(cancel.branch, invite.branch);
  h.layer.onResponse(answer(cancel.request, 200), ctx());
  h.layer.onResponse(answer(invite.request, 487), ctx());
  t.same(cancelUser.events, ['response 200']);
  t.same(inviteUser.events, ['response 487']);
});

t.test('reusing a live branch and method is a programmer error', async (t) => {
  const h = harness();
  const tx = h.layer.sendRequest(outgoing('OPTIONS'), UAC, new RecordingClientUser());
  t.throws(() => h.layer.sendRequest(tx.request, UAC, new RecordingClientUser()), { code: 'duplicate-transaction' });
  t.throws(() => h.layer.sendRequest(outgoing('ACK'), UAC, new RecordingClientUser()), { code: 'not-a-request-for-transaction' });
});
