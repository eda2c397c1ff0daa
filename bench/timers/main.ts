/** CLI entry of the timer benchmark: `npx ts-node --transpile-only bench/timers/main.ts [--quick]`. */
import { loadavg } from 'node:os';
import { environmentLine, gatherEnvironment, markdownTable, writeBenchReport } from '../report-writer';
import { runTimerBench, type TimerBenchRow } from './timers-bench';
import { runIfMain } from '../rate-bench-main';

const TARGET_BYTES_AT_1M = 200 * 1024 * 1024;
const TARGET_PAIR_NS = 1000;

const fmt = (n: number | null, digits = 0): string => (n === null ? 'n/a' : n.toFixed(digits));

function line(r: TimerBenchRow): string {
  return (
    `${r.impl.padEnd(18)} ${String(r.armed).padStart(8)} armed  schedule ${fmt(r.scheduleNsPerOp).padStart(5)} ns  cancel ${fmt(r.cancelNsPerOp).padStart(5)} ns  ` +
    `pair ${fmt(r.scheduleCancelPairNsPerOp).padStart(5)} ns  schedule+fire ${fmt(r.scheduleFireNsPerTimer).padStart(5)} ns  ${fmt(r.bytesPerArmedTimer, 1).padStart(6)} B/timer\n`
  );
}

/** Runs the benchmark and writes its report; `out` receives the progress lines (the `b2bkit bench` command calls this). */
export async function main(argv: readonly string[], out: (text: string) => void = (text) => process.stdout.write(text)): Promise<number> {
  const unknown = argv.filter((a) => a !== '--quick');
  if (unknown.length > 0) {
    process.stderr.write(`usage: bench/timers/main.ts [--quick]   (unknown: ${unknown.join(' ')})\n`);
    return 2;
  }
  const quick = argv.includes('--quick');
  const result = await runTimerBench({ quick }, (row) => out(line(row)));
  const environment = gatherEnvironment();
  // Other work on the machine inflates every figure: record how busy it was.
  const loadAverage = loadavg().map((l) => Number(l.toFixed(2)));
  const ours = result.rows.filter((r) => r.impl === 'ClockTimerService');
  const atMillion = ours.find((r) => r.armed === 1_000_000);
  const targets = {
    millionArmedUnder200MB: atMillion?.bytesPerArmedTimer == null ? null : atMillion.bytesPerArmedTimer * 1e6 < TARGET_BYTES_AT_1M,
    scheduleCancelUnder1us: ours.every((r) => r.scheduleCancelPairNsPerOp < TARGET_PAIR_NS && r.scheduleNsPerOp + r.cancelNsPerOp < TARGET_PAIR_NS),
  };
  const markdown = [
    '# Timer facility benchmark',
    '',
    environmentLine(environment),
    '',
    `Load average at the end of the run (1/5/15 min): ${loadAverage.join(' / ')} on ${environment.cpuCount} CPUs.`,
    '',
    `Command: \`npx ts-node --transpile-only bench/timers/main.ts${quick ? ' --quick' : ''}\`. Delays uniform in [0, 64 s). ` +
      'All times are process CPU time (user + system) per timer, medians over repetitions, so other load on the machine does not count (its cache pressure still does). ' +
      'schedule / cancel: bulk arming of N timers, then cancelling all in random order. ' +
      'pair: one schedule + cancel while N stay armed. schedule+fire: arm N and fire all ' +
      '(ClockTimerService on a manual clock with delays over 64 s, i.e. ~64 000 distinct deadlines; Node with 0–9 ms delays, which puts them in 10 lists, its best case). ' +
      `B/timer: JS heap + ArrayBuffers growth per armed timer after full GC${result.gcAvailable ? '' : ' (GC unavailable: n/a)'}; callbacks shared.`,
    '',
    markdownTable(
      ['impl', 'armed', 'schedule ns', 'cancel ns', 'pair ns', 'schedule+fire ns', 'B/timer'],
      result.rows.map((r) => [r.impl, r.armed, fmt(r.scheduleNsPerOp), fmt(r.cancelNsPerOp), fmt(r.scheduleCancelPairNsPerOp), fmt(r.scheduleFireNsPerTimer), fmt(r.bytesPerArmedTimer, 1)]),
    ),
    '',
    `Targets (ClockTimerService): 10^6 armed under 200 MB: ${targets.millionArmedUnder200MB ?? 'not measured (quick run)'}; ` +
      `schedule+cancel under 1 µs: ${targets.scheduleCancelUnder1us}.`,
  ].join('\n');
  const written = writeBenchReport('timers', { environment, loadAverage, quick, gcAvailable: result.gcAvailable, targets, rows: result.rows }, markdown);
  out(`targets: ${JSON.stringify(targets)}\nwrote ${written.jsonPath} and ${written.mdPath}\n`);
  return 0;
}

// Run only as a script, so the bench command can import main without starting a run.
runIfMain(module, 'timer', main);
