/**
 * Simulator speed benchmark: simulated seconds per wall (and CPU) second for N concurrent INVITE
 * transactions (RFC 3261 §17.1.1, §17.2.1) over a 5%-loss link, run until the world is idle.
 */
import { gcFunction } from '../measure';
import { performance } from 'node:perf_hooks';
import { World, type LinkSpec } from '../../simulator';
import { environmentLine, gatherEnvironment, markdownTable, writeBenchReport, type BenchEnvironment, type WrittenReport } from '../report-writer';
import { UacApp, UasCore, UAC_ADDRESS, UAS_ADDRESS, BUSY_EVERY, type UacOutcomes, type UasOutcomes } from './sim-call-flow';
import { attachTransactionStack } from '../../simulator/transaction-stack';

export const LOSS_PROBABILITY = 0.05;
export const LINK: Partial<LinkSpec> = { latency: { kind: 'uniform', minMs: 5, maxMs: 30 }, lossProbability: LOSS_PROBABILITY };
/** INVITEs are started in one batch per millisecond over this span. */
export const START_SPREAD_MS = 100;
export const SEED = 20240611;

export interface SimBenchRow {
  readonly transactions: number;
  readonly seed: number;
  /** Runs of the same configuration (same seed, so the same events); the figures are the median-wall run's. */
  readonly runs: number;
  readonly simulatedMs: number;
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly simSecondsPerWallSecond: number;
  readonly simSecondsPerCpuSecond: number;
  readonly wallMsRange: readonly [number, number];
  readonly events: number;
  readonly eventsPerWallSecond: number;
  readonly packetsSent: number;
  readonly delivered: number;
  readonly dropped: number;
  readonly droppedByReason: Readonly<Record<string, number>>;
  readonly uac: Omit<UacOutcomes, 'problems'>;
  readonly uas: UasOutcomes;
  /** Trace digest: identical across the runs of one row, or the row is an error. */
  readonly digest: string;
}

export interface SimBenchResult {
  readonly benchmark: 'simulator';
  readonly environment: BenchEnvironment;
  readonly parameters: {
    readonly quick: boolean;
    readonly link: Partial<LinkSpec>;
    readonly startSpreadMs: number;
    readonly busyEvery: number;
    readonly flow: string;
  };
  readonly rows: readonly SimBenchRow[];
  readonly written?: WrittenReport;
}

export interface SimBenchOptions {
  readonly quick: boolean;
  /** false: return the figures without writing reports/bench/simulator.* (tests). */
  readonly write?: boolean;
  /** Overrides the configurations: transaction counts and runs of each (tests use a tiny one). */
  readonly sizes?: ReadonlyArray<{ readonly transactions: number; readonly runs: number }>;
  readonly onRow?: (row: SimBenchRow) => void;
}

/** The run did not end with every transaction terminated and the world idle: no figure is reported. */
export class SimBenchError extends Error {
  readonly code = 'sim-bench-incomplete';
  constructor(readonly problems: readonly string[]) {
    super(`simulator bench run incomplete: ${problems.slice(0, 10).join('; ')}${problems.length > 10 ? ` (+${problems.length - 10} more)` : ''}`);
    this.name = 'SimBenchError';
  }
}

function gc(): void {
  gcFunction()?.();
}

interface OneRun {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly simulatedMs: number;
  readonly events: number;
  readonly stats: { readonly sent: number; readonly delivered: number; readonly dropped: Readonly<Record<string, number>> };
  readonly uac: UacOutcomes;
  readonly uas: UasOutcomes;
  readonly digest: string;
}

