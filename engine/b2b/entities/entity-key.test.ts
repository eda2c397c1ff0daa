/** Entity keys and the entity table (opensips-b2b.md §1.3, §3.1). */
import t from 'tap';
import { ManualClock } from '../../timers/manual-clock';
import { CountingRandom } from '../../transaction/test-support';
import { EntityKeyGenerator, parseEntityKey } from './entity-key';
import { EntityTable } from './entity-table';
import { EntitiesError } from './entity-errors';

t.test('a key is prefix.hash.local.time.rand, its hash names a bucket, and it parses back', async (t) => {
  const clock = new ManualClock(1_649_338_095_000);
  const keys = new EntityKeyGenerator('B2B', 4, clock, new CountingRandom());
  const a = keys.next('call-1');
  const b = keys.next('call-1');
  t.match(a.key, /^B2B\.\d+\.0\.1649338095\.\d+$/);
  t.match(b.key, new RegExp(`^B2B\\.${a.hashIndex}\\.1\\.`), 'the local index counts per bucket');
  t.ok(a.hashIndex < 16);
  t.equal(keys.parse(a.key), a.hashIndex);
  t.not(a.key, b.key);
});

t.test('the same inputs give the same keys (determinism)', async (t) => {
  const make = (): string[] => {
    const keys = new EntityKeyGenerator('B2B', 9, new ManualClock(5000), new CountingRandom());
    return [keys.next('x').key, keys.next('y').key];
  };
  t.same(make(), make());
});

t.test('parse rejects what is not a key of this prefix', async (t) => {
  t.equal(parseEntityKey('B2B', 'B2B.1.2.3.4', 512), 1);
  t.equal(parseEntityKey('B2B', 'B2B.1.2.3', 512), undefined);
  t.equal(parseEntityKey('B2B', 'B2B.1.2.3.4.5', 512), undefined);
  t.equal(parseEntityKey('B2B', 'B2B.a.2.3.4', 512), undefined);
  t.equal(parseEntityKey('B2B', 'XB2B.1.2.3.4', 512), undefined);
  t.equal(parseEntityKey('B2B', 'B2B.600.2.3.4', 512), undefined);
  t.equal(parseEntityKey('B2B', undefined, 512), undefined);
});

t.test('bad prefixes and table sizes fail at start', async (t) => {
  const clock = new ManualClock();
  t.throws(() => new EntityKeyGenerator('B.2B', 9, clock, new CountingRandom()), EntitiesError);
  t.throws(() => new EntityKeyGenerator('', 9, clock, new CountingRandom()), EntitiesError);
  t.throws(() => new EntityKeyGenerator('B2B', 21, clock, new CountingRandom()), EntitiesError);
});

t.test('the table counts, finds by bucket and key, and removes', async (t) => {
  const table = new EntityTable<{ key: string }>(8);
  table.add(3, { key: 'a' });
  table.add(3, { key: 'b' });
  table.add(5, { key: 'c' });
  t.equal(table.size, 3);
  t.equal(table.get(3, 'b')?.key, 'b');
  t.equal(table.get(5, 'b'), undefined);
  t.same([...table.bucket(3)].map((e) => e.key), ['a', 'b']);
  t.equal(table.remove(3, 'a'), true);
  t.equal(table.remove(3, 'a'), false);
  t.same([...table.values()].map((e) => e.key), ['b', 'c']);
  t.equal(table.size, 2);
});
