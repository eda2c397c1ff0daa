/** The non-INVITE server transaction (RFC 3261 §17.2.2): Trying/Proceeding/Completed, retransmissions, Timer J. */
import t from 'tap';
import { createResponse } from '../sip';
import type { ServerTransaction } from './transaction-types';
import { harness, receiveContext, request, type Harness } from './test-support';

function incoming(h: Harness, method: string, protocol: 'udp' | 'tcp' = 'udp'): ServerTransaction {
  h.layer.onRequest(request({ method, transport: protocol.toUpperCase(), toTag: 'dlg' }), receiveContext(protocol));
  const tx = h.tu.requests.at(-1);
  if (tx === undefined) throw new Error('no server transaction');
  return tx;
}

const reply = (tx: ServerTransaction, status: number) => createResponse(tx.request, status);

t.test('a retransmission in Trying is discarded; the TU sees the request once', async (t) => {
  const h = harness();
  const tx = incoming(h, 'BYE');
  h.layer.onRequest(request({ method: 'BYE', toTag: 'dlg' }), receiveContext());
  t.equal(tx.state, 'Trying');
  t.same(h.transport.wire, []);
  t.same(h.tu.events, ['request BYE']);
});

t.test('a provisional moves to Proceeding; retransmissions get it again', async (t) => {
  const h = harness();
  const tx = incoming(h, 'INFO');
  tx.respond(reply(tx, 100));
  t.equal(tx.state, 'Proceeding');
  h.clock.advanceTo(500);
  h.layer.onRequest(request({ method: 'INFO', toTag: 'dlg' }), receiveContext());
  t.same(h.transport.wire.map((w) => `${w.atMs} ${w.kind} ${w.firstLine}`), ['0 response SIP/2.0 100 Trying', '500 resend SIP/2.0 100 Trying']);
});

for (const status of [200, 202, 300, 302, 404, 486, 500, 503, 600, 603]) {
  t.test(`a ${status} completes the NIST: retransmissions answered with it, later responses refused, Timer J = 64·T1`, async (t) => {
    const h = harness();
    const tx = incoming(h, 'OPTIONS');
    t.equal(tx.respond(reply(tx, status)), true);
    t.equal(tx.state, 'Completed');
    t.equal(tx.respond(reply(tx, 200)), false);
    h.clock.advanceTo(1_000);
    h.layer.onRequest(request({ method: 'OPTIONS', toTag: 'dlg' }), receiveContext());
    t.same(h.transport.wire.map((w) => `${w.atMs} ${w.kind}`), ['0 response', '1000 resend']);
    t.equal(h.transport.wire[1]!.text, h.transport.wire[0]!.text, 'identical bytes');
    h.clock.advanceTo(31_999);
    t.equal(tx.state, 'Completed');
    h.clock.advanceTo(32_000);
    t.equal(tx.state, 'Terminated');
    t.same(h.tu.events, ['request OPTIONS', 'server-terminated OPTIONS completed']);
    t.equal(h.timers.armedCount, 0);
    t.equal(h.layer.liveCount, 0);
  });
}

t.test('on a reliable transport Timer J is zero: the final response ends the NIST', async (t) => {
  const h = harness();
  const tx = incoming(h, 'BYE', 'tcp');
  tx.respond(reply(tx, 200));
  t.equal(tx.state, 'Terminated');
  t.same(h.transitions.map((x) => `${x.from}>${x.to}`), ['Trying>Completed', 'Completed>Terminated']);
  t.equal(h.timers.armedCount, 0);
});

t.test('a request after the NIST ended is a new request to the TU', async (t) => {
  const h = harness();
  const tx = incoming(h, 'BYE', 'tcp');
  tx.respond(reply(tx, 200));
  incoming(h, 'BYE', 'tcp');
  t.same(h.tu.events, ['request BYE', 'server-terminated BYE completed', 'request BYE']);
});
