/** Typed reads over the `yaml` package's node tree that fail with ScenarioLoadError naming file, line and field. */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import { ScenarioLoadError, type SourceLocation } from '../model/scenario';

type LoadErrorCode = ScenarioLoadError['code'];

/** One file being loaded: where lines come from, and the agent names known so far (for `to:`, `[agent:NAME]`). */
export interface YamlSource {
  readonly file: string;
  readonly lines: LineCounter;
  readonly doc: Document.Parsed;
  agentNames: ReadonlySet<string>;
}

export function lineOfOffset(src: YamlSource, offset: number | undefined): number {
  return offset === undefined ? 1 : src.lines.linePos(offset).line;
}

/** The node's first line; `fallback` (or 1) for a missing node. */
export function lineOf(src: YamlSource, node: Node | null | undefined, fallback = 1): number {
  const offset = node?.range?.[0];
  return offset === undefined ? fallback : lineOfOffset(src, offset);
}

export function locationOf(src: YamlSource, node: Node | null | undefined): SourceLocation {
  return { file: src.file, line: lineOf(src, node) };
}

export function fail(src: YamlSource, code: LoadErrorCode, line: number, field: string | undefined, detail: string): never {
  throw new ScenarioLoadError(code, { file: src.file, line }, detail, field);
}

export function failAt(src: YamlSource, code: LoadErrorCode, node: Node | null | undefined, field: string | undefined, detail: string): never {
  return fail(src, code, lineOf(src, node), field, detail);
}

/** Follows `*alias` references so anchors can share messages or step lists. */
export function resolve(src: YamlSource, node: unknown): Node | null {
  if (isAlias(node)) return resolve(src, node.resolve(src.doc) ?? null);
  return (node ?? null) as Node | null;
}

export function isNullNode(node: Node | null): boolean {
  return node === null || (isScalar(node) && node.value === null);
}

export function describe(node: Node | null): string {
  if (node === null) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) return node.value === null ? 'nothing' : `${typeof node.value} ${JSON.stringify(node.value)}`;
  return 'an unknown node';
}

/** A mapping whose keys have been checked against the allowed set. */
export class MapView {
  private readonly pairs = new Map<string, Pair<unknown, unknown>>();

  constructor(
    readonly src: YamlSource,
    readonly node: YAMLMap,
    readonly field: string,
    /** Where a missing key is reported: the line of the key holding this mapping when known. */
    readonly headLine: number = lineOf(src, node),
  ) {
    for (const pair of node.items) {
      const key = resolve(src, pair.key);
      if (!isScalar(key) || (typeof key.value !== 'string' && typeof key.value !== 'number')) {
        failAt(src, 'bad-value', key, field, `keys must be plain names, not ${describe(key)}`);
      }
      this.pairs.set(String(key.value), pair);
    }
  }

  keys(): string[] {
    return [...this.pairs.keys()];
  }

  has(key: string): boolean {
    return this.pairs.has(key);
  }

  /** The value node, or undefined when the key is absent (a present key with no value gives a null scalar). */
  get(key: string): Node | null | undefined {
    const pair = this.pairs.get(key);
    if (pair === undefined) return undefined;
    return resolve(this.src, pair.value);
  }

  keyNode(key: string): Node | null {
    return resolve(this.src, this.pairs.get(key)?.key);
  }

  sub(key: string): string {
    return this.field === '' ? key : `${this.field}.${key}`;
  }

  line(key?: string): number {
    return key === undefined ? lineOf(this.src, this.node) : lineOf(this.src, this.keyNode(key));
  }

  /** Refuses keys outside `allowed` with 'unknown-attribute' naming the key and its line. */
  allowOnly(allowed: readonly string[], what: string): this {
    for (const key of this.pairs.keys()) {
      if (!allowed.includes(key)) {
        fail(this.src, 'unknown-attribute', this.line(key), this.sub(key), `unknown attribute "${key}" in ${what} (allowed: ${allowed.join(', ')})`);
      }
    }
    return this;
  }
}

export function readMap(src: YamlSource, node: Node | null | undefined, field: string, what: string, fallbackLine?: number): MapView {
  if (!isMap(node)) fail(src, 'bad-value', lineOf(src, node, fallbackLine), field, `${what} must be a mapping, not ${describe(node ?? null)}`);
  return new MapView(src, node, field, fallbackLine);
}

export function readList(src: YamlSource, node: Node | null | undefined, field: string, what: string, fallbackLine?: number): Node[] {
  if (!isSeq(node)) fail(src, 'bad-value', lineOf(src, node, fallbackLine), field, `${what} must be a list, not ${describe(node ?? null)}`);
  return node.items.map((item) => resolve(src, item) ?? (node as Node));
}