/** Builds the two-host world, runs it until idle, checks everything ended; throws SimBenchError if not. */
export function runOnce(transactions: number, seed: number = SEED, maxEvents: number = 200 * transactions + 10_000): OneRun {
  const world = new World({ seed, link: LINK });
  const uac = new UacApp();
  let uas: UasCore | undefined;
  let uasLayer: { readonly liveCount: number } | undefined;
  const uasHost = world.addHost({
    name: 'uas', addresses: [UAS_ADDRESS], listen: [{ protocol: 'udp', port: 5060 }],
    build: (ctx) => {
      uas = new UasCore(ctx.timers);
      uasLayer = attachTransactionStack(ctx, UAS_ADDRESS, uas);
    },
  });
  const uacHost = world.addHost({
    name: 'uac', addresses: [UAC_ADDRESS], listen: [{ protocol: 'udp', port: 5060 }],
    build: (ctx) => {
      uac.layer = attachTransactionStack(ctx, UAC_ADDRESS, uac);
    },
  });
  const batches = Math.min(START_SPREAD_MS, transactions);
  let next = 1;
  for (let b = 0; b < batches; b++) {
    const end = Math.round(((b + 1) * transactions) / batches);
    const from = next;
    next = end + 1;
    world.at(Math.floor((b * START_SPREAD_MS) / batches), `start ${from}..${end}`, () => {
      for (let n = from; n <= end; n++) uac.start(n);
    });
  }
  gc();
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const result = world.runSync({ maxEvents });
  const wallMs = performance.now() - wall0;
  const cpu = process.cpuUsage(cpu0);

  const uacOutcomes = uac.outcomes();
  const uasOutcomes = uas!.outcomes();
  const problems = [...uacOutcomes.problems];
  if (result.reason !== 'idle') problems.push(`world stopped by ${result.reason} at ${result.nowMs} ms with ${world.pendingEvents} events queued`);
  if (uacOutcomes.started !== transactions) problems.push(`started ${uacOutcomes.started} of ${transactions}`);
  if (uac.layer.liveCount !== 0) problems.push(`uac has ${uac.layer.liveCount} live transactions`);
  if (uasLayer!.liveCount !== 0) problems.push(`uas has ${uasLayer!.liveCount} live transactions`);
  if (uacHost.ctx.timers.armedCount !== 0) problems.push(`uac has ${uacHost.ctx.timers.armedCount} armed timers`);
  if (uasHost.ctx.timers.armedCount !== 0) problems.push(`uas has ${uasHost.ctx.timers.armedCount} armed timers`);
  if (uasOutcomes.invites !== uasOutcomes.terminated) problems.push(`uas saw ${uasOutcomes.invites} INVITEs but ${uasOutcomes.terminated} ended`);
  if (problems.length > 0) throw new SimBenchError(problems);

  const stats = world.network.stats;
  return {
    wallMs, cpuMs: (cpu.user + cpu.system) / 1000, simulatedMs: result.nowMs, events: result.events,
    stats: { sent: stats.sent, delivered: stats.delivered, dropped: { ...stats.dropped } },
    uac: uacOutcomes, uas: uasOutcomes, digest: world.digest(),
  };
}

const round = (n: number, digits = 1): number => Number(n.toFixed(digits));

/** Runs one configuration `runs` times and keeps the median-wall run (all runs must have the same digest). */
export function measureSize(transactions: number, runs: number): SimBenchRow {
  const all: OneRun[] = [];
  for (let i = 0; i < runs; i++) all.push(runOnce(transactions));
  const digests = new Set(all.map((r) => r.digest));
  if (digests.size !== 1) throw new SimBenchError([`${transactions} transactions: ${digests.size} different trace digests from the same seed`]);
  const sorted = [...all].sort((a, b) => a.wallMs - b.wallMs);
  const r = sorted[Math.floor((sorted.length - 1) / 2)]!;
  const dropped = Object.values(r.stats.dropped).reduce((a, b) => a + b, 0);
  const { problems: _problems, ...uac } = r.uac;
  return {
    transactions, seed: SEED, runs,
    simulatedMs: r.simulatedMs,
    wallMs: round(r.wallMs),
    cpuMs: round(r.cpuMs),
    simSecondsPerWallSecond: round(r.simulatedMs / r.wallMs),
    simSecondsPerCpuSecond: round(r.simulatedMs / r.cpuMs),
    wallMsRange: [round(sorted[0]!.wallMs), round(sorted[sorted.length - 1]!.wallMs)],
    events: r.events,
    eventsPerWallSecond: Math.round((r.events / r.wallMs) * 1000),
    packetsSent: r.stats.sent,
    delivered: r.stats.delivered,
    dropped,
    droppedByReason: r.stats.dropped,
    uac, uas: r.uas, digest: r.digest,
  };
}

