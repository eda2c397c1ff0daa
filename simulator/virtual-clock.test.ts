/** Tests of per-host virtual clocks with skew: timers fire at exact local instants, never early. */
import t from 'tap';
import { World } from './world';

t.test('an offset clock reads offset + world time and fires timers at world time + delay', async (t) => {
  const world = new World({ seed: 1 });
  const fired: Array<[number, number]> = [];
  const host = world.addHost({
    name: 'ahead',
    addresses: ['10.0.0.1'],
    clock: { offsetMs: 5000 },
    build: (ctx) => ctx.timers.schedule(500, () => fired.push([ctx.clock.nowMs(), world.nowMs])),
  });
  t.equal(host.ctx.clock.nowMs(), 5000);
  await world.run();
  t.same(fired, [[5500, 500]]);
});

t.test('a fast clock fires its timers earlier in world time, exactly on its own time', async (t) => {
  const world = new World({ seed: 1 });
  const fired: Array<[string, number, number]> = [];
  for (const [name, rate] of [['fast', 1.25], ['slow', 0.8], ['odd', 1.0001]] as const) {
    world.addHost({
      name,
      addresses: [`10.0.0.${name.length + (rate > 1 ? 10 : 20)}`],
      clock: { rate, offsetMs: 3.3 },
      build: (ctx) => {
        for (const d of [100, 1000, 32000]) ctx.timers.schedule(d, () => fired.push([name, ctx.clock.nowMs() - 3.3 - d, world.nowMs]));
      },
    });
  }
  await world.run();
  const byName = (n: string) => fired.filter((f) => f[0] === n);
  t.same(byName('fast').map((f) => f[2]), [80, 800, 25600]);
  t.same(byName('slow').map((f) => f[2]), [125, 1250, 40000]);
  t.ok(fired.every((f) => f[1] >= 0 && f[1] < 1e-6), 'every timer fired at its local deadline, never before');
});

t.test('adjust steps or slews a running clock', async (t) => {
  const world = new World({ seed: 1 });
  const host = world.addHost({ name: 'h', addresses: ['10.0.0.1'], build: () => undefined });
  const clock = host.ctx.clock;
  await world.run({ untilMs: 1000 });
  clock.adjust({ rate: 2 });
  t.equal(clock.nowMs(), 1000, 'a rate change keeps local time continuous');
  await world.run({ untilMs: 1500 });
  t.equal(clock.nowMs(), 2000);
  clock.adjust({ offsetMs: -300 });
  t.equal(clock.nowMs(), 1700, 'an offset change steps it');
  t.throws(() => clock.adjust({ rate: 0 }), RangeError);
  t.throws(() => world.addHost({ name: 'bad', addresses: ['10.0.0.2'], clock: { rate: -1 }, build: () => undefined }), RangeError);
});

t.test('a wake-up requested in the past fires at the current world time', async (t) => {
  const world = new World({ seed: 1 });
  const host = world.addHost({ name: 'h', addresses: ['10.0.0.1'], build: () => undefined });
  await world.run({ untilMs: 100 });
  let firedAt = -1;
  host.ctx.clock.setWakeup(50, () => (firedAt = world.nowMs));
  await world.run();
  t.equal(firedAt, 100);
});
