/** assertProperty turns a counter-example, or runs that did not execute, into failing assertions. */
import t from 'tap';
import fc from 'fast-check';
import { assertProperty } from './assert-property';

function recorder() {
  const calls: { found: unknown; wanted: unknown; message: string }[] = [];
  return { calls, equal: (found: unknown, wanted: unknown, message: string) => calls.push({ found, wanted, message }) };
}

t.test('a holding property gives two passing equalities', async (t) => {
  const r = recorder();
  await assertProperty(r, fc.property(fc.integer(), (n) => n === n), { numRuns: 25 }, 'reflexive');
  t.same(r.calls.map((c) => c.found === c.wanted), [true, true]);
  t.equal(r.calls[1]!.found, 25);
});

t.test('a counter-example fails the first equality with fast-check\'s report', async (t) => {
  const r = recorder();
  await assertProperty(r, fc.property(fc.integer({ min: 0, max: 10 }), (n) => n < 5), { numRuns: 200, seed: 1 }, 'small');
  t.equal(r.calls[0]!.found, true, 'failed is reported');
  t.match(r.calls[0]!.message, /Counterexample/);
});

t.test('async properties are awaited', async (t) => {
  const r = recorder();
  await assertProperty(r, fc.asyncProperty(fc.boolean(), async () => true), { numRuns: 10 }, 'async');
  t.same(r.calls.map((c) => c.found), [false, 10]);
});