export function simBenchMarkdown(result: SimBenchResult): string {
  const p = result.parameters;
  const finals = (row: SimBenchRow) => Object.entries(row.uac.finals).map(([s, n]) => `${n}×${s}`).join(', ');
  return [
    '# Simulator speed benchmark',
    '',
    environmentLine(result.environment),
    '',
    `Command: \`npx ts-node --transpile-only bench/simulator/main.ts${p.quick ? ' --quick' : ''}\`. ${p.flow}`,
    '',
    markdownTable(
      ['INVITE tx', 'runs', 'simulated s', 'wall ms', 'CPU ms', 'sim-s / wall-s', 'sim-s / CPU-s', 'events', 'events / wall-s', 'delivered', 'dropped', 'completed', 'finals', 'timeouts', '2xx ACKed / unACKed'],
      result.rows.map((r) => [
        r.transactions, r.runs, (r.simulatedMs / 1000).toFixed(1), r.wallMs, r.cpuMs, r.simSecondsPerWallSecond, r.simSecondsPerCpuSecond,
        r.events, r.eventsPerWallSecond, r.delivered, r.dropped, `${r.uac.completed}/${r.transactions}`, finals(r), r.uac.timeouts,
        `${r.uas.acked} / ${r.uas.unacked}`,
      ]),
    ),
    '',
    'sim-s / wall-s: simulated seconds per wall-clock second (higher is faster); the CPU figure uses process.cpuUsage (user + system), ' +
      'so other load on the machine counts less. Wall figures are from the median-wall run; the JSON has the range. ' +
      'A run in which any transaction does not end, the world does not go idle, or a timer stays armed is reported as an error, never as a figure.',
  ].join('\n');
}

export function defaultSizes(quick: boolean): ReadonlyArray<{ readonly transactions: number; readonly runs: number }> {
  return quick ? [{ transactions: 1000, runs: 1 }] : [{ transactions: 1000, runs: 5 }, { transactions: 10_000, runs: 3 }];
}

/** Runs every configuration; writes reports/bench/simulator.{json,md} unless `write` is false. */
export async function runSimBench(opts: SimBenchOptions): Promise<SimBenchResult> {
  const sizes = opts.sizes ?? defaultSizes(opts.quick);
  // Warm the JIT on a small world so the first measured row does not pay for compilation the others skip.
  runOnce(Math.min(1000, Math.max(...sizes.map((s) => s.transactions))), SEED + 1);
  const rows: SimBenchRow[] = [];
  for (const size of sizes) {
    const row = measureSize(size.transactions, size.runs);
    rows.push(row);
    opts.onRow?.(row);
    // Let the event loop breathe between rows (progress output flushes).
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const result: SimBenchResult = {
    benchmark: 'simulator',
    environment: gatherEnvironment(),
    parameters: {
      quick: opts.quick, link: LINK, startSpreadMs: START_SPREAD_MS, busyEvery: BUSY_EVERY,
      flow: `Two simulated hosts, each the real SipTransportLayer under a TransactionLayer, UDP over a link with ${LOSS_PROBABILITY * 100}% loss each way ` +
        `and 5–30 ms uniform latency. The UAC starts N INVITE client transactions over the first ${START_SPREAD_MS} ms; the UAS rings (180) after 100 ms ` +
        `and answers after 1 s with 200 (486 for one call in ${BUSY_EVERY}), retransmitting the 200 until ACKed (§13.3.1.4); the UAC ACKs every 2xx. ` +
        'The run ends when the world is idle (Timers D, I, L, M included): about 36 simulated seconds.',
    },
    rows,
  };
  if (opts.write === false) return result;
  const written = writeBenchReport('simulator', result, simBenchMarkdown(result));
  return { ...result, written };
}

/** One progress line per row, for the CLI entries. */
export function simRowLine(r: SimBenchRow): string {
  return (
    `${String(r.transactions).padStart(6)} INVITE tx  ${(r.simulatedMs / 1000).toFixed(1)} sim-s in ${r.wallMs} wall ms / ${r.cpuMs} CPU ms  ` +
    `${r.simSecondsPerWallSecond} sim-s/wall-s  ${r.simSecondsPerCpuSecond} sim-s/CPU-s  ${r.events} events  ` +
    `${r.delivered} delivered ${r.dropped} dropped  ${r.uac.completed}/${r.transactions} completed ${JSON.stringify(r.uac.finals)} timeouts ${r.uac.timeouts}\n`
  );
}
