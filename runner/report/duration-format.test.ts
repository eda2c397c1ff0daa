/** Tests of the report number formats: SIPp durations, mean, stdev and periodic moments. */
import t from 'tap';
import { formatDurationUs, formatElapsed, meanMs, momentsSince, stdevMs } from './duration-format';

t.test('durations print in SIPp\'s HH:MM:SS:uuuuuu form', async (t) => {
  t.equal(formatDurationUs(0), '00:00:00:000000');
  t.equal(formatDurationUs(4), '00:00:00:004000');
  t.equal(formatDurationUs(3_723_456.789), '01:02:03:456789');
  t.equal(formatElapsed(61_999), '00:01:01');
  t.equal(formatDurationUs(-5), '00:00:00:000000', 'negative clamps to zero');
});

t.test('mean, population stdev, and periodic moments by difference', async (t) => {
  const all = { count: 4, sumMs: 2 + 4 + 4 + 6, sumSquaresMs: 4 + 16 + 16 + 36 };
  t.equal(meanMs(all), 4);
  t.equal(stdevMs(all), Math.sqrt(2));
  t.equal(meanMs({ count: 0, sumMs: 0, sumSquaresMs: 0 }), 0);
  t.equal(stdevMs({ count: 0, sumMs: 0, sumSquaresMs: 0 }), 0);
  const since = momentsSince(all, { count: 2, sumMs: 6, sumSquaresMs: 20 });
  t.same(since, { count: 2, sumMs: 10, sumSquaresMs: 52 });
  t.equal(meanMs(since), 5);
});