/** The scalar value of a present key; 'missing-field' when the key has no value. */
function scalarOf(view: MapView, key: string): { node: Scalar; value: unknown } {
  const node = view.get(key) ?? null;
  if (isNullNode(node)) fail(view.src, 'missing-field', view.line(key), view.sub(key), `"${key}" needs a value`);
  if (!isScalar(node)) failAt(view.src, 'bad-value', node, view.sub(key), `"${key}" must be a single value, not ${describe(node)}`);
  return { node, value: node.value };
}

export function requireKey(view: MapView, key: string, what: string): void {
  if (!view.has(key)) fail(view.src, 'missing-field', view.headLine, view.sub(key), `${what} needs "${key}"`);
}

export function optString(view: MapView, key: string): string | undefined {
  if (!view.has(key)) return undefined;
  const { node, value } = scalarOf(view, key);
  if (typeof value !== 'string') failAt(view.src, 'bad-value', node, view.sub(key), `"${key}" must be text, not ${describe(node)}`);
  return value;
}

/** Text or a number written as text (labels, counters, ports). */
export function optName(view: MapView, key: string): string | undefined {
  if (!view.has(key)) return undefined;
  const { node, value } = scalarOf(view, key);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string' || value.trim() === '') failAt(view.src, 'bad-value', node, view.sub(key), `"${key}" must be a name, not ${describe(node)}`);
  return value;
}

export function reqString(view: MapView, key: string, what: string): string {
  requireKey(view, key, what);
  return optString(view, key) as string;
}

export function reqName(view: MapView, key: string, what: string): string {
  requireKey(view, key, what);
  return optName(view, key) as string;
}

export interface NumberRule {
  readonly min?: number;
  readonly max?: number;
  /** The lower bound itself is not allowed. */
  readonly minExclusive?: boolean;
  readonly integer?: boolean;
}

export function checkNumber(view: MapView, key: string, node: Node | null, value: unknown, rule: NumberRule): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) failAt(view.src, 'bad-value', node, view.sub(key), `"${key}" must be a number, not ${describe(node)}`);
  const tooLow = rule.min !== undefined && (rule.minExclusive === true ? value <= rule.min : value < rule.min);
  const tooHigh = rule.max !== undefined && value > rule.max;
  if (tooLow || tooHigh || (rule.integer === true && !Number.isInteger(value))) {
    const range = `${rule.min ?? '-∞'}${rule.minExclusive === true ? ' (exclusive)' : ''}..${rule.max ?? '∞'}`;
    failAt(view.src, 'bad-value', node, view.sub(key), `"${key}" must be ${rule.integer === true ? 'an integer' : 'a number'} in ${range}, not ${value}`);
  }
  return value;
}

export function optNumber(view: MapView, key: string, rule: NumberRule = {}): number | undefined {
  if (!view.has(key)) return undefined;
  const { node, value } = scalarOf(view, key);
  return checkNumber(view, key, node, value, rule);
}

export function reqNumber(view: MapView, key: string, what: string, rule: NumberRule = {}): number {
  requireKey(view, key, what);
  return optNumber(view, key, rule) as number;
}

export function optBool(view: MapView, key: string): boolean | undefined {
  if (!view.has(key)) return undefined;
  const { node, value } = scalarOf(view, key);
  if (typeof value !== 'boolean') failAt(view.src, 'bad-value', node, view.sub(key), `"${key}" must be true or false, not ${describe(node)}`);
  return value;
}

/** A list of names, written as a YAML list or as SIPp's comma-separated text ("a,b,c"); empty entries are kept. */
export function optNameList(view: MapView, key: string): string[] | undefined {
  if (!view.has(key)) return undefined;
  const node = view.get(key) ?? null;
  if (isSeq(node)) {
    return node.items.map((item, index) => {
      const entry = resolve(view.src, item);
      if (!isScalar(entry) || (typeof entry.value !== 'string' && typeof entry.value !== 'number' && entry.value !== null)) {
        failAt(view.src, 'bad-value', entry, `${view.sub(key)}[${index}]`, `entries of "${key}" must be names, not ${describe(entry)}`);
      }
      return entry.value === null ? '' : String(entry.value);
    });
  }
  const { value } = scalarOf(view, key);
  if (typeof value === 'number') return [String(value)];
  if (typeof value !== 'string') failAt(view.src, 'bad-value', node, view.sub(key), `"${key}" must be a name, a list of names or "a,b,c", not ${describe(node)}`);
  return value.split(',').map((part) => part.trim());
}

/** Compiles a regexp source so a bad one fails at load, not mid-run. */
export function checkRegexp(view: MapView, key: string, source: string, flags = ''): RegExp {
  try {
    return new RegExp(source, flags);
  } catch (err) {
    return fail(view.src, 'bad-value', view.line(key), view.sub(key), `"${key}" is not a valid regular expression: ${(err as Error).message}`);
  }
}
