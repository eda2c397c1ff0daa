/** The hash_size benchmark's shape on tiny cells: every figure present and sound, the report renders; no speed is asserted. */
import t from 'tap';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHashSizeBench, type HashSizeBenchOptions } from './hash-size-bench';
import { hashSizeMarkdown, recommend } from './hash-size-report';
import { gatherEnvironment, writeBenchReport } from '../report-writer';
import { lineChartSvg } from './svg-chart';

const TINY: HashSizeBenchOptions = { hashSizes: [1, 6], sessionCounts: [200, 500], lookupsPerRound: 2_000, insertDeletesPerRound: 100, rounds: 2, memorySessions: 2_000 };

t.test('runHashSizeBench gives one sound row per hash_size × sessions cell', async (t) => {
  const seen: number[] = [];
  const result = runHashSizeBench(TINY, (row) => seen.push(row.hashSize));
  t.equal(result.rows.length, 4);
  t.same(seen, [1, 6, 1, 6], 'rows reported in order, sessions outer');
  t.same(result.rows.map((r) => [r.sessions, r.hashSize, r.buckets]), [[200, 1, 2], [200, 6, 64], [500, 1, 2], [500, 6, 64]]);
  for (const r of result.rows) {
    for (const k of ['lookupNs', 'lookupWallNs', 'insertDeleteNs', 'insertDeleteWallNs', 'sweepPauseMs', 'longestBucketStepUs'] as const) {
      t.ok(Number.isFinite(r[k]) && r[k] >= 0, `${k} is a non-negative number (${r[k]})`);
    }
    t.ok(r.largestBucket >= Math.ceil(r.sessions / r.buckets) && r.largestBucket <= r.sessions, `largest bucket ${r.largestBucket} fits ${r.sessions} in ${r.buckets}`);
    t.ok(r.memoryCopies >= 1 && r.memoryCopies * r.sessions >= Math.min(TINY.memorySessions, r.sessions));
    if (result.gcAvailable) t.ok(r.sessionBytesPerSession !== null && r.sessionBytesPerSession > 0, 'a session costs heap');
  }
  t.equal(result.rows[0]!.largestBucket >= 100, true, 'two buckets hold 200 sessions: one has at least half');
  const recs = recommend(result.rows);
  t.same(recs.map((r) => r.sessions), [200, 500]);
  t.ok(recs.every((r) => TINY.hashSizes.includes(r.hashSize)), 'each recommendation is a measured hash_size');

  const md = hashSizeMarkdown(result, gatherEnvironment(), true);
  t.match(md, /^# hash_size benchmark/);
  t.match(md, /## Recommendation/);
  t.equal((md.match(/<svg /g) ?? []).length, 3, 'three charts');
  t.equal(md.split('\n').filter((l) => /^\| 500 \| 6 \|/.test(l)).length, 1, 'one table row per cell');

  const dir = mkdtempSync(join(tmpdir(), 'hash-size-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const written = writeBenchReport('hash_size', { rows: result.rows }, md, dir);
  t.match(written.jsonPath, /hash_size\.json$/);
  t.same((JSON.parse(readFileSync(written.jsonPath, 'utf8')) as { rows: unknown[] }).rows.length, 4);
  t.equal(readFileSync(written.mdPath, 'utf8'), `${md}\n`);
});

t.test('recommend keeps within the memory and sweep slack, then takes the largest hash_size', async (t) => {
  const row = (hashSize: number, tableBytesPerSession: number, sweepPauseMs: number) => ({
    hashSize, buckets: 2 ** hashSize, sessions: 1000, lookupNs: 100, lookupWallNs: 100, insertDeleteNs: 200, insertDeleteWallNs: 200,
    tableBytesPerSession, sessionBytesPerSession: 300, memoryCopies: 1, sweepPauseMs, longestBucketStepUs: 1, largestBucket: 1,
  });
  t.equal(recommend([row(1, 40, 5), row(8, 50, 2), row(16, 900, 0.5)])[0]!.hashSize, 8, '16 sweeps fastest but its table is too big');
  t.equal(recommend([row(1, 40, 2), row(8, 50, 2.5), row(12, 55, 4)])[0]!.hashSize, 8, '12 is lean but sweeps too slowly');
  t.equal(recommend([row(1, 40, 2), row(8, 70, 2)])[0]!.hashSize, 1, '8 costs more than 1.5× the memory');
});

t.test('lineChartSvg draws one polyline per series and skips non-positive values on a log axis', async (t) => {
  const svg = lineChartSvg({ title: 'a<b', xLabel: 'x', yLabel: 'y', logY: true, series: [
    { label: 's1', points: [[1, 1], [2, 10], [3, 0]] },
    { label: 's2', points: [[1, 100], [2, Number.NaN]] },
  ] });
  t.equal((svg.match(/<polyline /g) ?? []).length, 2);
  t.match(svg, /a&lt;b/);
  t.notMatch(svg, /NaN/);
  t.equal(lineChartSvg({ title: 't', xLabel: 'x', yLabel: 'y', logY: true, series: [{ label: 's', points: [[1, 0]] }] }), '');
});
