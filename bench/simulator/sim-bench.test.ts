/** The simulator benchmark's shape on a tiny world: every transaction completes, figures are sound; no speed is asserted. */
import t from 'tap';
import { runOnce, runSimBench, SimBenchError, simBenchMarkdown, simRowLine } from './sim-bench';

t.test('runSimBench with 20 transactions completes them all and writes nothing', async (t) => {
  const result = await runSimBench({ quick: true, write: false, sizes: [{ transactions: 20, runs: 2 }] });
  t.equal(result.written, undefined, 'nothing written');
  t.equal(result.rows.length, 1);
  const row = result.rows[0]!;
  t.equal(row.transactions, 20);
  t.equal(row.runs, 2);
  t.equal(row.uac.started, 20);
  t.equal(row.uac.completed, 20, 'every client transaction ended once with an outcome');
  t.same(row.uac.finals, { 200: 18, 486: 2 }, 'one call in ten is busy, the rest answered');
  t.equal(row.uas.invites, 20);
  t.equal(row.uas.answered + row.uas.rejected, 20);
  t.equal(row.uas.acked + row.uas.unacked, row.uas.answered, 'every 200 was ACKed or given up on');
  t.ok(row.simulatedMs >= 32_000, `the run lasts past Timer D/M (${row.simulatedMs} ms)`);
  t.ok(row.wallMs > 0 && row.cpuMs >= 0 && row.events > 0, 'figures are positive');
  t.ok(Number.isFinite(row.simSecondsPerWallSecond) && row.simSecondsPerWallSecond > 0);
  t.equal(row.delivered + row.dropped, row.packetsSent, 'every packet sent was delivered or dropped (the link duplicates none)');
  t.ok(row.dropped > 0, `the 5% loss link dropped packets (${row.dropped}, fixed seed)`);
  t.ok(row.wallMsRange[0] <= row.wallMs && row.wallMs <= row.wallMsRange[1]);
  t.match(simRowLine(row), /20\/20 completed/);
  const md = simBenchMarkdown(result);
  t.match(md, /^# Simulator speed benchmark/);
  t.equal(md.split('\n').filter((l) => l.startsWith('| 20 |')).length, 1, 'one table row');
});

t.test('the same seed gives the same run', async (t) => {
  const a = runOnce(10);
  const b = runOnce(10);
  t.equal(a.digest, b.digest);
  t.equal(a.events, b.events);
  t.equal(a.simulatedMs, b.simulatedMs);
});

t.test('a run cut short before every transaction ended is an error with a stable code, not a figure', async (t) => {
  let caught: unknown;
  try {
    runOnce(10, 1, 40);
  } catch (error) {
    caught = error;
  }
  t.ok(caught instanceof SimBenchError, 'SimBenchError thrown');
  if (!(caught instanceof SimBenchError)) return;
  t.equal(caught.code, 'sim-bench-incomplete');
  t.ok(caught.problems.some((p) => p.includes('max-events')), 'names the stop reason');
  t.ok(caught.problems.some((p) => p.includes('terminated 0 times')), 'names the transactions that never ended');
});
