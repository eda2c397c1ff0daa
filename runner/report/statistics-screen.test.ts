/** Tests of the statistics screen and the repartition tables. */
import t from 'tap';
import { formatRepartition, formatStatisticsScreen } from './statistics-screen';
import { durationStats, fixtureStats } from './test-fixtures';

t.test('the statistics screen lists counters, failure reasons that occurred, and timings', async (t) => {
  const text = formatStatisticsScreen(fixtureStats({ FailedUnexpectedMessage: 2 }), { elapsedMs: 2000 });
  t.match(text, /Outgoing calls created \| 10 /);
  t.match(text, /Total Calls created {4}\| 10 /);
  t.match(text, /Successful call {8}\| 8 /);
  t.match(text, /Failed call {12}\| 2 /);
  t.match(text, /FailedUnexpectedMessage\| 2 /);
  t.notMatch(text, /FailedMaxUDPRetrans/, 'reasons with zero calls are left out');
  t.match(text, /Call Rate {14}\| 5\.000 cps/);
  t.match(text, /Response Time 1 {8}\| 13\.75 ms mean/);
  t.match(text, /Call Length {12}\| 587\.5 ms mean/);
  t.match(text, /Counter answered {7}\| 10 /);
  t.notMatch(text, /Start Time/, 'no wall clock unless given (simulator output stays deterministic)');
  t.match(formatStatisticsScreen(fixtureStats(), { elapsedMs: 0, startedAt: 'X' }), /Start Time {13}\| X/);
});

t.test('a repartition prints one line per bucket and the overflow', async (t) => {
  const text = formatRepartition('Average Response Time Repartition 1', durationStats([10, 20], [5, 5, 15, 30]));
  t.same(text.split('\n'), [
    '  Average Response Time Repartition 1',
    '           0 ms <= n <         10 ms :          2',
    '          10 ms <= n <         20 ms :          1',
    '                   n >=         20 ms :          1',
  ]);
});

t.test('a timing without samples says so', async (t) => {
  const stats = { ...fixtureStats(), callLength: durationStats([10], []) };
  t.match(formatStatisticsScreen(stats, { elapsedMs: 1 }), /Call Length {12}\| no samples/);
});
