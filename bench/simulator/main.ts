/** CLI entry of the simulator speed benchmark: `npx ts-node --transpile-only bench/simulator/main.ts [--quick]`. */
import { runSimBench, simRowLine } from './sim-bench';

async function main(argv: readonly string[]): Promise<number> {
  const unknown = argv.filter((a) => a !== '--quick');
  if (unknown.length > 0) {
    process.stderr.write(`usage: bench/simulator/main.ts [--quick]   (unknown: ${unknown.join(' ')})\n`);
    return 2;
  }
  const result = await runSimBench({ quick: argv.includes('--quick'), onRow: (row) => process.stdout.write(simRowLine(row)) });
  if (result.written) process.stdout.write(`wrote ${result.written.jsonPath} and ${result.written.mdPath}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`simulator bench failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
