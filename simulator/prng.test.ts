/** Tests of SeededRandom: reproducibility, fork independence, distributions within generous bounds. */
import t from 'tap';
import { SeededRandom } from './prng';

const draw = (r: SeededRandom, n: number): number[] => Array.from({ length: n }, () => r.nextUint32());

t.test('the same seed gives the same stream; different seeds differ', async (t) => {
  t.same(draw(SeededRandom.fromSeed(1), 20), draw(SeededRandom.fromSeed(1), 20));
  t.notSame(draw(SeededRandom.fromSeed(1), 20), draw(SeededRandom.fromSeed(2), 20));
  t.notSame(draw(SeededRandom.fromSeed(2 ** 32 + 1), 20), draw(SeededRandom.fromSeed(1), 20), 'high seed bits matter');
  t.ok(draw(SeededRandom.fromSeed(0), 50).every((v) => Number.isInteger(v) && v >= 0 && v < 2 ** 32));
});

t.test('fork depends on the label and the parent seed, not on how much the parent drew', async (t) => {
  const a = SeededRandom.fromSeed(9);
  const b = SeededRandom.fromSeed(9);
  draw(b, 1000);
  t.same(draw(a.fork('net'), 10), draw(b.fork('net'), 10), 'drawing from the parent does not shift a fork');
  t.notSame(draw(a.fork('net'), 10), draw(a.fork('host'), 10), 'labels give different streams');
  t.same(draw(a.fork('x').fork('y'), 5), draw(b.fork('x').fork('y'), 5), 'nested forks are reproducible');
  t.notSame(draw(a.fork('x').fork('y'), 5), draw(a.fork('y').fork('x'), 5), 'fork paths are ordered');
  t.equal(a.fork('x').fork('y').label, 'root/x/y');
});

t.test('adding a consumer never shifts another consumer', async (t) => {
  const run = (extra: boolean): number[] => {
    const root = SeededRandom.fromSeed(77);
    const tags = root.fork('tags');
    if (extra) draw(root.fork('new-consumer'), 100);
    return draw(tags, 10);
  };
  t.same(run(false), run(true));
});

t.test('forked streams look independent (low correlation)', async (t) => {
  const root = SeededRandom.fromSeed(3);
  const x = root.fork('a');
  const y = root.fork('b');
  const n = 20000;
  let sx = 0, sy = 0, sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    const u = x.nextFloat();
    const v = y.nextFloat();
    sx += u; sy += v; sxy += u * v; sxx += u * u; syy += v * v;
  }
  const corr = (n * sxy - sx * sy) / Math.sqrt((n * sxx - sx * sx) * (n * syy - sy * sy));
  t.ok(Math.abs(corr) < 0.03, `correlation ${corr.toFixed(4)}`);
});

t.test('floats, ints, chance, normal and tokens behave', async (t) => {
  const r = SeededRandom.fromSeed(11);
  const n = 20000;
  let sum = 0;
  const buckets = new Array<number>(10).fill(0);
  let outOfRange = 0;
  for (let i = 0; i < n; i++) {
    const f = r.nextFloat();
    if (!(f >= 0 && f < 1)) outOfRange++;
    sum += f;
    buckets[Math.floor(f * 10)]++;
  }
  t.equal(outOfRange, 0, 'floats lie in [0, 1)');
  t.ok(Math.abs(sum / n - 0.5) < 0.02, 'mean near 0.5');
  t.ok(buckets.every((b) => Math.abs(b - n / 10) < n / 10 * 0.1), `buckets ${buckets.join(',')}`);
  const ints = new Set(Array.from({ length: 2000 }, () => r.int(3, 7)));
  t.same([...ints].sort(), [3, 4, 5, 6, 7]);
  let hits = 0;
  for (let i = 0; i < n; i++) if (r.chance(0.2)) hits++;
  t.ok(Math.abs(hits / n - 0.2) < 0.02, `chance(0.2) hit ${hits / n}`);
  t.equal(r.chance(0), false);
  t.equal(r.chance(1), true);
  let s = 0, ss = 0;
  for (let i = 0; i < n; i++) {
    const z = r.normal();
    s += z;
    ss += z * z;
  }
  t.ok(Math.abs(s / n) < 0.05 && Math.abs(ss / n - 1) < 0.06, `normal mean ${s / n} var ${ss / n}`);
  const token = r.token(40);
  t.match(token, /^[0-9a-z]{40}$/);
  t.equal(new Set(Array.from({ length: 1000 }, () => r.token(10))).size, 1000, 'tokens do not repeat');
});

t.test('bad seeds are programmer errors', async (t) => {
  t.throws(() => SeededRandom.fromSeed(-1), RangeError);
  t.throws(() => SeededRandom.fromSeed(1.5), RangeError);
  t.throws(() => SeededRandom.fromSeed(2 ** 60), RangeError);
});
