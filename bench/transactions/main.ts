/** CLI entry of the transaction-matching benchmark: `npx ts-node --transpile-only bench/transactions/main.ts [--quick]`. */
import { environmentLine, gatherEnvironment, markdownTable, writeBenchReport } from '../report-writer';
import { runTransactionBench, type TransactionBenchRow } from './transactions-bench';
import { runIfMain } from '../rate-bench-main';

const fmt = (n: number | null, digits = 0): string => (n === null ? 'n/a' : n.toFixed(digits));

function line(r: TransactionBenchRow): string {
  return `${String(r.live).padStart(7)} live  ${r.operation.padEnd(66)} ${fmt(r.cpuNsPerOp).padStart(5)} ns  ${fmt(r.opsPerSec / 1e6, 2).padStart(6)} M/s  ${fmt(r.heapBytesPerOp, 1).padStart(6)} B/op\n`;
}

/** Runs the benchmark and writes its report; `out` receives the progress lines (the `b2bkit bench` command calls this). */
export async function main(argv: readonly string[], out: (text: string) => void = (text) => process.stdout.write(text)): Promise<number> {
  const unknown = argv.filter((a) => a !== '--quick');
  if (unknown.length > 0) {
    process.stderr.write(`usage: bench/transactions/main.ts [--quick]   (unknown: ${unknown.join(' ')})\n`);
    return 2;
  }
  const quick = argv.includes('--quick');
  const rows = await runTransactionBench({ quick }, (row) => out(line(row)));
  const environment = gatherEnvironment();
  const markdown = [
    '# Transaction matching benchmark',
    '',
    environmentLine(environment),
    '',
    `Command: \`npx ts-node --transpile-only bench/transactions/main.ts${quick ? ' --quick' : ''}\`. ` +
      'Live = client INVITE transactions in Proceeding plus server OPTIONS transactions in Trying, half each, on a clock that never moves (no timer fires). ' +
      'Each op takes one of 4096 pre-parsed messages aimed at random live transactions; their Via and CSeq were read once before timing, ' +
      'as the transport layer reads the Via on arrival, so parsing is not in the figures (see bench/parse). ' +
      'Times are process CPU ns per op, medians over rounds; B/op is JS heap allocated per op.',
    '',
    markdownTable(['live', 'operation', 'CPU ns/op', 'M ops/s', 'B/op'],
      rows.map((r) => [r.live, r.operation, fmt(r.cpuNsPerOp), fmt(r.opsPerSec / 1e6, 2), fmt(r.heapBytesPerOp, 1)])),
  ].join('\n');
  const written = writeBenchReport('transactions', { environment, quick, rows }, markdown);
  out(`wrote ${written.jsonPath} and ${written.mdPath}\n`);
  return 0;
}

// Run only as a script, so the bench command can import main without starting a run.
runIfMain(module, 'transaction', main);
