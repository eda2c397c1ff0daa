/** Tests of the event queue: (time, sequence) order and lazy cancellation. */
import t from 'tap';
import fc from 'fast-check';
import { assertProperty } from '../test/support/assert-property';
import { EventQueue } from './event-queue';

t.test('pops by time, then by insertion order; cancelled events never come out', async (t) => {
  const q = new EventQueue();
  const a = q.push(5, 'a', () => undefined);
  q.push(1, 'b', () => undefined);
  q.push(5, 'c', () => undefined);
  q.push(3, 'd', () => undefined);
  q.cancel(a);
  q.cancel(a);
  t.equal(q.size, 3);
  t.equal(q.peekTimeMs(), 1);
  const out: string[] = [];
  for (let e = q.pop(); e !== undefined; e = q.pop()) out.push(e.label);
  t.same(out, ['b', 'd', 'c']);
  t.equal(q.size, 0);
  t.equal(q.peekTimeMs(), undefined);
  t.throws(() => q.push(NaN, 'x', () => undefined), RangeError);
});

t.test('cancelling an event after it ran leaves the count alone', async (t) => {
  const q = new EventQueue();
  const e = q.push(1, 'e', () => undefined);
  q.push(2, 'f', () => undefined);
  t.equal(q.pop(), e);
  q.cancel(e);
  t.equal(q.size, 1);
});

t.test('property: matches a stable sort of the live events', async (t) => {
  await assertProperty(t, 
    fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.boolean()), { maxLength: 200 }), (items) => {
      const q = new EventQueue();
      const events = items.map(([time], i) => q.push(time, String(i), () => undefined));
      items.forEach(([, cancel], i) => cancel && q.cancel(events[i]));
      const expected = items
        .map(([time, cancel], i) => ({ time, cancel, i }))
        .filter((x) => !x.cancel)
        .sort((x, y) => x.time - y.time || x.i - y.i)
        .map((x) => String(x.i));
      const out: string[] = [];
      for (let e = q.pop(); e !== undefined; e = q.pop()) out.push(e.label);
      return JSON.stringify(out) === JSON.stringify(expected);
    }),
    undefined,
    'agreed with the model',
  );
});
