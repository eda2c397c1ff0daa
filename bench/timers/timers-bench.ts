/**
 * Timer facility benchmark (DESIGN.md, Timers and tables): schedule, cancel and fire costs and
 * bytes per armed timer at 10^4..10^6 armed timers, for ClockTimerService and for one Node timer
 * per SIP timer.
 */
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { ClockTimerService } from '../../engine/timers/clock-timer-service';
import { ManualClock } from '../../engine/timers/manual-clock';
import { SeededRandom } from '../../simulator/prng';
import { median } from '../measure';

export type TimerImpl = 'ClockTimerService' | 'node-setTimeout';

export interface TimerBenchRow {
  readonly impl: TimerImpl;
  readonly armed: number;
  /** Bulk: arming `armed` timers, per timer. */
  readonly scheduleNsPerOp: number;
  /** Bulk: cancelling all of them in random order, per timer. */
  readonly cancelNsPerOp: number;
  /** Steady state: one schedule plus its cancel while `armed` others stay armed (median of rounds). */
  readonly scheduleCancelPairNsPerOp: number;
  /** Arming `armed` timers and letting all fire, per timer (Node: 0–9 ms delays, so its idle wait is excluded). */
  readonly scheduleFireNsPerTimer: number;
  /** (JS heap + ArrayBuffer) growth per armed timer after a full GC; callbacks shared, so this is the facility's own cost. */
  readonly bytesPerArmedTimer: number | null;
}

export interface TimerBenchOptions {
  readonly quick: boolean;
}

const MAX_DELAY_MS = 64_000;
const noop = (): void => undefined;

function gcFunction(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}

const gc = gcFunction();

