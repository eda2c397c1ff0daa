/** A small hand-written SVG line chart for the bench summaries: one polyline per series, labelled axes, optional log-scale y. */

export interface ChartSeries {
  readonly label: string;
  readonly points: ReadonlyArray<readonly [number, number]>;
}

export interface ChartSpec {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly logY: boolean;
  readonly series: readonly ChartSeries[];
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];
const W = 640;
const H = 360;
const L = 70;
const R = 130;
const T = 30;
const B = 50;

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (n: number): string => (Math.abs(n) >= 1000 || (Math.abs(n) < 0.01 && n !== 0) ? n.toExponential(0) : String(Number(n.toPrecision(3))));

export function lineChartSvg(spec: ChartSpec): string {
  const pts = spec.series.flatMap((s) => s.points).filter(([, y]) => Number.isFinite(y) && (!spec.logY || y > 0));
  if (pts.length === 0) return '';
  const xs = pts.map(([x]) => x);
  const ys = pts.map(([, y]) => (spec.logY ? Math.log10(y) : y));
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs) === xMin ? xMin + 1 : Math.max(...xs);
  let yMin = spec.logY ? Math.floor(Math.min(...ys)) : Math.min(0, ...ys);
  let yMax = spec.logY ? Math.ceil(Math.max(...ys)) : Math.max(...ys);
  if (yMax === yMin) { yMax += 1; yMin -= spec.logY ? 1 : 0; }
  const px = (x: number): number => L + ((x - xMin) / (xMax - xMin)) * (W - L - R);
  const py = (y: number): number => H - B - (((spec.logY ? Math.log10(y) : y) - yMin) / (yMax - yMin)) * (H - T - B);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="18" text-anchor="middle" font-size="13">${esc(spec.title)}</text>`,
    `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="black"/>`,
    `<line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="black"/>`,
  ];
  const xTicks = [...new Set(xs)].sort((a, b) => a - b);
  for (const x of xTicks) {
    out.push(`<line x1="${px(x)}" y1="${H - B}" x2="${px(x)}" y2="${H - B + 4}" stroke="black"/>`);
    out.push(`<text x="${px(x)}" y="${H - B + 16}" text-anchor="middle">${fmt(x)}</text>`);
  }
  const yTicks: number[] = [];
  if (spec.logY) for (let e = yMin; e <= yMax; e++) yTicks.push(10 ** e);
  else for (let i = 0; i <= 5; i++) yTicks.push(yMin + ((yMax - yMin) * i) / 5);
  for (const y of yTicks) {
    out.push(`<line x1="${L}" y1="${py(y)}" x2="${W - R}" y2="${py(y)}" stroke="#ddd"/>`);
    out.push(`<text x="${L - 6}" y="${py(y) + 4}" text-anchor="end">${fmt(y)}</text>`);
  }
  out.push(`<text x="${(L + W - R) / 2}" y="${H - 12}" text-anchor="middle">${esc(spec.xLabel)}</text>`);
  out.push(`<text x="16" y="${(T + H - B) / 2}" text-anchor="middle" transform="rotate(-90 16 ${(T + H - B) / 2})">${esc(spec.yLabel)}</text>`);
  spec.series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    const points = s.points.filter(([, y]) => Number.isFinite(y) && (!spec.logY || y > 0)).map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`);
    out.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${points.join(' ')}"/>`);
    out.push(`<line x1="${W - R + 10}" y1="${T + 10 + i * 18}" x2="${W - R + 30}" y2="${T + 10 + i * 18}" stroke="${colour}" stroke-width="2"/>`);
    out.push(`<text x="${W - R + 35}" y="${T + 14 + i * 18}">${esc(s.label)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}
