/** CLI entry of the memory benchmark: `npx ts-node --transpile-only bench/memory/main.ts [--quick]`. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { environmentLine, gatherEnvironment, markdownTable, writeBenchReport } from '../report-writer';
import { b2bShare, type MemoryMode, type MemoryRow } from './memory-bench';
import { barChartSvg } from './bar-chart-svg';
import { runIfMain } from '../rate-bench-main';

const OPENSIPS_BYTES_PER_CALL = 4.3 * 1024;
const TARGET_BYTES_PER_CALL = 4 * 1024;
const FULL_SIZES = [10_000, 100_000];
const QUICK_SIZES = [1_000];

const kb = (bytes: number): string => (bytes / 1024).toFixed(2);

/** One measurement in a fresh `node --expose-gc` process, so earlier runs leave nothing in the heap or RSS. */
function runChild(calls: number, mode: MemoryMode): Promise<MemoryRow> {
  const args = ['--expose-gc', '--max-old-space-size=12288', '-r', 'ts-node/register/transpile-only', join(__dirname, 'memory-child.ts'), String(calls), mode];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: join(__dirname, '..', '..'), maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`memory child ${calls} ${mode} failed: ${error.message}\n${stderr}`));
        return;
      }
      resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '') as MemoryRow);
    });
  });
}

function line(r: MemoryRow): string {
  return `${r.mode.padEnd(6)} ${String(r.calls).padStart(7)} calls  heap ${kb(r.heapBytesPerCall).padStart(7)} KB/call  rss ${kb(r.rssBytesPerCall).padStart(7)} KB/call  ` +
    `(${r.established} answered, ${r.b2bSessions} b2b sessions, ${r.b2bTransactions} b2b transactions, ${(r.wallMs / 1000).toFixed(1)} s)\n`;
}

/** Runs the benchmark and writes its report; `out` receives the progress lines (the `b2bkit bench` command calls this). */
export async function main(argv: readonly string[], out: (text: string) => void = (text) => process.stdout.write(text)): Promise<number> {
  const unknown = argv.filter((a) => a !== '--quick' && !/^--sizes=[\d,]+$/.test(a));
  if (unknown.length > 0) {
    process.stderr.write(`usage: bench/memory/main.ts [--quick] [--sizes=N,N]   (unknown: ${unknown.join(' ')})\n`);
    return 2;
  }
  const quick = argv.includes('--quick');
  const sizesArg = argv.find((a) => a.startsWith('--sizes='));
  const sizes = sizesArg ? sizesArg.slice('--sizes='.length).split(',').map(Number) : quick ? QUICK_SIZES : FULL_SIZES;
  const rows: MemoryRow[] = [];
  for (const calls of sizes) {
    for (const mode of ['direct', 'b2b'] as const) {
      const row = await runChild(calls, mode);
      rows.push(row);
      out(line(row));
      if (row.established !== calls) throw new Error(`${mode} ${calls}: only ${row.established} calls established`);
    }
  }
  const shares = b2bShare(rows);
  const environment = gatherEnvironment();
  const targets = {
    b2bHeapUnder4KB: shares.every((s) => s.heapBytesPerCall < TARGET_BYTES_PER_CALL),
    b2bRssUnder4KB: shares.every((s) => s.rssBytesPerCall < TARGET_BYTES_PER_CALL),
  };
  const chart = barChartSvg({
    title: 'Memory per held top-hiding call (KB), B2BUA share',
    groups: shares.map((s) => `${s.calls.toLocaleString('en')} calls`),
    series: [
      { name: 'heap (after GC)', values: shares.map((s) => s.heapBytesPerCall / 1024) },
      { name: 'RSS', values: shares.map((s) => s.rssBytesPerCall / 1024) },
    ],
    references: [{ name: 'OpenSIPS 4.3 KB', value: OPENSIPS_BYTES_PER_CALL / 1024 }, { name: 'target 4 KB', value: TARGET_BYTES_PER_CALL / 1024 }],
  });
  const markdown = [
    '# Memory per established top-hiding call',
    '',
    environmentLine(environment),
    '',
    `Command: \`npx ts-node --transpile-only bench/memory/main.ts${quick ? ' --quick' : ''}${sizesArg ? ` ${sizesArg}` : ''}\`. ` +
      'Each row is a fresh `node --expose-gc` process. In the simulator, a caller UA starts N top-hiding calls through the B2BUA ' +
      '(10 000 calls/s offered), the callee UA answers at once, nobody hangs up; then 40 simulated seconds pass so every transaction ' +
      'has ended and only the N dialogs (and B2B sessions) are live. Heap = heapUsed + external + arrayBuffers after two full GCs, ' +
      'after minus before (baseline after 200 warm-up calls ended), divided by N; RSS likewise. ' +
      'All three parties share the process, so the same run without the B2BUA (caller dials callee directly, "direct") is subtracted ' +
      'to give the B2BUA\'s own share. RSS is noisy (the heap\'s spare capacity after growth counts in it).',
    '',
    'The UDP variant (engine on real loopback sockets with SIPp holding the calls) is out of scope for this sprint and was not measured.',
    '',
    '## B2BUA share per call',
    '',
    markdownTable(
      ['held calls', 'B2BUA heap KB/call', 'B2BUA RSS KB/call', 'whole process heap KB/call', 'whole process RSS KB/call'],
      shares.map((s) => [s.calls, kb(s.heapBytesPerCall), kb(s.rssBytesPerCall), kb(s.totalHeapBytesPerCall), kb(s.totalRssBytesPerCall)]),
    ),
    '',
    `Anchor: OpenSIPS 3.5.9 top hiding, ~4.3 KB PSS per live call (3.4 KB shm). Target under 4 KB: heap ${targets.b2bHeapUnder4KB ? 'met' : 'NOT met'}, RSS ${targets.b2bRssUnder4KB ? 'met' : 'NOT met'}.`,
    '',
    chart,
    '',
    '## Every run',
    '',
    markdownTable(
      ['mode', 'held calls', 'answered', 'B2B sessions', 'B2B transactions', 'heap KB/call', 'of which external KB/call', 'RSS KB/call', 'heapUsed before → after MB', 'RSS before → after MB', 'wall s'],
      rows.map((r) => [r.mode, r.calls, r.established, r.b2bSessions, r.b2bTransactions, kb(r.heapBytesPerCall), kb(r.externalBytesPerCall), kb(r.rssBytesPerCall),
        `${(r.heapUsedBefore / 1048576).toFixed(0)} → ${(r.heapUsedAfter / 1048576).toFixed(0)}`, `${(r.rssBefore / 1048576).toFixed(0)} → ${(r.rssAfter / 1048576).toFixed(0)}`, (r.wallMs / 1000).toFixed(1)]),
    ),
  ].join('\n');
  const written = writeBenchReport('memory', { environment, quick, sizes, targets, anchorBytesPerCall: OPENSIPS_BYTES_PER_CALL, targetBytesPerCall: TARGET_BYTES_PER_CALL, b2bShare: shares, rows }, markdown);
  out(`targets: ${JSON.stringify(targets)}\nwrote ${written.jsonPath} and ${written.mdPath}\n`);
  return 0;
}

// Run only as a script, so the bench command can import main without starting a run.
runIfMain(module, 'memory', main);
