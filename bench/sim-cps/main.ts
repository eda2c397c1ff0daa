/** CLI entry of the sim-cps benchmark: `npx ts-node --transpile-only bench/sim-cps/main.ts [--quick]`. */
import { runIfMain } from '../rate-bench-main';
import { runSimCpsBench, simCpsRowLine, TARGET_CALLS_PER_CPU_SECOND } from './sim-cps';

/** Runs the benchmark and writes its report; `out` receives the progress lines (the `b2bkit bench` command calls this). */
export async function main(argv: readonly string[], out: (text: string) => void = (text) => process.stdout.write(text)): Promise<number> {
  const unknown = argv.filter((a) => a !== '--quick');
  if (unknown.length > 0) {
    process.stderr.write(`usage: bench/sim-cps/main.ts [--quick]   (unknown: ${unknown.join(' ')})\n`);
    return 2;
  }
  const result = await runSimCpsBench({ quick: argv.includes('--quick'), onRow: (row) => out(simCpsRowLine(row)) });
  const best = Math.max(...result.rows.map((r) => r.callsPerCpuSecond));
  out(`best: ${best} calls per CPU-second (target ${TARGET_CALLS_PER_CPU_SECOND})\n`);
  if (result.written) out(`wrote ${result.written.jsonPath} and ${result.written.mdPath}\n`);
  return 0;
}

runIfMain(module, 'sim-cps', main);