function memoryNow(): number {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

function delays(count: number, seed: number, maxMs = MAX_DELAY_MS): Float64Array {
  const random = SeededRandom.fromSeed(seed);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = Math.floor(random.nextFloat() * maxMs);
  return out;
}

/** A random permutation of 0..count-1, so cancels hit the heap everywhere, not only its tail. */
function shuffled(count: number, seed: number): Int32Array {
  const random = SeededRandom.fromSeed(seed);
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  for (let i = count - 1; i > 0; i--) {
    const j = random.nextUint32() % (i + 1);
    const tmp = order[i];
    order[i] = order[j];
    order[j] = tmp;
  }
  return order;
}

/**
 * Every figure is process CPU time (user + system), not wall time: the benchmark machine is shared,
 * and preemption would otherwise count as timer cost. Cache contention from other work still shows.
 */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Median CPU ns of `op` over several rounds of about `roundMs` each. */
function cpuNsPerOp(op: () => void, quick: boolean): number {
  const roundMs = quick ? 50 : 150;
  // Warm-up until the JIT has settled: the first few hundred thousand calls run slower code.
  const warmUntil = cpuMs() + (quick ? 150 : 400);
  while (cpuMs() < warmUntil) for (let i = 0; i < 1000; i++) op();
  let iterations = 1000;
  let t0 = cpuMs();
  for (let i = 0; i < iterations; i++) op();
  while (cpuMs() - t0 < roundMs / 4) {
    iterations *= 2;
    t0 = cpuMs();
    for (let i = 0; i < iterations; i++) op();
  }
  const perRound = Math.max(1000, Math.round((iterations * roundMs) / Math.max(cpuMs() - t0, 1)));
  const rounds: number[] = [];
  for (let r = 0; r < (quick ? 3 : 7); r++) {
    const start = cpuMs();
    for (let i = 0; i < perRound; i++) op();
    rounds.push(((cpuMs() - start) * 1e6) / perRound);
  }
  return median(rounds);
}

/**
 * Bulk figures are repeated and the median kept: the first pass also warms the JIT up, and at small
 * N one pass lasts a few milliseconds, so a single preemption would otherwise dominate it.
 */
const repetitions = (quick: boolean, armed: number): number => Math.max(quick ? 3 : 5, Math.min(40, Math.ceil(200_000 / armed)));

/** Enough copies of N armed timers that the memory figure rises above GC noise at small N. */
const memoryCopies = (armed: number): number => Math.max(1, Math.min(20, Math.floor(1_000_000 / armed)));

function nsPerItem(startCpuMs: number, items: number): number {
  return ((cpuMs() - startCpuMs) * 1e6) / items;
}

const onError = (e: unknown): void => {
  throw e;
};

function facilityBytesPerTimer(armed: number, ds: Float64Array): number | null {
  if (gc === undefined) return null;
  const copies = memoryCopies(armed);
  const before = memoryNow();
  const services: ClockTimerService[] = [];
  for (let c = 0; c < copies; c++) {
    const timers = new ClockTimerService(new ManualClock(), { onError });
    for (let i = 0; i < armed; i++) timers.schedule(ds[i], noop);
    services.push(timers);
  }
  const bytes = (memoryNow() - before) / (armed * copies);
  if (services.some((s) => s.armedCount !== armed)) throw new Error('benchmark bug: lost timers');
  return bytes;
}

function benchFacility(armed: number, quick: boolean): TimerBenchRow {
  const ds = delays(armed, armed);
  const order = shuffled(armed, armed + 1);
  const ids = new Float64Array(armed);
  const schedule: number[] = [];
  const cancel: number[] = [];
  const scheduleFire: number[] = [];
  let pairNs = 0;
  for (let rep = 0; rep < repetitions(quick, armed); rep++) {
    const timers = new ClockTimerService(new ManualClock(), { onError });
    let t0 = cpuMs();
    for (let i = 0; i < armed; i++) ids[i] = timers.schedule(ds[i], noop);
    schedule.push(nsPerItem(t0, armed));
    if (rep === 0) {
      // Steady state with `armed` timers in place: one schedule and its cancel.
      const pairDelays = delays(4096, armed + 2);
      let k = 0;
      pairNs = cpuNsPerOp(() => {
        timers.cancel(timers.schedule(pairDelays[k++ & 4095], noop));
      }, quick);
    }
    t0 = cpuMs();
    for (let i = 0; i < armed; i++) timers.cancel(ids[order[i]]);
    cancel.push(nsPerItem(t0, armed));
    if (timers.armedCount !== 0) throw new Error('benchmark bug: timers left armed');

    const clock = new ManualClock();
    const firing = new ClockTimerService(clock, { onError });
    let fired = 0;
    const count = (): void => {
      fired++;
    };
    t0 = cpuMs();
    for (let i = 0; i < armed; i++) firing.schedule(ds[i], count);
    clock.advanceTo(MAX_DELAY_MS);
    scheduleFire.push(nsPerItem(t0, armed));
    if (fired !== armed) throw new Error(`benchmark bug: ${fired} of ${armed} fired`);
  }
  return {
    impl: 'ClockTimerService',
    armed,
    scheduleNsPerOp: median(schedule),
    cancelNsPerOp: median(cancel),
    scheduleCancelPairNsPerOp: pairNs,
    scheduleFireNsPerTimer: median(scheduleFire),
    bytesPerArmedTimer: facilityBytesPerTimer(armed, ds),
  };
}

function nodeBytesPerTimer(armed: number, ds: Float64Array): number | null {
  if (gc === undefined) return null;
  const copies = memoryCopies(armed);
  const handles: NodeJS.Timeout[] = [];
  const before = memoryNow();
  for (let c = 0; c < copies; c++) for (let i = 0; i < armed; i++) handles.push(setTimeout(noop, 1_000_000 + ds[i]));
  // The handles array itself is ours, not Node's: take its 8 B per pointer back out.
  const bytes = (memoryNow() - before) / (armed * copies) - 8;
  for (const h of handles) clearTimeout(h);
  return bytes;
}

async function benchNode(armed: number, quick: boolean): Promise<TimerBenchRow> {
  const ds = delays(armed, armed);
  const order = shuffled(armed, armed + 1);
  const schedule: number[] = [];
  const cancel: number[] = [];
  const scheduleFire: number[] = [];
  let pairNs = 0;
  // Node timers with equal delays share a list, so delays are offset by a large constant to stay
  // armed during the run and keep the spread of SIP timers.
  for (let rep = 0; rep < repetitions(quick, armed); rep++) {
    const handles: NodeJS.Timeout[] = new Array(armed);
    let t0 = cpuMs();
    for (let i = 0; i < armed; i++) handles[i] = setTimeout(noop, 1_000_000 + ds[i]);
    schedule.push(nsPerItem(t0, armed));
    if (rep === 0) {
      const pairDelays = delays(4096, armed + 2);
      let k = 0;
      pairNs = cpuNsPerOp(() => {
        clearTimeout(setTimeout(noop, 1_000_000 + pairDelays[k++ & 4095]));
      }, quick);
    }
    t0 = cpuMs();
    for (let i = 0; i < armed; i++) clearTimeout(handles[order[i]]);
    cancel.push(nsPerItem(t0, armed));

    // Fire: short delays (0..9 ms) so the run is quick; CPU time leaves the idle wait out.
    const shortDelays = delays(armed, armed + 3, 10);
    const cpu0 = process.cpuUsage();
    await new Promise<void>((resolve) => {
      let fired = 0;
      const onFire = (): void => {
        if (++fired === armed) resolve();
      };
      for (let i = 0; i < armed; i++) setTimeout(onFire, shortDelays[i]);
    });
    const cpu = process.cpuUsage(cpu0);
    scheduleFire.push(((cpu.user + cpu.system) * 1e3) / armed);
  }
  return {
    impl: 'node-setTimeout',
    armed,
    scheduleNsPerOp: median(schedule),
    cancelNsPerOp: median(cancel),
    scheduleCancelPairNsPerOp: pairNs,
    scheduleFireNsPerTimer: median(scheduleFire),
    bytesPerArmedTimer: nodeBytesPerTimer(armed, ds),
  };
}

export interface TimerBenchResult {
  readonly gcAvailable: boolean;
  readonly rows: readonly TimerBenchRow[];
}

export async function runTimerBench(options: TimerBenchOptions, onRow: (row: TimerBenchRow) => void = () => undefined): Promise<TimerBenchResult> {
  const sizes = options.quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000];
  const rows: TimerBenchRow[] = [];
  for (const armed of sizes) {
    for (const run of [benchFacility, benchNode]) {
      const row = await run(armed, options.quick);
      rows.push(row);
      onRow(row);
    }
  }
  return { gcAvailable: gc !== undefined, rows };
}
