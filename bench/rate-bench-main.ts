/** The command-line shape the call-rate benchmarks share: `[--quick]`, one line per rate step, the maximum, the files written. */
import type { WrittenReport } from './report-writer';

export interface RateBenchRun<Row> {
  readonly name: string;
  run(quick: boolean, onRow: (row: Row) => void): Promise<{ readonly maxCps: number; readonly written?: WrittenReport }>;
  rowLine(row: Row): string;
}

export async function rateBenchMain<Row>(bench: RateBenchRun<Row>, argv: readonly string[], out: (text: string) => void): Promise<number> {
  const unknown = argv.filter((a) => a !== '--quick');
  if (unknown.length > 0) {
    process.stderr.write(`usage: bench/${bench.name}/main.ts [--quick]   (unknown: ${unknown.join(' ')})\n`);
    return 2;
  }
  const result = await bench.run(argv.includes('--quick'), (row) => out(bench.rowLine(row)));
  out(`maximum rate with 0 failed calls: ${result.maxCps} cps\n`);
  if (result.written) out(`wrote ${result.written.jsonPath} and ${result.written.mdPath}\n`);
  return 0;
}

/** Runs `main` when the file is executed directly, mapping a thrown error to exit code 1. */
export function runIfMain(module: NodeModule, name: string, main: (argv: readonly string[], out: (text: string) => void) => Promise<number>): void {
  if (require.main !== module) return;
  main(process.argv.slice(2), (text) => process.stdout.write(text)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${name} bench failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
