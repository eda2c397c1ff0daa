/**
 * Loads a torture-test suite (RFC 4475 §3, RFC 5118 §4): `cases.yaml` checked against its schema,
 * each case joined with the exact octets of `messages/NAME.sip`. Shape errors name the file and line.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type Node as YamlNode, type YAMLMap } from 'yaml';

export type Verdict = 'valid' | 'invalid' | 'tolerant';

export interface FieldCheck {
  readonly path: string;
  /** Deep-equal expectation; `null` matches a flag parameter (present without value). */
  readonly equals?: unknown;
  /** `true`: the accessor must return `undefined`. */
  readonly absent?: boolean;
  /** Where the check is written, for failure messages. */
  readonly where: string;
}

export interface ExpectedError {
  /** Any of these parser error codes is acceptable. */
  readonly codes: readonly string[];
  /** Whether a 400 can still be sent (the parser's `canReply`). */
  readonly canReply: boolean;
}

export interface FixtureCase {
  readonly name: string;
  readonly section: string;
  readonly title: string;
  readonly checks: string;
  readonly expect: Verdict;
  readonly error?: ExpectedError;
  readonly checksField: readonly FieldCheck[];
  /** Set while the parser still gets this case wrong: why, and what the RFC expects. */
  readonly knownFailure?: string;
  readonly bytes: Uint8Array;
  readonly messagePath: string;
  /** `cases.yaml:LINE` of the case, for failure messages. */
  readonly where: string;
}

export interface FixtureSuite {
  readonly suite: string;
  readonly count: number;
  readonly cases: readonly FixtureCase[];
  /** `.sip` files with no case in cases.yaml. */
  readonly orphanMessages: readonly string[];
}

export class FixtureError extends Error {
  readonly code = 'bad-fixture';
  constructor(message: string) {
    super(message);
    this.name = 'FixtureError';
  }
}

const VERDICTS: readonly Verdict[] = ['valid', 'invalid', 'tolerant'];
const CASE_KEYS = new Set(['name', 'section', 'title', 'checks', 'expect', 'error', 'checksField', 'knownFailure']);

class Reader {
  constructor(private readonly file: string, private readonly lines: LineCounter) {}

  where(node: YamlNode | null | undefined): string {
    const offset = node?.range?.[0] ?? 0;
    return `${this.file}:${this.lines.linePos(offset).line}`;
  }

  fail(node: YamlNode | null | undefined, message: string): never {
    throw new FixtureError(`${this.where(node)}: ${message}`);
  }

  map(node: unknown, parent: YamlNode | null | undefined, what: string): YAMLMap {
    if (!isMap(node)) this.fail((node as YamlNode | undefined) ?? parent, `${what} must be a mapping`);
    return node;
  }

  string(map: YAMLMap, key: string, optional = false): string | undefined {
    const value: unknown = map.get(key);
    if (value === undefined && optional) return undefined;
    if (typeof value !== 'string' || value.length === 0) this.fail(map, `"${key}" must be a non-empty string`);
    return value;
  }
}

function readFieldChecks(reader: Reader, map: YAMLMap): FieldCheck[] {
  const node = map.get('checksField', true);
  if (node === undefined) return [];
  if (!isSeq(node)) return reader.fail(map, '"checksField" must be a list');
  return node.items.map((item) => {
    const entry = reader.map(item, node, 'a checksField entry');
    const path = reader.string(entry, 'path') as string;
    const hasEquals = entry.has('equals');
    const absent = entry.get('absent');
    if (hasEquals === (absent === true)) reader.fail(entry, `checksField "${path}" needs exactly one of "equals" or "absent: true"`);
    const where = reader.where(entry);
    return hasEquals ? { path, equals: entry.toJSON().equals as unknown, where } : { path, absent: true, where };
  });
}

function readError(reader: Reader, map: YAMLMap, expect: Verdict): ExpectedError | undefined {
  const node = map.get('error', true);
  if (expect !== 'invalid') {
    if (node !== undefined) reader.fail(map, `"error" only belongs to invalid cases`);
    return undefined;
  }
  const error = reader.map(node, map, 'an invalid case\'s "error"');
  const codes: unknown = error.toJSON().codes;
  if (!Array.isArray(codes) || codes.length === 0 || !codes.every((c) => typeof c === 'string')) {
    reader.fail(error, '"error.codes" must be a non-empty list of codes');
  }
  const canReply: unknown = error.get('canReply');
  if (typeof canReply !== 'boolean') reader.fail(error, '"error.canReply" must be true or false');
  return { codes: codes as string[], canReply };
}

function readCase(reader: Reader, node: unknown, parent: YamlNode, messagesDir: string): FixtureCase {
  const map = reader.map(node, parent, 'a case');
  for (const pair of map.items) {
    const key = String((pair.key as { value?: unknown } | null)?.value ?? pair.key);
    if (!CASE_KEYS.has(key)) reader.fail(map, `unknown key "${key}"`);
  }
  const name = reader.string(map, 'name') as string;
  const expect = reader.string(map, 'expect') as Verdict;
  if (!VERDICTS.includes(expect)) reader.fail(map, `"expect" must be one of ${VERDICTS.join(', ')}`);
  const messagePath = join(messagesDir, `${name}.sip`);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(messagePath));
  } catch {
    return reader.fail(map, `no message file ${messagePath}`);
  }
  const error = readError(reader, map, expect);
  const knownFailure = reader.string(map, 'knownFailure', true);
  return {
    name,
    section: reader.string(map, 'section') as string,
    title: reader.string(map, 'title') as string,
    checks: reader.string(map, 'checks') as string,
    expect,
    ...(error ? { error } : {}),
    checksField: readFieldChecks(reader, map),
    ...(knownFailure ? { knownFailure } : {}),
    bytes,
    messagePath,
    where: reader.where(map),
  };
}

/** Loads `<dir>/cases.yaml` and `<dir>/messages/*.sip`. Throws FixtureError (with file:line) on a malformed suite. */
export function loadFixtureSuite(dir: string): FixtureSuite {
  const file = join(dir, 'cases.yaml');
  const lines = new LineCounter();
  const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter: lines });
  const reader = new Reader(file, lines);
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    throw new FixtureError(`${file}:${first?.linePos?.[0].line ?? '?'}: ${first?.message ?? 'YAML error'}`);
  }
  const root = reader.map(doc.contents, null, 'the document');
  const count: unknown = root.get('count');
  if (typeof count !== 'number' || !Number.isInteger(count)) return reader.fail(root, '"count" must be an integer');
  const casesNode = root.get('cases', true);
  if (!isSeq(casesNode)) return reader.fail(root, '"cases" must be a list');
  const messagesDir = join(dir, 'messages');
  const cases = casesNode.items.map((item) => readCase(reader, item, casesNode, messagesDir));
  const seen = new Set<string>();
  for (const c of cases) {
    if (seen.has(c.name)) throw new FixtureError(`${c.where}: duplicate case "${c.name}"`);
    seen.add(c.name);
  }
  const orphanMessages = readdirSync(messagesDir)
    .filter((f) => f.endsWith('.sip') && !seen.has(f.slice(0, -'.sip'.length)))
    .sort();
  return { suite: reader.string(root, 'suite') as string, count, cases, orphanMessages };
}
