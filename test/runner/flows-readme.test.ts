import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { loadYamlScenario } from '../../runner/yaml/yaml-loader';

const README = join(__dirname, '..', '..', 'scenarios', 'README.md');

/** The ```yaml blocks of the README with the line each starts on. */
function yamlBlocks(text: string): { readonly line: number; readonly body: string }[] {
  const blocks: { line: number; body: string }[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```yaml') continue;
    const end = lines.indexOf('```', i + 1);
    blocks.push({ line: i + 2, body: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return blocks;
}

/** A whole file as it is; a list of steps inside a one-agent file (with `to:`/`[agent:…]` able to name a second agent). */
function asFile(body: string): string {
  if (/^name:/m.test(body)) return body;
  const steps = body.split('\n').map((line) => `      ${line}`).join('\n');
  return `agents:\n  a:\n    role: uac\n    target: b\n    steps:\n${steps}\n  b:\n    role: uas\n    steps:\n      - recv: INVITE\n`;
}

t.test('every YAML example in scenarios/README.md loads', async (t) => {
  const blocks = yamlBlocks(readFileSync(README, 'utf8'));
  t.ok(blocks.length >= 8, `the README has its examples (${blocks.length})`);
  for (const block of blocks) {
    t.doesNotThrow(() => loadYamlScenario(asFile(block.body), `README.md block at line ${block.line}`), `block at line ${block.line}`);
  }
});

t.test('the README example of a complete call is the basic-call flow (same steps)', async (t) => {
  const example = yamlBlocks(readFileSync(README, 'utf8')).find((b) => b.body.startsWith('name: basic call') && b.body.includes('timewait'));
  t.ok(example, 'the complete example is there');
  const flowFile = join(__dirname, '..', '..', 'scenarios', 'flows', 'basic-call.yaml');
  const flow = loadYamlScenario(readFileSync(flowFile, 'utf8'), flowFile);
  const doc = loadYamlScenario(example?.body ?? '', 'README.md');
  const shape = (file: typeof flow): string[][] => file.agents.map((a) => a.steps.map((s) => (s.kind === 'recv' ? `recv ${String(s.match.kind === 'response' ? s.match.code : s.match.method)}` : s.kind === 'send' ? `send ${s.message.split(' ', 1)[0]}` : s.kind)));
  t.strictSame(shape(doc), shape(flow));
});
