/** A small hand-written SVG grouped bar chart for the memory report: bars per series, dashed reference lines, labelled axes. */

export interface BarChartSpec {
  readonly title: string;
  readonly groups: readonly string[];
  readonly series: ReadonlyArray<{ readonly name: string; readonly values: readonly number[] }>;
  readonly references?: ReadonlyArray<{ readonly name: string; readonly value: number }>;
}

const COLOURS = ['#3b6ea5', '#e0823d', '#5a9e4b', '#b54a4a'];
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function barChartSvg(spec: BarChartSpec): string {
  const width = 640;
  const height = 320;
  const left = 60;
  const right = 170;
  const top = 30;
  const bottom = 40;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const all = [...spec.series.flatMap((s) => s.values), ...(spec.references ?? []).map((r) => r.value), 0];
  const max = Math.max(...all.filter(Number.isFinite)) * 1.1 || 1;
  const y = (v: number): number => top + plotH - (Math.max(0, v) / max) * plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<text x="${width / 2}" y="16" text-anchor="middle" font-size="13">${esc(spec.title)}</text>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}" stroke="black"/>`,
    `<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="black"/>`,
    `<text x="14" y="${top + plotH / 2}" transform="rotate(-90 14 ${top + plotH / 2})" text-anchor="middle">KB per call</text>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    parts.push(`<text x="${left - 4}" y="${y(v) + 4}" text-anchor="end">${v.toFixed(1)}</text>`);
  }
  const groupW = plotW / Math.max(1, spec.groups.length);
  const barW = (groupW * 0.7) / Math.max(1, spec.series.length);
  spec.groups.forEach((g, gi) => {
    const gx = left + gi * groupW + groupW * 0.15;
    spec.series.forEach((s, si) => {
      const v = s.values[gi] ?? 0;
      const x = gx + si * barW;
      parts.push(`<rect x="${x.toFixed(1)}" y="${y(v).toFixed(1)}" width="${(barW - 2).toFixed(1)}" height="${(top + plotH - y(v)).toFixed(1)}" fill="${COLOURS[si % COLOURS.length]}"/>`);
      parts.push(`<text x="${(x + barW / 2).toFixed(1)}" y="${(y(v) - 3).toFixed(1)}" text-anchor="middle">${v.toFixed(1)}</text>`);
    });
    parts.push(`<text x="${(left + gi * groupW + groupW / 2).toFixed(1)}" y="${top + plotH + 16}" text-anchor="middle">${esc(g)}</text>`);
  });
  (spec.references ?? []).forEach((r, i) => {
    parts.push(`<line x1="${left}" y1="${y(r.value).toFixed(1)}" x2="${left + plotW}" y2="${y(r.value).toFixed(1)}" stroke="#888" stroke-dasharray="${i === 0 ? '6 3' : '2 2'}"/>`);
  });
  const legend = [
    ...spec.series.map((s, i) => `<rect x="${left + plotW + 12}" y="${top + i * 18}" width="10" height="10" fill="${COLOURS[i % COLOURS.length]}"/><text x="${left + plotW + 26}" y="${top + i * 18 + 9}">${esc(s.name)}</text>`),
    ...(spec.references ?? []).map((r, i) => {
      const ly = top + (spec.series.length + i) * 18 + 5;
      return `<line x1="${left + plotW + 12}" y1="${ly}" x2="${left + plotW + 22}" y2="${ly}" stroke="#888" stroke-dasharray="${i === 0 ? '6 3' : '2 2'}"/><text x="${left + plotW + 26}" y="${ly + 4}">${esc(r.name)}</text>`;
    }),
  ];
  parts.push(...legend, `<text x="${left + plotW / 2}" y="${height - 6}" text-anchor="middle">concurrent held calls</text>`, '</svg>');
  return parts.join('\n');
}
