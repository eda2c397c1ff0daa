/** The shared bench report writer: environment fields, Markdown tables, and the JSON + MD pair it writes. */
import t from 'tap';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { environmentLine, gatherEnvironment, markdownTable, writeBenchReport } from './report-writer';

t.test('gatherEnvironment describes node, the CPU and the commit', async (t) => {
  const env = gatherEnvironment();
  t.equal(env.node, process.version);
  t.ok(env.cpuCount > 0, 'at least one CPU');
  t.type(env.cpuModel, 'string');
  t.ok(env.gitCommit === null || /^[0-9a-f]{40}$/.test(env.gitCommit), 'a full commit hash or null');
  t.ok(!Number.isNaN(Date.parse(env.date)), 'an ISO date');
  t.match(environmentLine(env), env.node);
});

t.test('markdownTable lays out a header, a rule and the rows', async (t) => {
  t.equal(markdownTable(['a', 'b'], [[1, 'x'], [2, 'y']]), '| a | b |\n| --- | --- |\n| 1 | x |\n| 2 | y |');
});

t.test('writeBenchReport writes name.json and name.md', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'b2bkit-bench-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const written = writeBenchReport('demo', { figures: [1, 2] }, '# Demo', dir);
  t.same(JSON.parse(readFileSync(written.jsonPath, 'utf8')), { figures: [1, 2] });
  t.equal(readFileSync(written.mdPath, 'utf8'), '# Demo\n');
  t.throws(() => writeBenchReport('Bad Name', {}, '', dir), /kebab-case/);
});
