/**
 * Measures one synchronous operation for the benchmarks: time per op (warm-up, then several timed
 * rounds, median; wall clock and process CPU time) and V8 heap bytes allocated per op.
 *
 * Allocation method: `--expose-gc` is switched on at run time (v8.setFlagsFromString, so no node
 * flag is needed); each sample forces a full GC, reads `used_heap_size`, runs a small batch of ops
 * and reads it again. A sample during which any GC ran (seen through PerformanceObserver 'gc'
 * entries) is discarded, since a collection would hide what the batch allocated; the figure is
 * the median of the clean samples. It counts JS heap only: ArrayBuffer backing stores live outside
 * it (small Buffers come from Node's shared pool), so copies of body bytes are not in the figure.
 */
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { readFileSync } from 'node:fs';

export interface MeasureOptions {
  readonly warmupMs: number;
  readonly rounds: number;
  readonly roundMs: number;
  readonly allocationSamples: number;
  readonly allocationBatch: number;
}

export interface Measurement {
  /** Median over the rounds of wall-clock time per op. */
  readonly nsPerOp: number;
  /** Median over the rounds of process CPU time (user + system) per op: less disturbed by other load on the machine. */
  readonly cpuNsPerOp: number;
  /** Ops per CPU-second (1e9 / cpuNsPerOp). */
  readonly opsPerSec: number;
  readonly roundsNsPerOp: readonly number[];
  readonly roundsCpuNsPerOp: readonly number[];
  readonly iterationsPerRound: number;
  /** Median heap bytes per op over GC-free samples; null when every sample saw a GC. */
  readonly heapBytesPerOp: number | null;
  readonly allocationSamplesUsed: number;
}

/** Written by every op so the optimiser cannot drop the work. */
export let blackhole: unknown;

let forceGc: (() => void) | undefined;

/** A full GC (`--expose-gc` switched on at run time); undefined where V8 refuses. One switch for every benchmark. */
export function gcFunction(): (() => void) | undefined {
  if (forceGc) return forceGc;
  try {
    setFlagsFromString('--expose-gc');
    forceGc = runInNewContext('gc') as () => void;
  } catch {
    forceGc = undefined;
  }
  return forceGc;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function runFor(op: () => unknown, ms: number): number {
  const end = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6));
  let iterations = 0;
  while (process.hrtime.bigint() < end) {
    for (let i = 0; i < 100; i++) blackhole = op();
    iterations += 100;
  }
  return iterations;
}

function timeRound(op: () => unknown, iterations: number): { wall: number; cpu: number } {
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) blackhole = op();
  const wall = Number(process.hrtime.bigint() - start) / iterations;
  const cpuUsed = process.cpuUsage(cpuStart);
  return { wall, cpu: ((cpuUsed.user + cpuUsed.system) * 1000) / iterations };
}

interface AllocationSample {
  readonly bytesPerOp: number;
  readonly start: number;
  readonly end: number;
}

async function measureAllocation(op: () => unknown, samples: number, batch: number): Promise<{ perOp: number | null; used: number }> {
  const gc = gcFunction();
  const gcWindows: Array<[number, number]> = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcWindows.push([entry.startTime, entry.startTime + entry.duration]);
  });
  observer.observe({ entryTypes: ['gc'] });
  const taken: AllocationSample[] = [];
  for (let s = 0; s < samples; s++) {
    gc?.();
    const start = performance.now();
    const before = getHeapStatistics().used_heap_size;
    for (let i = 0; i < batch; i++) blackhole = op();
    const after = getHeapStatistics().used_heap_size;
    taken.push({ bytesPerOp: (after - before) / batch, start, end: performance.now() });
  }
  // GC entries arrive asynchronously; let them land before judging the samples.
  await new Promise((resolve) => setTimeout(resolve, 20));
  observer.disconnect();
  const clean = taken.filter((s) => !gcWindows.some(([from, to]) => from < s.end && to > s.start));
  return { perOp: clean.length > 0 ? median(clean.map((s) => s.bytesPerOp)) : null, used: clean.length };
}

export async function measure(op: () => unknown, options: MeasureOptions): Promise<Measurement> {
  const warmIterations = runFor(op, options.warmupMs);
  const estimateNs = (options.warmupMs * 1e6) / Math.max(warmIterations, 1);
  const iterationsPerRound = Math.max(100, Math.round((options.roundMs * 1e6) / estimateNs));
  const roundsNsPerOp: number[] = [];
  const roundsCpuNsPerOp: number[] = [];
  for (let r = 0; r < options.rounds; r++) {
    const round = timeRound(op, iterationsPerRound);
    roundsNsPerOp.push(round.wall);
    roundsCpuNsPerOp.push(round.cpu);
  }
  const nsPerOp = median(roundsNsPerOp);
  const cpuNsPerOp = median(roundsCpuNsPerOp);
  const allocation = await measureAllocation(op, options.allocationSamples, options.allocationBatch);
  return {
    nsPerOp,
    cpuNsPerOp,
    opsPerSec: 1e9 / cpuNsPerOp,
    roundsNsPerOp,
    roundsCpuNsPerOp,
    iterationsPerRound,
    heapBytesPerOp: allocation.perOp,
    allocationSamplesUsed: allocation.used,
  };
}

/** utime + stime of a process in µs, from /proc/PID/stat (clock ticks of 10 ms); null when unreadable. */
export function procCpuUs(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return null;
  }
}
