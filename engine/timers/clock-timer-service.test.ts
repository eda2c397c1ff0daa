/** Tests of ClockTimerService: order, ties, cancel, re-entrancy, errors, counts, and a model check. */
import t from 'tap';
import fc from 'fast-check';
import { assertProperty } from '../../test/support/assert-property';
import { ClockTimerService, TimerError } from './clock-timer-service';
import { ManualClock } from './manual-clock';

function setup(startMs = 0) {
  const clock = new ManualClock(startMs);
  const errors: Array<{ error: unknown; id: number }> = [];
  const timers = new ClockTimerService(clock, { onError: (error, id) => errors.push({ error, id }) });
  return { clock, timers, errors };
}

t.test('timers fire in deadline order, each at exactly its deadline', async (t) => {
  const { clock, timers } = setup(1000);
  const fired: Array<[string, number]> = [];
  for (const [name, delay] of [['c', 30], ['a', 10], ['b', 20], ['d', 20.5]] as const) {
    timers.schedule(delay, () => fired.push([name, clock.nowMs()]));
  }
  t.equal(timers.armedCount, 4);
  t.equal(timers.nextDeadlineMs(), 1010);
  clock.advanceTo(2000);
  t.same(fired, [['a', 1010], ['b', 1020], ['d', 1020.5], ['c', 1030]]);
  t.equal(timers.armedCount, 0);
  t.equal(timers.nextDeadlineMs(), undefined);
});

t.test('a timer never fires before its deadline', async (t) => {
  const { clock, timers } = setup();
  let fired = false;
  timers.schedule(100, () => (fired = true));
  clock.advanceTo(99.999);
  t.equal(fired, false, 'not at 99.999');
  clock.advanceTo(100);
  t.equal(fired, true, 'at 100');
});

t.test('ties fire in scheduling order', async (t) => {
  const { clock, timers } = setup();
  const fired: number[] = [];
  for (let i = 0; i < 50; i++) timers.schedule(i % 2 === 0 ? 5 : 5, () => fired.push(i));
  clock.advanceBy(5);
  t.same(fired, Array.from({ length: 50 }, (_, i) => i));
});

t.test('ties between timers scheduled at different times but the same deadline keep scheduling order', async (t) => {
  const { clock, timers } = setup();
  const fired: string[] = [];
  timers.schedule(10, () => fired.push('first'));
  clock.advanceBy(4);
  timers.schedule(6, () => fired.push('second'));
  clock.advanceBy(6);
  t.same(fired, ['first', 'second']);
});

t.test('cancel disarms; cancel after fire or twice is a no-op', async (t) => {
  const { clock, timers } = setup();
  const fired: string[] = [];
  const a = timers.schedule(10, () => fired.push('a'));
  const b = timers.schedule(20, () => fired.push('b'));
  timers.cancel(a);
  t.equal(timers.armedCount, 1);
  timers.cancel(a);
  t.equal(timers.armedCount, 1, 'second cancel changes nothing');
  clock.advanceBy(30);
  t.same(fired, ['b']);
  timers.cancel(b);
  t.equal(timers.armedCount, 0);
  const c = timers.schedule(5, () => fired.push('c'));
  timers.cancel(b);
  timers.cancel(a);
  t.equal(timers.armedCount, 1, 'stale ids do not cancel a timer that reused their slot');
  clock.advanceBy(5);
  t.same(fired, ['b', 'c']);
  t.not(c, b, 'a reused slot gives a new id');
  timers.cancel(123456789);
  timers.cancel(-1);
  timers.cancel(0.5);
  t.equal(timers.armedCount, 0, 'unknown ids are ignored');
});

t.test('cancelling the last timer disarms the clock; the head wake-up stays otherwise', async (t) => {
  const { clock, timers } = setup();
  const a = timers.schedule(10, () => undefined);
  const b = timers.schedule(20, () => undefined);
  t.equal(clock.wakeupAtMs, 10);
  timers.cancel(a);
  t.equal(clock.wakeupAtMs, 10, 'a spurious wake-up is cheaper than re-arming on every cancel');
  clock.advanceBy(10);
  t.equal(clock.wakeupAtMs, 20, 're-armed for the next head after the spurious wake-up');
  timers.cancel(b);
  t.equal(clock.wakeupAtMs, undefined);
});

