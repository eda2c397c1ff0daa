/** The memory benchmark's core on a tiny size: every call is established and held, and the report rows have their shape (no timing or size thresholds). */
import t from 'tap';
import { b2bShare, measureHeldCalls } from './memory-bench';
import { barChartSvg } from './bar-chart-svg';

t.test('20 held calls through the B2BUA and 20 direct: all established, shares computed', async (t) => {
  const b2b = measureHeldCalls(20, 'b2b');
  const direct = measureHeldCalls(20, 'direct');
  t.equal(b2b.established, 20);
  t.equal(b2b.b2bSessions, 20, 'every call is a live B2B session when measured');
  t.equal(b2b.b2bTransactions, 0, 'no transaction is left: only dialogs are held');
  t.equal(direct.established, 20);
  t.equal(direct.b2bSessions, 0);
  for (const row of [b2b, direct]) {
    for (const key of ['heapBytesPerCall', 'externalBytesPerCall', 'rssBytesPerCall', 'heapUsedBefore', 'heapUsedAfter', 'rssBefore', 'rssAfter', 'wallMs', 'simMs'] as const) {
      t.ok(Number.isFinite(row[key]), `${row.mode} ${key} is a number`);
    }
    t.ok(row.simMs >= 40_000, 'the world settled for 40 simulated seconds');
  }
  const shares = b2bShare([direct, b2b]);
  t.equal(shares.length, 1);
  t.equal(shares[0]?.calls, 20);
  t.equal(shares[0]?.heapBytesPerCall, b2b.heapBytesPerCall - direct.heapBytesPerCall);
  t.equal(shares[0]?.totalRssBytesPerCall, b2b.rssBytesPerCall);
});

t.test('the chart is one SVG with a bar per series and group', async (t) => {
  const svg = barChartSvg({ title: 'a < b', groups: ['x', 'y'], series: [{ name: 'heap', values: [1, 2] }, { name: 'rss', values: [3, 4] }], references: [{ name: 'ref', value: 2.5 }] });
  t.match(svg, /^<svg [^>]*>/);
  t.match(svg, /<\/svg>$/);
  t.equal((svg.match(/<rect /g) ?? []).length, 4 + 2, 'four bars plus two legend swatches');
  t.match(svg, /a &lt; b/, 'text is escaped');
});
