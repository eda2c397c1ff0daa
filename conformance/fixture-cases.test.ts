/** Loading a fixture suite: the happy path, and shape errors reported with file and line. */
import t from 'tap';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FixtureError, loadFixtureSuite } from './fixture-cases';

function suiteDir(yaml: string, messages: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'b2bkit-fixtures-'));
  mkdirSync(join(dir, 'messages'));
  writeFileSync(join(dir, 'cases.yaml'), yaml);
  for (const [name, body] of Object.entries(messages)) writeFileSync(join(dir, 'messages', `${name}.sip`), body);
  return dir;
}

const good = `suite: T
count: 2
cases:
  - name: a
    section: S 1
    title: A
    checks: c
    expect: valid
    checksField:
      - { path: method, equals: OPTIONS }
      - { path: fromTag, absent: true }
  - name: b
    section: S 2
    title: B
    checks: c
    expect: invalid
    error: { codes: [bad-header], canReply: true }
`;

t.test('loads cases with their bytes and checks', async (t) => {
  const dir = suiteDir(good, { a: 'A\r\n', b: 'B\r\n', stray: 'x' });
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const suite = loadFixtureSuite(dir);
  t.equal(suite.count, 2);
  t.same(suite.cases.map((c) => c.name), ['a', 'b']);
  t.equal(Buffer.from(suite.cases[0]?.bytes ?? []).toString(), 'A\r\n');
  t.same(suite.cases[0]?.checksField.map((c) => c.path), ['method', 'fromTag']);
  t.same(suite.cases[1]?.error, { codes: ['bad-header'], canReply: true });
  t.same(suite.orphanMessages, ['stray.sip']);
  t.match(suite.cases[1]?.where, /cases\.yaml:12$/);
});

const broken: Array<[string, string, RegExp]> = [
  ['unknown verdict', good.replace('expect: valid', 'expect: maybe'), /cases\.yaml:4: "expect" must be one of/],
  ['invalid case without error', good.replace(/    error:.*\n/, ''), /cases\.yaml:12: .*"error" must be a mapping/],
  ['error on a valid case', good.replace('expect: invalid', 'expect: valid'), /"error" only belongs to invalid cases/],
  ['check with both forms', good.replace('absent: true', 'absent: true, equals: x'), /cases\.yaml:11: .*exactly one of/],
  ['missing message file', good.replace('name: b', 'name: zz'), /no message file/],
  ['unknown key', good.replace('title: A', 'title: A\n    colour: red'), /unknown key "colour"/],
  ['YAML syntax error', good.replace('cases:', 'cases: ['), /cases\.yaml:\d+:/],
];

for (const [what, yaml, message] of broken) {
  t.test(`reports ${what} with file and line`, async (t) => {
    const dir = suiteDir(yaml, { a: 'A\r\n', b: 'B\r\n' });
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    t.throws(() => loadFixtureSuite(dir), FixtureError);
    t.throws(() => loadFixtureSuite(dir), { message });
  });
}
