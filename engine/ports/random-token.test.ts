/** randomToken: alphabet, length, and the redraw of values that would bias the distribution. */
import t from 'tap';
import { randomToken } from './random-token';

function sequence(values: readonly number[]): { nextUint32(): number } {
  let i = 0;
  return { nextUint32: () => values[i++ % values.length]! };
}

t.test('maps each draw to one character of [0-9a-z]', async (t) => {
  t.equal(randomToken(sequence([0, 1, 10, 35, 36]), 5), '01az0');
});

t.test('gives exactly the requested length', async (t) => {
  for (const length of [0, 1, 7, 32]) t.equal(randomToken(sequence([5]), length).length, length);
});

t.test('redraws values at or above the largest multiple of 36 below 2^32', async (t) => {
  const limit = Math.floor(2 ** 32 / 36) * 36;
  t.equal(randomToken(sequence([limit, 2 ** 32 - 1, 11]), 1), 'b');
  t.equal(randomToken(sequence([limit - 1]), 1), ((limit - 1) % 36).toString(36));
});
