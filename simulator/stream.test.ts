/** Tests of simulated stream transports: reliable in-order delivery, connection reuse (RFC 3261 §18), refusal and loss of a connection. */
import t from 'tap';
import { World } from './world';
import { addRecorderHost } from './recorder-host';

const BOB = { host: '10.0.0.2', port: 5060 };

function pair(seed: number) {
  // A hostile link for datagrams: streams must not notice any of it.
  const world = new World({
    seed,
    link: { latency: { kind: 'uniform', minMs: 1, maxMs: 40 }, lossProbability: 0.5, duplicateProbability: 0.5, reorderProbability: 0.5, reorderExtraMs: 50, mtuBytes: 10 },
  });
  const alice = addRecorderHost(world, 'alice', '10.0.0.1', [{ protocol: 'tcp', port: 5060 }]);
  const bob = addRecorderHost(world, 'bob', '10.0.0.2', [{ protocol: 'tcp', port: 5060 }]);
  return { world, alice, bob };
}

t.test('stream data arrives complete and in order, whatever the link does to datagrams', async (t) => {
  const { world, alice, bob } = pair(201);
  for (let i = 0; i < 500; i++) world.at(i / 10, 'send', () => alice.send(BOB, `segment number ${i}`, 'tcp'));
  await world.run();
  t.same(bob.received.map((r) => r.text), Array.from({ length: 500 }, (_, i) => `segment number ${i}`));
  t.equal(new Set(bob.received.map((r) => r.packet.connectionId)).size, 1, 'one connection, reused');
  t.equal(bob.received[0].packet.protocol, 'tcp');
  t.not(bob.received[0].packet.source.port, 5060, 'the connecting side uses an ephemeral port');
});

t.test('a reply to the source address goes back over the same connection', async (t) => {
  const { world, alice, bob } = pair(202);
  alice.send(BOB, 'INVITE', 'tcp');
  await world.run();
  const inbound = bob.received[0].packet;
  bob.send(inbound.source, 'SIP/2.0 200 OK', 'tcp');
  bob.send(inbound.source, 'SIP/2.0 200 OK again', 'tcp', inbound.connectionId);
  await world.run();
  t.same(alice.received.map((r) => [r.text, r.packet.connectionId]), [
    ['SIP/2.0 200 OK', inbound.connectionId],
    ['SIP/2.0 200 OK again', inbound.connectionId],
  ]);
  t.same(alice.received[0].packet.local, inbound.source);
});

t.test('connecting to a port nobody listens on is refused', async (t) => {
  const { world, alice } = pair(203);
  alice.send({ host: '10.0.0.2', port: 5061 }, 'hello', 'tcp');
  await world.run();
  t.same(alice.failures.map((f) => f.kind), ['connection-refused']);
  t.equal(world.network.stats.dropped.refused, 1);
});

t.test('a partition breaks an open connection and the sender hears connection-closed', async (t) => {
  const { world, alice, bob } = pair(204);
  alice.send(BOB, 'first', 'tcp');
  await world.run();
  world.partition('alice', 'bob');
  alice.send(BOB, 'second', 'tcp');
  await world.run();
  t.same(bob.received.map((r) => r.text), ['first']);
  t.same(alice.failures.map((f) => f.kind), ['connection-closed']);
  alice.send(BOB, 'while cut', 'tcp');
  await world.run();
  t.same(alice.failures.map((f) => f.kind), ['connection-closed', 'unreachable'], 'a new connect fails while cut');
  world.heal('alice', 'bob');
  alice.send(BOB, 'third', 'tcp');
  await world.run();
  t.same(bob.received.map((r) => r.text), ['first', 'third']);
  t.not(bob.received[1].packet.connectionId, bob.received[0].packet.connectionId, 'a new connection');
});

t.test('closeConnection ends a connection; the next send opens a new one', async (t) => {
  const { world, alice, bob } = pair(205);
  alice.send(BOB, 'one', 'tcp');
  await world.run();
  const first = bob.received[0].packet.connectionId as string;
  world.host('alice').ctx.transport.closeConnection(first);
  alice.send(BOB, 'two', 'tcp', first);
  await world.run();
  t.equal(bob.received.length, 2);
  t.not(bob.received[1].packet.connectionId, first);
  t.equal(world.network.connections.get(first), undefined);
});

t.test('streams keep order under a hold and deliver everything on release', async (t) => {
  const { world, alice, bob } = pair(206);
  world.hold('alice', 'bob');
  for (let i = 0; i < 20; i++) world.at(i, 'send', () => alice.send(BOB, `s${i}`, 'tcp'));
  await world.run({ untilMs: 500 });
  t.equal(bob.received.length, 0);
  world.release('alice', 'bob');
  await world.run();
  t.same(bob.received.map((r) => r.text), Array.from({ length: 20 }, (_, i) => `s${i}`));
  t.equal(world.host('alice').ctx.transport.isReliable('tcp'), true);
  t.equal(world.host('alice').ctx.transport.isReliable('udp'), false);
});
