/** Tests of TimerQueue: heap order against a sorted model, id generations, slot reuse. */
import t from 'tap';
import fc from 'fast-check';
import { assertProperty } from '../../test/support/assert-property';
import { TimerQueue } from './timer-queue';

t.test('property: add/remove/pop agree with a sorted list of (deadline, sequence)', async (t) => {
  const op = fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('add' as const), deadline: fc.integer({ min: 0, max: 200 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('pop' as const) }) },
  );
  await assertProperty(t, 
    fc.property(fc.array(op, { maxLength: 2000 }), (ops) => {
      const q = new TimerQueue();
      let model: Array<{ id: number; deadline: number; seq: number; name: number }> = [];
      const everIds: number[] = [];
      let seq = 0;
      for (const o of ops) {
        if (o.kind === 'add') {
          const name = seq;
          const id = q.add(o.deadline, () => name);
          everIds.push(id);
          model.push({ id, deadline: o.deadline, seq: seq++, name });
        } else if (o.kind === 'remove') {
          if (everIds.length === 0) continue;
          const id = everIds[o.pick % everIds.length];
          const armed = model.some((m) => m.id === id);
          if (q.remove(id) !== armed) return false;
          model = model.filter((m) => m.id !== id);
        } else {
          if (model.length === 0) continue;
          model.sort((a, b) => a.deadline - b.deadline || a.seq - b.seq);
          const head = model.shift() as (typeof model)[number];
          if (q.peekDeadline() !== head.deadline || q.peekId() !== head.id) return false;
          if ((q.pop() as () => number)() !== head.name) return false;
        }
        if (q.size !== model.length) return false;
      }
      model.sort((a, b) => a.deadline - b.deadline || a.seq - b.seq);
      for (const m of model) if ((q.pop() as () => number)() !== m.name) return false;
      return q.size === 0 && q.peekDeadline() === undefined;
    }),
    { numRuns: 200 },
    '200 random runs of up to 2000 operations agreed',
  );
});

t.test('a reused slot gets a new id; the old one stays dead', async (t) => {
  const q = new TimerQueue();
  const a = q.add(1, () => undefined);
  t.equal(q.has(a), true);
  t.equal(q.remove(a), true);
  const b = q.add(1, () => undefined);
  t.not(b, a);
  t.equal(b % 2 ** 24, a % 2 ** 24, 'same slot');
  t.equal(q.has(a), false);
  t.equal(q.remove(a), false);
  t.equal(q.size, 1);
  t.ok(a > 0 && b > 0, 'ids are positive, so 0 can mean "no timer"');
});

t.test('growth keeps every timer', async (t) => {
  const q = new TimerQueue();
  for (let i = 999; i >= 0; i--) q.add(i, () => undefined);
  const out: number[] = [];
  while (q.size > 0) {
    out.push(q.peekDeadline() as number);
    q.pop();
  }
  t.same(out, Array.from({ length: 1000 }, (_, i) => i));
});
