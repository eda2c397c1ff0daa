/** CLI entry of the hash_size benchmark: `npx ts-node --transpile-only bench/hash-size/main.ts [--quick]`. */
import { gatherEnvironment, writeBenchReport } from '../report-writer';
import { FULL_OPTIONS, QUICK_OPTIONS, runHashSizeBench, type HashSizeRow } from './hash-size-bench';
import { hashSizeMarkdown, recommend } from './hash-size-report';
import { runIfMain } from '../rate-bench-main';

const f = (n: number | null, d = 0): string => (n === null ? 'n/a' : n.toFixed(d));

function line(r: HashSizeRow): string {
  return (
    `${String(r.sessions).padStart(8)} sessions  hash_size ${String(r.hashSize).padStart(2)}  lookup ${f(r.lookupNs).padStart(5)} ns  ` +
    `insert+delete ${f(r.insertDeleteNs).padStart(5)} ns  table ${f(r.tableBytesPerSession, 1).padStart(8)} B/session  ` +
    `sweep ${f(r.sweepPauseMs, 2).padStart(8)} ms  longest bucket step ${f(r.longestBucketStepUs, 1).padStart(8)} µs\n`
  );
}

/** Runs the benchmark and writes its report; `out` receives the progress lines (the `b2bkit bench` command calls this). */
export async function main(argv: readonly string[], out: (text: string) => void = (text) => process.stdout.write(text)): Promise<number> {
  const unknown = argv.filter((a) => a !== '--quick');
  if (unknown.length > 0) {
    process.stderr.write(`usage: bench/hash-size/main.ts [--quick]   (unknown: ${unknown.join(' ')})\n`);
    return 2;
  }
  const quick = argv.includes('--quick');
  const options = quick ? QUICK_OPTIONS : FULL_OPTIONS;
  // A discarded warm-up cell: the first measured cell would otherwise pay for compiling the code under test.
  runHashSizeBench({ ...options, hashSizes: [4], sessionCounts: [1000] });
  const result = runHashSizeBench(options, (row) => out(line(row)));
  const environment = gatherEnvironment();
  const recommendations = recommend(result.rows);
  const markdown = hashSizeMarkdown(result, environment, quick);
  const written = writeBenchReport('hash_size', { environment, quick, parameters: result.options, gcAvailable: result.gcAvailable, recommendations, rows: result.rows }, markdown);
  out(`recommendations: ${recommendations.map((r) => `${r.sessions}→${r.hashSize}`).join(', ')}\nwrote ${written.jsonPath} and ${written.mdPath}\n`);
  return 0;
}

// Run only as a script, so the bench command can import main without starting a run.
runIfMain(module, 'hash_size', main);
