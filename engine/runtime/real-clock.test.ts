/** Tests of RealClock and RealRandom against real time and the crypto source (no timing assertions beyond "not early"). */
import t from 'tap';
import { RealClock } from './real-clock';
import { RealRandom } from './real-random';
import { ClockTimerService } from '../timers/clock-timer-service';

t.test('RealClock is monotonic and never wakes before the requested time', async (t) => {
  const clock = new RealClock();
  const a = clock.nowMs();
  const b = clock.nowMs();
  t.ok(b >= a, 'monotonic');
  const atMs = clock.nowMs() + 15.3;
  const wokeAt = await new Promise<number>((resolve) => clock.setWakeup(atMs, () => resolve(clock.nowMs())));
  t.ok(wokeAt >= atMs, `woke at ${wokeAt} for ${atMs}`);
});

t.test('RealClock: a later setWakeup replaces the earlier one; undefined disarms', async (t) => {
  const clock = new RealClock();
  const calls: string[] = [];
  clock.setWakeup(clock.nowMs() + 5, () => calls.push('first'));
  await new Promise<void>((resolve) => clock.setWakeup(clock.nowMs() + 10, () => {
    calls.push('second');
    resolve();
  }));
  t.same(calls, ['second']);
  clock.setWakeup(clock.nowMs() + 1, () => calls.push('disarmed'));
  clock.setWakeup(undefined, () => calls.push('never'));
  await new Promise((r) => setTimeout(r, 20));
  t.same(calls, ['second'], 'a disarmed wake-up does not fire');
  clock.close();
});

t.test('ClockTimerService over RealClock fires timers in order, not early', async (t) => {
  const clock = new RealClock();
  const timers = new ClockTimerService(clock, { onError: (e) => t.fail(String(e)) });
  const start = clock.nowMs();
  const fired: Array<[number, number]> = [];
  await new Promise<void>((resolve) => {
    for (const d of [12, 3, 7]) timers.schedule(d, () => {
      fired.push([d, clock.nowMs() - start]);
      if (fired.length === 3) resolve();
    });
  });
  t.same(fired.map((f) => f[0]), [3, 7, 12]);
  t.ok(fired.every(([d, at]) => at >= d), 'none early');
  t.equal(timers.armedCount, 0);
  clock.close();
});

t.test('an unref\'d RealClock still wakes while something else keeps the loop alive', async (t) => {
  const clock = new RealClock({ unref: true });
  const keepAlive = setTimeout(() => undefined, 1000);
  const woke = await new Promise<boolean>((resolve) => clock.setWakeup(clock.nowMs() + 2, () => resolve(true)));
  clearTimeout(keepAlive);
  t.equal(woke, true);
});

t.test('RealRandom gives tokens from [0-9a-z] and forks independent streams', async (t) => {
  const random = new RealRandom();
  const token = random.token(32);
  t.match(token, /^[0-9a-z]{32}$/);
  const f = random.nextFloat();
  t.ok(f >= 0 && f < 1);
  const child = random.fork('tags');
  t.not(child.token(16), random.token(16), 'different streams (2^-82 chance of a false failure)');
  const seen = new Set<number>();
  for (let i = 0; i < 2000; i++) seen.add(random.nextUint32());
  t.ok(seen.size > 1990, 'values are spread out across the 4 KiB pool refills');
});
