/** CLI entry of the runner call-rate benchmark: `npx ts-node --transpile-only bench/runner/main.ts [--quick]`. */
import { runRunnerCpsBench, runnerRowLine } from './runner-cps';

export async function main(argv: readonly string[], out: (text: string) => void): Promise<number> {
  const unknown = argv.filter((a) => a !== '--quick');
  if (unknown.length > 0) {
    process.stderr.write(`usage: bench/runner/main.ts [--quick]   (unknown: ${unknown.join(' ')})\n`);
    return 2;
  }
  const result = await runRunnerCpsBench({ quick: argv.includes('--quick'), onRow: (row) => out(runnerRowLine(row)) });
  out(`maximum rate with 0 failed calls: ${result.maxCps} cps\n`);
  if (result.written) out(`wrote ${result.written.jsonPath} and ${result.written.mdPath}\n`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2), (text) => process.stdout.write(text)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`runner bench failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
