/**
 * The dependency rule of ARCHITECTURE.md, checked on the source text:
 * engine/ never imports the harness (simulator/, conformance/, bench/), and only engine/runtime/
 * touches sockets, files, real time or ambient randomness (the sans-I/O rule of DESIGN.md).
 */
import t from 'tap';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const root = join(__dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const engineFiles = sourceFiles(join(root, 'engine')).map((p) => relative(root, p).split(sep).join('/'));
const harnessImport = /from\s+['"](\.\.?\/)+(\.\.\/)*(simulator|conformance|bench|scenarios|cli|runner)\//;
const ambient = [
  /from\s+['"](node:)?(dgram|net|tls|fs|fs\/promises|http|https|child_process|worker_threads)['"]/,
  /\bsetTimeout\(/,
  /\bsetInterval\(/,
  /\bsetImmediate\(/,
  /Date\.now\(/,
  /new Date\(/,
  /performance\.now\(/,
  /Math\.random\(/,
  /process\.hrtime/,
];

t.test('the engine tree has source files to check', async (t) => {
  t.ok(engineFiles.length > 0, `found ${engineFiles.length} engine source files`);
});

t.test('engine/ imports nothing from simulator/, conformance/, bench/, scenarios/ or cli/', async (t) => {
  const offenders = engineFiles.filter((file) => harnessImport.test(readFileSync(join(root, file), 'utf8')));
  t.same(offenders, [], 'engine files importing the harness');
});

t.test('only engine/runtime/ reaches for sockets, files, real time or ambient randomness', async (t) => {
  const offenders: string[] = [];
  for (const file of engineFiles) {
    if (file.startsWith('engine/runtime/')) continue;
    const text = readFileSync(join(root, file), 'utf8');
    for (const pattern of ambient) {
      if (pattern.test(text)) offenders.push(`${file}: ${pattern.source}`);
    }
  }
  t.same(offenders, [], 'pure engine files with ambient effects');
});

t.test('the checks themselves catch a violation', async (t) => {
  t.ok(harnessImport.test(`import { World } from '../../simulator/world';`));
  t.ok(ambient.some((p) => p.test('const now = Date.now();')));
  t.notOk(harnessImport.test(`import { parseMessage } from '../sip/parse';`));
});
