/** The hash_size benchmark's summary: table, SVG charts and the hash_size recommendation per call volume (issue 7). */
import { environmentLine, markdownTable, type BenchEnvironment } from '../report-writer';
import type { HashSizeBenchResult, HashSizeRow } from './hash-size-bench';
import { lineChartSvg } from './svg-chart';

export interface Recommendation {
  readonly sessions: number;
  readonly hashSize: number;
  readonly sweepPauseMs: number;
  readonly tableBytesPerSession: number | null;
  readonly lookupNs: number;
  readonly longestBucketStepUs: number;
}

/** Slack allowed over the cheapest table memory and over the shortest sweep pause of one call volume (the pauses are noisy). */
export const SLACK = 1.5;

/**
 * Per live-session count: the hash sizes whose table memory is within SLACK × the cheapest and whose sweep pause is
 * within SLACK × the shortest are all fine; of those the largest, because its buckets are the smallest steps.
 */
export function recommend(rows: readonly HashSizeRow[]): Recommendation[] {
  const counts = [...new Set(rows.map((r) => r.sessions))].sort((a, b) => a - b);
  return counts.map((sessions) => {
    const cells = rows.filter((r) => r.sessions === sessions);
    const bytes = cells.map((r) => r.tableBytesPerSession).filter((b): b is number => b !== null && b > 0);
    const cheapest = bytes.length > 0 ? Math.min(...bytes) : null;
    const lean = cheapest === null ? cells : cells.filter((r) => r.tableBytesPerSession !== null && r.tableBytesPerSession <= cheapest * SLACK);
    const pool = lean.length > 0 ? lean : cells;
    const shortest = Math.min(...pool.map((r) => r.sweepPauseMs));
    const fine = pool.filter((r) => r.sweepPauseMs <= shortest * SLACK);
    const best = [...fine].sort((a, b) => b.hashSize - a.hashSize)[0]!;
    return { sessions, hashSize: best.hashSize, sweepPauseMs: best.sweepPauseMs, tableBytesPerSession: best.tableBytesPerSession, lookupNs: best.lookupNs, longestBucketStepUs: best.longestBucketStepUs };
  });
}

const f = (n: number | null, d = 0): string => (n === null ? 'n/a' : n.toFixed(d));
const label = (n: number): string => `${n.toLocaleString('en-US')} sessions`;

function series(rows: readonly HashSizeRow[], pick: (r: HashSizeRow) => number | null) {
  const counts = [...new Set(rows.map((r) => r.sessions))].sort((a, b) => a - b);
  return counts.map((n) => ({
    label: label(n),
    points: rows.filter((r) => r.sessions === n).map((r) => [r.hashSize, pick(r) ?? Number.NaN] as const),
  }));
}

export function hashSizeMarkdown(result: HashSizeBenchResult, environment: BenchEnvironment, quick: boolean): string {
  const recs = recommend(result.rows);
  return [
    '# hash_size benchmark (b2b_logic session table)',
    '',
    environmentLine(environment),
    '',
    `Command: \`npx ts-node --transpile-only bench/hash-size/main.ts${quick ? ' --quick' : ''}\`. ` +
      '`SessionTable` (engine/b2b/logic/session-table.ts: 2^hash_size buckets, one Map per used bucket) filled with N minimal sessions ' +
      '(shared empty legs/ctx, one empty `pending` Set each). lookup: `get(key)` for random live keys, CPU ns. insert+delete: `add` then `remove` ' +
      `of ${result.options.insertDeletesPerRound.toLocaleString('en-US')} extra sessions while N stay live, CPU ns per pair. ` +
      'table B/session: JS heap + ArrayBuffer growth after full GC for the table itself (bucket array, counters, Maps) per live session; ' +
      'the minimal session object and its key cost another ~session B (shown separately). ' +
      'sweep pause: wall time of one `ExpirySweep.sweep()` with nothing expired: it walks every bucket in one timer callback, so this is the event-loop pause. ' +
      'longest bucket step: the sweep body for one bucket (snapshot + deadline checks) timed per bucket, fastest of the rounds per bucket, slowest bucket: ' +
      'the pause a sweep that yields between buckets would have. ' +
      `Medians of ${result.options.rounds} rounds${result.gcAvailable ? '' : '; GC unavailable, memory n/a'}.`,
    '',
    '## Recommendation',
    '',
    `Rule: per call volume, the hash sizes whose table memory is within ${SLACK}× the cheapest and whose sweep pause is within ${SLACK}× the shortest are all acceptable; the largest of them is recommended (smallest bucket steps).`,
    '',
    markdownTable(
      ['live sessions', 'hash_size', 'buckets', 'sweep pause ms', 'longest bucket step µs', 'table B/session', 'lookup ns'],
      recs.map((r) => [r.sessions.toLocaleString('en-US'), r.hashSize, (1 << r.hashSize).toLocaleString('en-US'), f(r.sweepPauseMs, 2), f(r.longestBucketStepUs, 1), f(r.tableBytesPerSession, 1), f(r.lookupNs)]),
    ),
    '',
    'How to read it: each bucket is a Map, so lookup and insert+delete do not depend on hash_size (the spread in the table is machine noise ' +
      'and cache misses growing with the number of live sessions). hash_size trades table memory (about 12 B per bucket on top of ~30–40 B per ' +
      'session once buckets outnumber sessions/8) against the sweep: `ExpirySweep.sweep()` walks every bucket in one timer callback, so its pause ' +
      'is the whole walk and grows with both sessions and buckets; the longest bucket step (sessions / 2^hash_size) only bounds the pause if the ' +
      'sweep is changed to yield between buckets.',
    '',
    '## Charts',
    '',
    lineChartSvg({ title: 'One expiry sweep: event-loop pause', xLabel: 'hash_size', yLabel: 'ms (log)', logY: true, series: series(result.rows, (r) => r.sweepPauseMs) }),
    '',
    lineChartSvg({ title: 'Table memory per live session', xLabel: 'hash_size', yLabel: 'bytes (log)', logY: true, series: series(result.rows, (r) => r.tableBytesPerSession) }),
    '',
    lineChartSvg({ title: 'Longest single bucket step of the sweep', xLabel: 'hash_size', yLabel: 'µs (log)', logY: true, series: series(result.rows, (r) => r.longestBucketStepUs) }),
    '',
    '## All cells',
    '',
    markdownTable(
      ['sessions', 'hash_size', 'lookup ns', 'insert+delete ns', 'table B/session', 'session B', 'sweep pause ms', 'longest bucket step µs', 'largest bucket'],
      result.rows.map((r) => [r.sessions, r.hashSize, f(r.lookupNs), f(r.insertDeleteNs), f(r.tableBytesPerSession, 1), f(r.sessionBytesPerSession, 0), f(r.sweepPauseMs, 3), f(r.longestBucketStepUs, 1), r.largestBucket]),
    ),
  ].join('\n');
}

/**
 * Writes `hash_size.{json,md}`: the name the issue gives this benchmark. report-writer's writeBenchReport only accepts
 * kebab-case names, so the two files are written here in the same format.
 */