t.test('an earlier timer re-arms the clock; a later one does not', async (t) => {
  const { clock, timers } = setup();
  timers.schedule(50, () => undefined);
  t.equal(clock.wakeupAtMs, 50);
  timers.schedule(70, () => undefined);
  t.equal(clock.wakeupAtMs, 50);
  timers.schedule(30, () => undefined);
  t.equal(clock.wakeupAtMs, 30);
});

t.test('callbacks may schedule and cancel other timers', async (t) => {
  const { clock, timers } = setup();
  const fired: Array<[string, number]> = [];
  let victim = 0;
  timers.schedule(10, () => {
    fired.push(['a', clock.nowMs()]);
    timers.cancel(victim);
    timers.schedule(0, () => fired.push(['a0', clock.nowMs()]));
    timers.schedule(5, () => fired.push(['a5', clock.nowMs()]));
  });
  victim = timers.schedule(10, () => fired.push(['victim', clock.nowMs()]));
  timers.schedule(12, () => fired.push(['b', clock.nowMs()]));
  clock.advanceBy(100);
  t.same(fired, [['a', 10], ['a0', 10], ['b', 12], ['a5', 15]]);
  t.equal(timers.armedCount, 0);
});

t.test('a callback that re-arms itself with delay 0 runs once per wake-up, not in a loop', async (t) => {
  const { clock, timers } = setup();
  let runs = 0;
  const tick = (): void => {
    runs++;
    if (runs < 5) timers.schedule(0, tick);
  };
  timers.schedule(1, tick);
  const before = clock.wakeups;
  clock.advanceBy(1);
  t.equal(runs, 5);
  t.equal(clock.wakeups - before, 5, 'each re-arm took its own wake-up');
});

t.test('a throwing callback is reported to onError and the others still fire', async (t) => {
  const { clock, timers, errors } = setup();
  const fired: string[] = [];
  timers.schedule(1, () => fired.push('before'));
  const bad = timers.schedule(1, () => {
    throw new Error('boom');
  });
  timers.schedule(1, () => fired.push('after'));
  timers.schedule(2, () => fired.push('later'));
  clock.advanceBy(5);
  t.same(fired, ['before', 'after', 'later']);
  t.equal(errors.length, 1);
  t.equal((errors[0].error as Error).message, 'boom');
  t.equal(errors[0].id, bad, 'the error names the timer that threw');
  t.equal(timers.armedCount, 0);
});

t.test('programmer errors throw with a stable code', async (t) => {
  const { timers } = setup();
  for (const delay of [-1, NaN, Infinity]) {
    t.throws(() => timers.schedule(delay, () => undefined), { code: 'ERR_TIMER_INVALID_DELAY' });
  }
  t.throws(() => timers.schedule(1, undefined as unknown as () => void), { code: 'ERR_TIMER_INVALID_CALLBACK' });
  t.throws(
    () => new ClockTimerService(new ManualClock(), {} as unknown as { onError: () => void }),
    { code: 'ERR_TIMER_INVALID_CALLBACK' },
  );
  t.ok(new TimerError('ERR_TIMER_INVALID_DELAY', 'x') instanceof Error);
  t.equal(timers.armedCount, 0);
});

t.test('10^5 armed timers, all cancelled, leave armedCount 0 and the clock disarmed', async (t) => {
  const { clock, timers } = setup();
  const ids: number[] = [];
  let fired = 0;
  for (let i = 0; i < 100_000; i++) ids.push(timers.schedule((i * 7919) % 32_000, () => fired++));
  t.equal(timers.armedCount, 100_000);
  t.equal(new Set(ids).size, 100_000, 'ids are unique');
  for (let i = 0; i < ids.length; i += 2) timers.cancel(ids[i]);
  t.equal(timers.armedCount, 50_000);
  for (let i = 1; i < ids.length; i += 2) timers.cancel(ids[i]);
  t.equal(timers.armedCount, 0);
  t.equal(clock.wakeupAtMs, undefined);
  clock.advanceBy(40_000);
  t.equal(fired, 0);
});

t.test('10^5 timers fire in (deadline, scheduling) order', async (t) => {
  const { clock, timers } = setup();
  const order: number[] = [];
  const deadlines: number[] = [];
  for (let i = 0; i < 100_000; i++) {
    const delay = (i * 104729) % 1000;
    deadlines.push(delay);
    timers.schedule(delay, () => order.push(i));
  }
  clock.advanceBy(1000);
  const expected = deadlines.map((d, i) => [d, i]).sort((x, y) => x[0] - y[0] || x[1] - y[1]).map((x) => x[1]);
  t.equal(order.length, 100_000);
  t.ok(order.every((v, i) => v === expected[i]), 'same order as a stable sort by deadline');
});

