/** The sim-cps benchmark's shape on a tiny run: every call completes on both legs, figures are sound; no speed is asserted. */
import t from 'tap';
import { runSimCps } from './sim-cps-world';
import { SimCpsError, TARGET_CALLS_PER_CPU_SECOND, runSimCpsBench, simCpsMarkdown, simCpsRowLine } from './sim-cps';

t.test('runSimCpsBench on two tiny sizes completes every call and writes nothing', async (t) => {
  const result = await runSimCpsBench({
    quick: true, write: false, warmupCalls: 0,
    sizes: [{ offeredCps: 10, offeredSeconds: 2 }, { offeredCps: 100, offeredSeconds: 0.2 }],
  });
  t.equal(result.written, undefined, 'nothing written');
  t.equal(result.benchmark, 'sim-cps');
  t.equal(result.targetCallsPerCpuSecond, TARGET_CALLS_PER_CPU_SECOND);
  t.ok(result.environment.node.startsWith('v'), 'environment recorded');
  t.equal(result.rows.length, 2);
  for (const row of result.rows) {
    t.equal(row.callsStarted, 20, `${row.offeredCps} cps: 20 calls offered`);
    t.equal(row.callsAnswered, 20, 'all answered');
    t.equal(row.callsFailed, 0);
    t.equal(row.callsCompleted, 20, 'all ended on both sides');
    t.equal(row.b2bSessionsEnded, 20, 'the B2BUA ended one session per call');
    t.same(row.problems, [], 'nothing left live or armed');
    t.equal(row.packetsDropped, 0, 'clean link');
    t.ok(row.packetsPerCall >= 12, `both legs carried INVITE…200 to BYE (${row.packetsPerCall} packets per call)`);
    t.equal(row.window.simulatedMs, row.offeredSeconds * 1000, 'the window ends at the offered time');
    t.ok(row.drain.simulatedMs >= 30_000, `the drain runs past the transaction timers (${row.drain.simulatedMs} ms)`);
    t.ok(row.callsPerCpuSecond > 0 && Number.isFinite(row.callsPerCpuSecond), 'calls per CPU-second is a positive number');
    t.ok(row.b2bReceiveUsPerCall > 0 && row.b2bReceiveUsPerCall <= row.cpuUsPerCall, 'the B2BUA share is part of the whole');
    t.ok(row.simSecondsPerWallSecond > 0);
    t.match(simCpsRowLine(row), /20\/20 calls completed/);
  }
  const md = simCpsMarkdown(result);
  t.match(md, /^# sim-cps/);
  t.equal(md.split('\n').filter((l) => /^\| (10|100) \|/.test(l)).length, 2, 'one table row per size');
  t.match(md, /<svg [^>]*>[\s\S]*<polyline[\s\S]*<\/svg>/, 'an inline SVG chart with polylines');
  t.match(md, /Target: 20,000 calls per CPU-second/);
});

t.test('the same seed gives the same calls and packets', async (t) => {
  const a = runSimCps(50, 0.2, 9);
  const b = runSimCps(50, 0.2, 9);
  t.equal(a.packetsSent, b.packetsSent);
  t.equal(a.window.events, b.window.events);
  t.equal(a.drain.simulatedMs, b.drain.simulatedMs);
});

t.test('SimCpsError carries a stable code', async (t) => {
  const error = new SimCpsError(['3 callers never ended']);
  t.equal(error.code, 'sim-cps-incomplete');
  t.match(error.message, /3 callers never ended/);
});
