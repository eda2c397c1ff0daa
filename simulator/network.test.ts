/** Tests of the simulated network: link statistics, MTU, unreachable ports, partitions, holds, streams. */
import t from 'tap';
import { World } from './world';
import { addRecorderHost } from './recorder-host';
import type { LinkSpec } from './link';

const BOB = { host: '10.0.0.2', port: 5060 };
const ALICE = { host: '10.0.0.1', port: 5060 };

function pair(seed: number, link: Partial<LinkSpec> = {}) {
  const world = new World({ seed, link });
  const alice = addRecorderHost(world, 'alice', ALICE.host, [{ protocol: 'udp', port: 5060 }, { protocol: 'tcp', port: 5060 }]);
  const bob = addRecorderHost(world, 'bob', BOB.host, [{ protocol: 'udp', port: 5060 }, { protocol: 'tcp', port: 5060 }]);
  return { world, alice, bob };
}

/** Sends n numbered datagrams 1 ms apart from alice to bob. */
async function blast(world: World, alice: ReturnType<typeof pair>['alice'], n: number): Promise<void> {
  for (let i = 0; i < n; i++) world.at(i, 'send', () => alice.send(BOB, `m${i}`));
  await world.run();
}

t.test('loss drops about the configured fraction, counted and traced', async (t) => {
  const { world, alice, bob } = pair(101, { lossProbability: 0.3 });
  await blast(world, alice, 4000);
  const lost = world.network.stats.dropped.loss ?? 0;
  t.equal(lost + bob.received.length, 4000, 'every datagram is delivered or lost');
  t.ok(lost > 4000 * 0.25 && lost < 4000 * 0.35, `lost ${lost} of 4000 at p=0.3`);
  t.equal(world.trace.entries().filter((e) => e.kind === 'drop' && e.reason === 'loss').length, lost);
});

t.test('duplication delivers about the configured fraction twice', async (t) => {
  const { world, alice, bob } = pair(102, { duplicateProbability: 0.1 });
  await blast(world, alice, 4000);
  const dups = bob.received.length - 4000;
  t.equal(dups, world.network.stats.duplicated);
  t.ok(dups > 4000 * 0.07 && dups < 4000 * 0.13, `${dups} duplicates at p=0.1`);
});

t.test('without reordering, jitter keeps datagrams in order; with it, some overtake', async (t) => {
  const inOrder = pair(103, { latency: { kind: 'uniform', minMs: 5, maxMs: 50 }, jitterMs: 20 });
  await blast(inOrder.world, inOrder.alice, 1000);
  const seq = inOrder.bob.received.map((r) => Number(r.text.slice(1)));
  t.ok(seq.every((v, i) => i === 0 || v > seq[i - 1]), 'FIFO on the link');
  const shuffled = pair(103, { latency: { kind: 'fixed', ms: 10 }, reorderProbability: 0.2, reorderExtraMs: 30 });
  await blast(shuffled.world, shuffled.alice, 1000);
  const seq2 = shuffled.bob.received.map((r) => Number(r.text.slice(1)));
  const inversions = seq2.filter((v, i) => i > 0 && v < seq2[i - 1]).length;
  t.equal(seq2.length, 1000);
  t.ok(inversions > 50, `${inversions} overtakings with 20% reordered by up to 30 ms`);
  t.ok(shuffled.world.network.stats.reordered > 150 && shuffled.world.network.stats.reordered < 250);
});

t.test('latency distributions have the configured centre and spread', async (t) => {
  const cases: Array<[Partial<LinkSpec>, (mean: number, min: number, max: number) => boolean, string]> = [
    [{ latency: { kind: 'fixed', ms: 25 } }, (m, lo, hi) => m === 25 && lo === 25 && hi === 25, 'fixed 25'],
    [{ latency: { kind: 'uniform', minMs: 10, maxMs: 30 } }, (m, lo, hi) => Math.abs(m - 20) < 1 && lo >= 10 && hi < 30, 'uniform 10..30'],
    [{ latency: { kind: 'normal', meanMs: 40, stdDevMs: 5 } }, (m, lo) => Math.abs(m - 40) < 1 && lo >= 0, 'normal 40±5'],
    [{ latency: { kind: 'lognormal', medianMs: 20, sigma: 0.5, minMs: 2 } }, (m, lo) => m > 22 && m < 26 && lo >= 2, 'lognormal median 20'],
    [{ latency: { kind: 'fixed', ms: 10 }, jitterMs: 10 }, (m, lo, hi) => Math.abs(m - 15) < 1 && lo >= 10 && hi < 20, 'fixed 10 + jitter 10'],
  ];
  for (const [link, ok, name] of cases) {
    const world = new World({ seed: 104, link });
    const a = addRecorderHost(world, 'a', '10.0.0.1');
    const b = addRecorderHost(world, 'b', '10.0.0.2');
    // One datagram in flight at a time, so FIFO never stretches a sample.
    for (let i = 0; i < 2000; i++) world.at(i * 1000, 'send', () => a.send(BOB, `x${i}`));
    await world.run();
    const delays = b.received.map((r, i) => r.atMs - i * 1000);
    const mean = delays.reduce((x, y) => x + y, 0) / delays.length;
    t.ok(ok(mean, Math.min(...delays), Math.max(...delays)), `${name}: mean ${mean.toFixed(2)} min ${Math.min(...delays).toFixed(2)} max ${Math.max(...delays).toFixed(2)}`);
  }
});

