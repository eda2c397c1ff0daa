/** Tests of the world loop: hosts exchanging datagrams, timers at exact virtual instants, run stop reasons, invariants, async settling. */
import t from 'tap';
import { World } from './world';
import { SimulationError } from './errors';
import type { InboundPacket } from '../engine/ports/transport';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const str = (b: Uint8Array): string => new TextDecoder().decode(b);

/** Two hosts: "alice" sends PINGs, "bob" answers PONG to the source address. */
function pingPong(seed: number, link = {}) {
  const world = new World({ seed, link });
  const received: Array<{ at: number; host: string; body: string; from: string }> = [];
  const record = (host: string) => (p: InboundPacket) =>
    received.push({ at: world.nowMs, host, body: str(p.data), from: `${p.source.host}:${p.source.port}` });
  world.addHost({
    name: 'bob',
    addresses: ['10.0.0.2'],
    listen: [{ protocol: 'udp', port: 5060 }],
    build: (ctx) =>
      ctx.onPacket((p) => {
        record('bob')(p);
        ctx.transport.send({ protocol: 'udp', destination: p.source, data: text(`PONG ${str(p.data).slice(5)}`) });
      }),
  });
  const alice = world.addHost({
    name: 'alice',
    addresses: ['10.0.0.1'],
    listen: [{ protocol: 'udp', port: 5060 }],
    build: (ctx) => {
      ctx.onPacket(record('alice'));
      return {
        ping: (n: number) => ctx.transport.send({ protocol: 'udp', destination: { host: '10.0.0.2', port: 5060 }, data: text(`PING ${n}`) }),
      };
    },
  });
  return { world, alice, received };
}

t.test('a datagram crosses a 10 ms link and the answer comes back 10 ms later', async (t) => {
  const { world, alice, received } = pingPong(1);
  alice.app.ping(1);
  const result = await world.run();
  t.equal(result.reason, 'idle');
  t.same(received, [
    { at: 10, host: 'bob', body: 'PING 1', from: '10.0.0.1:5060' },
    { at: 20, host: 'alice', body: 'PONG 1', from: '10.0.0.2:5060' },
  ]);
  t.equal(world.network.stats.delivered, 2);
  t.equal(world.trace.entries().length, 2);
  t.match(world.trace.format(), /deliver.*udp alice@10\.0\.0\.1:5060 -> bob@10\.0\.0\.2:5060 6B "PING 1"/);
});

t.test('engine timers on a host fire at exact virtual instants', async (t) => {
  const world = new World({ seed: 7 });
  const fired: Array<[string, number, number]> = [];
  world.addHost({
    name: 'h',
    addresses: ['10.0.0.9'],
    build: (ctx) => {
      for (const d of [500, 1000, 2000, 4000, 32000, 0.25]) ctx.timers.schedule(d, () => fired.push([`T${d}`, ctx.clock.nowMs(), world.nowMs]));
      const cancelled = ctx.timers.schedule(1500, () => fired.push(['cancelled', 0, 0]));
      ctx.timers.cancel(cancelled);
    },
  });
  const result = await world.run();
  t.equal(result.reason, 'idle');
  t.same(fired, [
    ['T0.25', 0.25, 0.25],
    ['T500', 500, 500],
    ['T1000', 1000, 1000],
    ['T2000', 2000, 2000],
    ['T4000', 4000, 4000],
    ['T32000', 32000, 32000],
  ]);
  t.equal(world.host('h').ctx.timers.armedCount, 0);
  t.equal(world.host('h').ctx.clock.armed, false, 'an idle host leaves no wake-up behind');
});

t.test('run stops at untilMs with time reading exactly untilMs', async (t) => {
  const world = new World({ seed: 1 });
  let count = 0;
  world.addHost({
    name: 'ticker',
    addresses: ['10.0.0.3'],
    build: (ctx) => {
      const tick = (): void => {
        count++;
        ctx.timers.schedule(100, tick);
      };
      ctx.timers.schedule(100, tick);
    },
  });
  const r1 = await world.run({ untilMs: 1050 });
  t.same(r1, { reason: 'time', events: 10, nowMs: 1050 });
  t.equal(count, 10);
  const r2 = await world.run({ maxEvents: 3 });
  t.equal(r2.reason, 'max-events');
  t.equal(world.nowMs, 1300);
  const r3 = await world.run({ until: () => count >= 20 });
  t.equal(r3.reason, 'until');
  t.equal(count, 20);
  t.equal(world.nowMs, 2000);
  const r4 = await world.runFor(500);
  t.equal(r4.nowMs, 2500);
  t.equal(count, 25);
});