type Op =
  | { kind: 'schedule'; delayMs: number }
  | { kind: 'cancel'; pick: number }
  | { kind: 'advance'; byMs: number }
  | { kind: 'nested'; delayMs: number; childDelayMs: number; cancelPick: number };

/** The naive model: a list of armed timers, fired by scanning for the minimum (deadline, seq). */
class NaiveTimers {
  armed: Array<{ id: number; seq: number; deadline: number; fire: () => void }> = [];
  private seq = 0;
  private nextId = 1;
  now = 0;
  schedule(delayMs: number, fire: () => void): number {
    const id = this.nextId++;
    this.armed.push({ id, seq: this.seq++, deadline: this.now + delayMs, fire });
    return id;
  }
  cancel(id: number): void {
    this.armed = this.armed.filter((x) => x.id !== id);
  }
  advanceTo(target: number): void {
    for (;;) {
      let best = -1;
      for (let i = 0; i < this.armed.length; i++) {
        const x = this.armed[i];
        if (x.deadline > target) continue;
        if (best < 0) best = i;
        else {
          const b = this.armed[best];
          if (x.deadline < b.deadline || (x.deadline === b.deadline && x.seq < b.seq)) best = i;
        }
      }
      if (best < 0) break;
      const x = this.armed[best];
      this.armed.splice(best, 1);
      this.now = Math.max(this.now, x.deadline);
      x.fire();
    }
    this.now = target;
  }
}

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('schedule' as const), delayMs: fc.integer({ min: 0, max: 50 }) }),
  fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('advance' as const), byMs: fc.integer({ min: 0, max: 30 }) }),
  fc.record({
    kind: fc.constant('nested' as const),
    delayMs: fc.integer({ min: 0, max: 20 }),
    childDelayMs: fc.integer({ min: 0, max: 10 }),
    cancelPick: fc.nat(),
  }),
);

t.test('property: random schedule/cancel/advance sequences fire like the naive model', async (t) => {
  await assertProperty(t, 
    fc.property(fc.array(opArb, { maxLength: 120 }), (ops) => {
      const { clock, timers } = setup();
      const model = new NaiveTimers();
      const realLog: Array<[number, number]> = [];
      const modelLog: Array<[number, number]> = [];
      // Logical names shared by both sides: index i is the i-th scheduled timer.
      const realIds: number[] = [];
      const modelIds: number[] = [];
      const scheduleBoth = (delayMs: number, onFire?: (side: 'real' | 'model') => void): void => {
        const name = realIds.length;
        realIds.push(timers.schedule(delayMs, () => {
          realLog.push([name, clock.nowMs()]);
          onFire?.('real');
        }));
        modelIds.push(model.schedule(delayMs, () => {
          modelLog.push([name, model.now]);
          onFire?.('model');
        }));
      };
      for (const op of ops) {
        switch (op.kind) {
          case 'schedule':
            scheduleBoth(op.delayMs);
            break;
          case 'cancel':
            if (realIds.length > 0) {
              const i = op.pick % realIds.length;
              timers.cancel(realIds[i]);
              model.cancel(modelIds[i]);
            }
            break;
          case 'advance':
            clock.advanceBy(op.byMs);
            model.advanceTo(model.now + op.byMs);
            break;
          case 'nested': {
            const target = op.cancelPick;
            scheduleBoth(op.delayMs, (side) => {
              const ids = side === 'real' ? realIds : modelIds;
              if (ids.length > 0) {
                const i = target % ids.length;
                if (side === 'real') timers.cancel(ids[i]);
                else model.cancel(ids[i]);
              }
              // Children are named separately per side, so both sides must create them in the same order.
              if (side === 'real') timers.schedule(op.childDelayMs, () => realLog.push([-1, clock.nowMs()]));
              else model.schedule(op.childDelayMs, () => modelLog.push([-1, model.now]));
            });
            break;
          }
          default: {
            const never: never = op;
            throw new Error(`unknown op ${JSON.stringify(never)}`);
          }
        }
        if (timers.armedCount !== model.armed.length) return false;
      }
      clock.advanceBy(1000);
      model.advanceTo(model.now + 1000);
      return JSON.stringify(realLog) === JSON.stringify(modelLog) && timers.armedCount === 0 && model.armed.length === 0;
    }),
    { numRuns: 300 },
    '300 random runs agreed with the model',
  );
});
