/**
 * The hash_size benchmark (issue 7; opensips-b2b.md §2.2 `hash_size`, §6.8 sweep): SessionTable lookup and
 * insert+delete cost, table memory per session and the expiry sweep's pauses, for each hash_size × live sessions.
 */
import { getHeapStatistics } from 'node:v8';
import { SessionTable } from '../../engine/b2b/logic/session-table';
import { ExpirySweep } from '../../engine/b2b/logic/expiry-sweep';
import type { Leg, Session } from '../../engine/b2b/logic/session';
import type { TimerService } from '../../engine/timers/timer-service';
import { gcFunction, median } from '../measure';

export interface HashSizeBenchOptions {
  readonly hashSizes: readonly number[];
  readonly sessionCounts: readonly number[];
  /** Lookups per timed round (random keys among the live sessions). */
  readonly lookupsPerRound: number;
  /** Extra sessions added then removed per timed round while the table holds its N live ones. */
  readonly insertDeletesPerRound: number;
  readonly rounds: number;
  /** Memory is measured over enough copies of a cell to hold this many sessions (GC noise stays small per session). */
  readonly memorySessions: number;
}

export interface HashSizeRow {
  readonly hashSize: number;
  readonly buckets: number;
  readonly sessions: number;
  /** Median over rounds, process CPU ns per `get(key)`. */
  readonly lookupNs: number;
  readonly lookupWallNs: number;
  /** Median over rounds, CPU ns per `add` + `remove` pair (session objects and keys made beforehand). */
  readonly insertDeleteNs: number;
  readonly insertDeleteWallNs: number;
  /** Heap + ArrayBuffer growth after full GC for the table (empty buckets included) per live session; null without GC. */
  readonly tableBytesPerSession: number | null;
  /** Same, for the minimal session objects and their keys (independent of hash_size). */
  readonly sessionBytesPerSession: number | null;
  /** How many copies of the cell the memory figures were measured over (small cells are replicated). */
  readonly memoryCopies: number;
  /** Wall ms of one `ExpirySweep.sweep()` over the live sessions, none expired: the event-loop pause it causes (median of rounds). */
  readonly sweepPauseMs: number;
  /** Longest single bucket step of the sweep (snapshot + deadline checks), µs: per bucket the fastest of the rounds, then the slowest bucket. */
  readonly longestBucketStepUs: number;
  /** Largest bucket's size. */
  readonly largestBucket: number;
}

export interface HashSizeBenchResult {
  readonly options: HashSizeBenchOptions;
  readonly gcAvailable: boolean;
  readonly rows: readonly HashSizeRow[];
}

export const FULL_OPTIONS: HashSizeBenchOptions = {
  hashSizes: Array.from({ length: 20 }, (_, i) => i + 1),
  sessionCounts: [1_000, 10_000, 100_000, 1_000_000],
  lookupsPerRound: 300_000,
  insertDeletesPerRound: 50_000,
  rounds: 5,
  memorySessions: 100_000,
};

export const QUICK_OPTIONS: HashSizeBenchOptions = {
  hashSizes: [1, 4, 8, 12, 16, 20],
  sessionCounts: [1_000, 10_000],
  lookupsPerRound: 50_000,
  insertDeletesPerRound: 5_000,
  rounds: 3,
  memorySessions: 20_000,
};

/** Two full GCs (the second collects what the first's finalisers freed); false when GC cannot be forced. */
function gc(): boolean {
  const collect = gcFunction();
  if (collect === undefined) return false;
  collect();
  collect();
  return true;
}

function heapBytes(): number {
  return getHeapStatistics().used_heap_size + process.memoryUsage().arrayBuffers;
}

// Minimal sessions share their empty containers: the figure is the table's cost, not a live call's.
const NO_LEGS: Leg[] = [];
const NO_CTX = new Map<string, string>();
const FAR_DEADLINE = 1e15;

function makeSession(table: SessionTable, n: number): Session {
  const { hashIndex, localIndex, key } = table.allocate(`sip:callee-${n}@example.net`, `sip:caller-${n}@example.com`);
  return {
    key, hashIndex, localIndex, scenario: 'top hiding', state: 'bridged', deadlineMs: FAR_DEADLINE,
    servers: NO_LEGS, clients: NO_LEGS, bridgeEntities: NO_LEGS, ctx: NO_CTX, flags: {}, contact: 'sip:b2b@127.0.0.1:5060',
    cancelled: false, pending: new Set(), destroyed: false, handler: undefined,
  };
}

/** Deterministic xorshift32: the same lookups every run. */
function randomIndices(count: number, bound: number, seed: number): Uint32Array {
  const out = new Uint32Array(count);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out[i] = x % bound;
  }
  return out;
}

function cpuNs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
}

const NO_TIMERS: TimerService = { schedule: () => 0, cancel: () => undefined, armedCount: 0 };

export let blackhole: unknown;