t.test('datagrams over the MTU are dropped silently; smaller ones pass', async (t) => {
  const { world, alice, bob } = pair(105, { mtuBytes: 100 });
  alice.send(BOB, 'x'.repeat(101));
  alice.send(BOB, 'y'.repeat(100));
  await world.run();
  t.same(bob.received.map((r) => r.text.length), [100]);
  t.equal(world.network.stats.dropped.mtu, 1);
  t.same(alice.failures, [], 'no error reaches the sender');
});

t.test('a datagram to a closed port reports unreachable; to an unknown address it vanishes', async (t) => {
  const { world, alice } = pair(106);
  alice.send({ host: '10.0.0.2', port: 9999 }, 'hello');
  alice.send({ host: '10.9.9.9', port: 5060 }, 'void');
  await world.run();
  t.equal(alice.failures.length, 1);
  t.equal(alice.failures[0].kind, 'unreachable');
  t.same(alice.failures[0].destination, { host: '10.0.0.2', port: 9999 });
  t.same(world.network.stats.dropped, { 'no-listener': 1, 'no-route': 1 });
  t.equal(world.nowMs, 20, 'the ICMP error took a round trip');
});

t.test('a two-way partition loses packets both ways, in flight ones too; heal restores', async (t) => {
  const { world, alice, bob } = pair(107);
  alice.send(BOB, 'in flight');
  world.at(5, 'cut', () => world.partition('alice', 'bob'));
  await world.run();
  t.same(bob.received, []);
  bob.send(ALICE, 'back');
  await world.run();
  t.same(alice.received, []);
  world.heal('alice', 'bob');
  alice.send(BOB, 'after heal');
  await world.run();
  t.same(bob.received.map((r) => r.text), ['after heal']);
  t.equal(world.network.stats.dropped.partition, 2);
});

t.test('a one-way partition cuts only its direction', async (t) => {
  const { world, alice, bob } = pair(108);
  world.partition('alice', 'bob', { oneWay: true });
  alice.send(BOB, 'lost');
  bob.send(ALICE, 'arrives');
  await world.run();
  t.same(bob.received, []);
  t.same(alice.received.map((r) => r.text), ['arrives']);
});

t.test('isolate cuts a host off from everyone', async (t) => {
  const { world, alice, bob } = pair(108);
  const carol = addRecorderHost(world, 'carol', '10.0.0.3');
  world.network.isolate('bob');
  alice.send(BOB, 'to bob');
  bob.send({ host: '10.0.0.3', port: 5060 }, 'from bob');
  alice.send({ host: '10.0.0.3', port: 5060 }, 'to carol');
  await world.run();
  t.same(bob.received, []);
  t.same(carol.received.map((r) => r.text), ['to carol']);
  world.network.faults.healAll();
  alice.send(BOB, 'healed');
  await world.run();
  t.same(bob.received.map((r) => r.text), ['healed']);
});

t.test('hold queues packets in order and release delivers them at once', async (t) => {
  const { world, alice, bob } = pair(109);
  world.hold('alice', 'bob', { oneWay: true });
  for (let i = 0; i < 3; i++) world.at(i, 'send', () => alice.send(BOB, `h${i}`));
  await world.run({ untilMs: 100 });
  t.same(bob.received, []);
  t.equal(world.network.faults.heldCount('alice', 'bob'), 3);
  world.release('alice', 'bob', { oneWay: true });
  await world.run();
  t.same(bob.received.map((r) => [r.text, r.atMs]), [['h0', 100], ['h1', 100], ['h2', 100]]);
  t.equal(world.network.stats.held, 3);
});

t.test('per-pair link overrides apply one way or both', async (t) => {
  const { world, alice, bob } = pair(110);
  world.network.setLink('alice', 'bob', { latency: { kind: 'fixed', ms: 70 } }, { oneWay: true });
  alice.send(BOB, 'slow');
  bob.send(ALICE, 'default');
  await world.run();
  t.same(bob.received.map((r) => r.atMs), [70]);
  t.same(alice.received.map((r) => r.atMs), [10]);
  t.throws(() => world.network.setLink('alice', 'bob', { lossProbability: 2 }), RangeError);
  t.throws(() => world.network.setDefaultLink({ latency: { kind: 'uniform', minMs: 5, maxMs: 1 } }), RangeError);
});

t.test('IPv6 hosts exchange datagrams and trace bracketed endpoints', async (t) => {
  const world = new World({ seed: 111 });
  const a = addRecorderHost(world, 'a6', '2001:db8::1');
  const b = addRecorderHost(world, 'b6', '2001:db8::2');
  a.send({ host: '2001:db8::2', port: 5060 }, 'v6');
  await world.run();
  t.equal(b.received[0].text, 'v6');
  t.same(b.received[0].packet.source, { host: '2001:db8::1', port: 5060 });
  t.match(world.trace.format(), /a6@\[2001:db8::1\]:5060 -> b6@\[2001:db8::2\]:5060/);
});

t.test('dropMatching drops the next matching datagrams, then retires', async (t) => {
  const { world, alice, bob } = pair(112);
  const rule = world.network.dropMatching((p, from, to) => from === 'alice' && to === 'bob' && new TextDecoder().decode(p.data).startsWith('INVITE'), 2);
  for (const m of ['INVITE 1', 'BYE 1', 'INVITE 2', 'INVITE 3']) alice.send(BOB, m);
  await world.run();
  t.same(bob.received.map((r) => r.text), ['BYE 1', 'INVITE 3']);
  t.equal(rule.remaining, 0);
  t.equal(world.network.stats.dropped.filter, 2);
});