t.test('runSync and step run events without microtask draining', async (t) => {
  const world = new World({ seed: 1 });
  const seen: number[] = [];
  world.after(5, 'a', () => seen.push(world.nowMs));
  world.after(3, 'b', () => seen.push(world.nowMs));
  world.after(3, 'c', () => seen.push(-world.nowMs));
  t.equal(world.step(), true);
  t.same(seen, [3]);
  const r = world.runSync();
  t.same(r, { reason: 'idle', events: 2, nowMs: 5 });
  t.same(seen, [3, -3, 5], 'same-time events run in scheduling order');
  t.equal(world.step(), false);
});

t.test('run drains promise callbacks between events, so async handlers settle deterministically', async (t) => {
  const world = new World({ seed: 1 });
  const log: string[] = [];
  world.after(1, 'first', () => {
    log.push('event 1');
    void Promise.resolve()
      .then(() => Promise.resolve())
      .then(() => log.push('async after 1'));
  });
  world.after(1, 'second', () => log.push('event 2'));
  await world.run();
  t.same(log, ['event 1', 'async after 1', 'event 2']);
});

t.test('an invariant violation stops the run with the seed and step', async (t) => {
  const world = new World({ seed: 42 });
  let n = 0;
  for (let i = 1; i <= 5; i++) world.after(i, `e${i}`, () => n++);
  world.addInvariant('n stays below 3', () => (n >= 3 ? `n is ${n}` : undefined));
  const error = await world.run().then(
    () => undefined,
    (e: unknown) => e,
  );
  t.ok(error instanceof SimulationError);
  t.equal((error as SimulationError).code, 'SIM_INVARIANT');
  t.same((error as SimulationError).context, { seed: 42, step: 3, timeMs: 3 });
  t.match((error as Error).message, /invariant "n stays below 3" violated: n is 3 \(seed 42, step 3, t=3ms\)/);
});

t.test('a throwing timer callback on a host fails the run loudly', async (t) => {
  const world = new World({ seed: 5 });
  world.addHost({
    name: 'bad',
    addresses: ['10.0.0.4'],
    build: (ctx) => {
      ctx.timers.schedule(10, () => {
        throw new Error('kaboom');
      });
    },
  });
  await t.rejects(world.run(), { code: 'SIM_TIMER_CALLBACK', message: /kaboom.*seed 5/ });
});

t.test('an event that throws fails the run with its label', async (t) => {
  const world = new World({ seed: 6 });
  world.after(1, 'broken thing', () => {
    throw new TypeError('nope');
  });
  t.throws(() => world.step(), { code: 'SIM_EVENT_THREW', message: /broken thing threw: TypeError: nope/ });
});

t.test('configuration mistakes throw SIM_CONFIG', async (t) => {
  const world = new World({ seed: 1 });
  world.addHost({ name: 'a', addresses: ['10.0.0.1'], build: () => undefined });
  t.throws(() => world.addHost({ name: 'a', addresses: ['10.0.0.5'], build: () => undefined }), { code: 'SIM_CONFIG' });
  t.throws(() => world.addHost({ name: 'b', addresses: ['10.0.0.1'], build: () => undefined }), { code: 'SIM_CONFIG' });
  t.throws(() => world.addHost({ name: 'c', addresses: ['10.0.0.3'], listen: [{ protocol: 'udp', host: '10.9.9.9', port: 1 }], build: () => undefined }), { code: 'SIM_CONFIG' });
  t.throws(() => world.host('nobody'), { code: 'SIM_CONFIG' });
  t.throws(() => world.at(-1, 'past', () => undefined), RangeError);
});