/** One hash_size × live sessions cell. */
export function measureCell(hashSize: number, sessions: number, options: HashSizeBenchOptions): HashSizeRow {
  // Memory: R copies of the cell so small cells still move the heap well past GC noise (R × N ≥ memorySessions, bucket arrays ≤ ~200 MB).
  const copies = Math.max(1, Math.min(Math.ceil(options.memorySessions / sessions), Math.floor(2 ** 24 / 2 ** hashSize)));
  const gcOk = gc();
  const h0 = heapBytes();
  const tables: SessionTable[] = [];
  for (let c = 0; c < copies; c++) tables.push(new SessionTable(hashSize));
  gc();
  const h1 = heapBytes();
  const lives: Session[][] = tables.map((t) => {
    const list = new Array<Session>(sessions);
    for (let i = 0; i < sessions; i++) list[i] = makeSession(t, i);
    return list;
  });
  gc();
  const h2 = heapBytes();
  tables.forEach((t, c) => { for (const s of lives[c]!) t.add(s); });
  gc();
  const h3 = heapBytes();
  const total = copies * sessions;
  const table = tables[0]!;
  const live = lives[0]!;
  tables.length = 1;
  lives.length = 1;
  const extras: Session[] = [];
  for (let i = 0; i < options.insertDeletesPerRound; i++) extras.push(makeSession(table, sessions + i));
  gc();

  const keys = Array.from(randomIndices(options.lookupsPerRound, sessions, 0x9e3779b9 ^ sessions ^ hashSize), (i) => live[i]!.key);
  const lookupCpu: number[] = [];
  const lookupWall: number[] = [];
  const pairCpu: number[] = [];
  const pairWall: number[] = [];
  const sweepMs: number[] = [];
  const stepNs = new Float64Array(table.bucketCount).fill(Infinity);
  const sweep = new ExpirySweep(NO_TIMERS, 1000, table, () => 0, () => { throw new Error('no session is expired in this benchmark'); });
  // One untimed pass of each, so the timed rounds run optimised code.
  for (const k of keys) blackhole = table.get(k);
  for (let r = 0; r < options.rounds; r++) {
    let c = cpuNs();
    let w = process.hrtime.bigint();
    let found = 0;
    for (let i = 0; i < keys.length; i++) if (table.get(keys[i]!) !== undefined) found++;
    lookupWall.push(Number(process.hrtime.bigint() - w) / keys.length);
    lookupCpu.push((cpuNs() - c) / keys.length);
    if (found !== keys.length) throw new Error(`lookup found ${found}/${keys.length}`);

    c = cpuNs();
    w = process.hrtime.bigint();
    for (const s of extras) table.add(s);
    for (const s of extras) table.remove(s);
    pairWall.push(Number(process.hrtime.bigint() - w) / extras.length);
    pairCpu.push((cpuNs() - c) / extras.length);
    if (table.size !== sessions) throw new Error(`table holds ${table.size}, expected ${sessions}`);

    w = process.hrtime.bigint();
    sweep.sweep();
    sweepMs.push(Number(process.hrtime.bigint() - w) / 1e6);

    // The sweep's per-bucket body, timed bucket by bucket (ExpirySweep.sweep does not yield between buckets).
    for (let i = 0; i < table.bucketCount; i++) {
      const t0 = process.hrtime.bigint();
      let due = 0;
      for (const s of table.bucket(i)) if (s.deadlineMs !== undefined && s.deadlineMs <= 0 && !s.destroyed) due++;
      const dt = Number(process.hrtime.bigint() - t0);
      blackhole = due;
      if (dt < stepNs[i]!) stepNs[i] = dt;
    }
  }
  let largestBucket = 0;
  let longestStep = 0;
  for (let i = 0; i < table.bucketCount; i++) {
    largestBucket = Math.max(largestBucket, table.bucket(i).length);
    longestStep = Math.max(longestStep, stepNs[i]!);
  }
  const row: HashSizeRow = {
    hashSize,
    buckets: table.bucketCount,
    sessions,
    lookupNs: round(median(lookupCpu), 1),
    lookupWallNs: round(median(lookupWall), 1),
    insertDeleteNs: round(median(pairCpu), 1),
    insertDeleteWallNs: round(median(pairWall), 1),
    tableBytesPerSession: gcOk ? round((h1 - h0 + (h3 - h2)) / total, 1) : null,
    sessionBytesPerSession: gcOk ? round((h2 - h1) / total, 1) : null,
    memoryCopies: copies,
    sweepPauseMs: round(median(sweepMs), 3),
    longestBucketStepUs: round(longestStep / 1000, 2),
    largestBucket,
  };
  blackhole = live.length + extras.length;
  return row;
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function runHashSizeBench(options: HashSizeBenchOptions, onRow: (row: HashSizeRow) => void = () => undefined): HashSizeBenchResult {
  const rows: HashSizeRow[] = [];
  for (const sessions of options.sessionCounts) {
    for (const hashSize of options.hashSizes) {
      const row = measureCell(hashSize, sessions, options);
      rows.push(row);
      onRow(row);
    }
  }
  return { options, gcAvailable: gc(), rows };
}
