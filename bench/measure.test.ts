/** The bench measurement helper: median, and the structure (not the speed) of a measurement. */
import t from 'tap';
import { measure, median } from './measure';

const tiny = { warmupMs: 10, rounds: 3, roundMs: 5, allocationSamples: 8, allocationBatch: 20 };

t.test('median of odd and even lists', async (t) => {
  t.equal(median([3, 1, 2]), 2);
  t.equal(median([4, 1, 3, 2]), 2.5);
});

t.test('a measurement has one figure per round and consistent rates', async (t) => {
  const m = await measure(() => 1 + 1, tiny);
  t.equal(m.roundsNsPerOp.length, 3);
  t.ok(m.nsPerOp > 0 && Number.isFinite(m.nsPerOp));
  t.equal(m.roundsCpuNsPerOp.length, 3);
  t.ok(m.cpuNsPerOp >= 0 && Number.isFinite(m.cpuNsPerOp));
  t.ok(Math.abs(m.opsPerSec * m.cpuNsPerOp - 1e9) < 1, 'opsPerSec is 1e9 / cpuNsPerOp');
  t.ok(m.iterationsPerRound >= 100);
});

t.test('allocation counts what an op allocates on the heap', async (t) => {
  const m = await measure(() => new Array<number>(1000).fill(1), tiny);
  t.ok(m.allocationSamplesUsed > 0, 'some samples were free of GC');
  t.ok((m.heapBytesPerOp ?? 0) >= 8000, `an array of 1000 numbers is at least 8000 bytes (got ${m.heapBytesPerOp})`);
});
