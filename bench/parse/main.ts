/** CLI entry of the parser benchmark: `npx ts-node --transpile-only bench/parse/main.ts [--quick]`. */
import { runParseBench } from './parse-bench';

async function main(argv: readonly string[]): Promise<number> {
  const unknown = argv.filter((a) => a !== '--quick');
  if (unknown.length > 0) {
    process.stderr.write(`usage: bench/parse/main.ts [--quick]   (unknown: ${unknown.join(' ')})\n`);
    return 2;
  }
  const result = await runParseBench({ quick: argv.includes('--quick') });
  for (const r of result.results) {
    const heap = r.heapBytesPerOp === null ? 'n/a' : `${Math.round(r.heapBytesPerOp)} B`;
    process.stdout.write(
      `${r.message.padEnd(11)} ${r.operation.padEnd(21)} ${Math.round(r.opsPerSec).toString().padStart(9)} msg/CPU-s ` +
        `${Math.round(r.cpuNsPerOp).toString().padStart(7)} CPU ns/op ${Math.round(r.nsPerOp).toString().padStart(7)} wall ns/op  heap ${heap}/op\n`,
    );
  }
  if (result.written) process.stdout.write(`wrote ${result.written.jsonPath} and ${result.written.mdPath}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`parse bench failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
