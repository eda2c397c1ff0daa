/**
 * Configuration from text: one YAML file (optional) plus `--set key=value` overrides, over the
 * embedded defaults. Pure: text in, a typed EngineConfig or a ConfigError (every issue with file:line) out.
 */
import { LineCounter, isMap, isNode, isScalar, parse as parseYaml, parseDocument, type Node, type Pair } from 'yaml';
import { ConfigError, type ConfigIssue, type ConfigIssueCode } from './config-error';
import { SECTIONS, findParam, knownKeys, type ConfigDraft } from './config-schema';
import { defaultEngineConfig, type ConfigOrigin, type EngineConfig } from './engine-config';

export interface ConfigInput {
  /** The YAML file's text and the name to report it by; absent: defaults plus overrides only. */
  readonly file?: { readonly name: string; readonly text: string };
  /** `key=value` strings from `--set`, applied after the file, in order. */
  readonly overrides?: readonly string[];
}

export type ConfigResult = { readonly ok: true; readonly config: EngineConfig } | { readonly ok: false; readonly error: ConfigError };

export function parseConfig(input: ConfigInput = {}): ConfigResult {
  const draft = newDraft();
  const issues: ConfigIssue[] = [];
  if (input.file !== undefined) readFile(input.file.name, input.file.text, draft, issues);
  for (const override of input.overrides ?? []) applyOverride(override, draft, issues);
  if (issues.length > 0) return { ok: false, error: new ConfigError(issues) };
  return { ok: true, config: freeze(draft) };
}

/** Like parseConfig, throwing the ConfigError (for callers that report and exit). */
export function parseConfigOrThrow(input: ConfigInput = {}): EngineConfig {
  const result = parseConfig(input);
  if (!result.ok) throw result.error;
  return result.config;
}

function readFile(name: string, text: string, draft: ConfigDraft, issues: ConfigIssue[]): void {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true });
  const at = (node: Node | null | undefined, fallback = 0): string => `${name}:${lines.linePos(node?.range?.[0] ?? fallback).line}`;
  const issue = (code: ConfigIssueCode, where: string, key: string, message: string): void => { issues.push({ code, where, key, message }); };
  if (doc.errors.length > 0) {
    for (const error of doc.errors) issue('yaml-syntax', `${name}:${error.linePos?.[0]?.line ?? 1}`, '', error.message.split('\n')[0]!);
    return;
  }
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return;
  if (!isMap(root)) {
    issue('not-a-map', at(root), '', 'the configuration must be a map of keys (listen, script, upstream, log_level, mi, shutdown, script_params, b2b_logic, b2b_entities)');
    return;
  }
  for (const pair of root.items as Pair<unknown, unknown>[]) {
    const key = keyText(pair.key);
    const keyNode = isNode(pair.key) ? pair.key : null;
    const valueNode = isNode(pair.value) ? pair.value : null;
    if (Object.prototype.hasOwnProperty.call(SECTIONS, key)) {
      if (key === 'mi' && isScalar(valueNode) && valueNode.value === false) {
        draft.mi = false;
        continue;
      }
      if (!isMap(valueNode)) {
        issue('bad-value', at(valueNode ?? keyNode), key, `must be a map of parameters${key === 'mi' ? ' (listen: host:port) or false' : ''}`);
        continue;
      }
      for (const inner of valueNode.items as Pair<unknown, unknown>[]) {
        const name = keyText(inner.key);
        const innerValue = isNode(inner.value) ? inner.value : null;
        applyOne(`${key}.${name}`, toJs(innerValue), at(innerValue ?? (isNode(inner.key) ? inner.key : null)), 'file', draft, issues);
      }
      continue;
    }
    applyOne(key, toJs(valueNode), at(valueNode ?? keyNode), 'file', draft, issues);
  }
}

function applyOverride(override: string, draft: ConfigDraft, issues: ConfigIssue[]): void {
  const where = `--set ${override}`;
  const eq = override.indexOf('=');
  if (eq <= 0) {
    issues.push({ code: 'bad-override', where, key: '', message: 'expected key=value, e.g. b2b_logic.hash_size=12 or listen=udp:127.0.0.1:5070' });
    return;
  }
  const key = override.slice(0, eq).trim();
  const valueText = override.slice(eq + 1);
  if (key === 'mi') {
    if (valueText.trim() === 'false') draft.mi = false;
    else issues.push({ code: 'bad-value', where, key, message: 'only mi=false is accepted here; set the address with mi.listen=host:port' });
    return;
  }
  // Listen specs stay text (a list is comma-separated); other values read as a YAML scalar, so 12 is a number.
  applyOne(key, key === 'listen' ? valueText : scalar(valueText), where, 'override', draft, issues);
}

function applyOne(key: string, raw: unknown, where: string, origin: ConfigOrigin, draft: ConfigDraft, issues: ConfigIssue[]): void {
  const entry = findParam(key);
  if (entry === undefined) {
    const dot = key.indexOf('.');
    const section = dot < 0 ? '' : key.slice(0, dot);
    const inSection = Object.prototype.hasOwnProperty.call(SECTIONS, section);
    const known = inSection ? knownKeys(section) : knownKeys();
    issues.push({ code: 'unknown-key', where, key, message: `unknown key${inSection ? ` in ${section}` : ''} (allowed: ${known.join(', ')})` });
    return;
  }
  const result = entry.apply(draft, raw, origin);
  if (!result.ok) issues.push({ code: result.unsupported === true ? 'not-supported' : 'bad-value', where, key, message: result.problem });
}

function scalar(text: string): unknown {
  try {
    const value: unknown = parseYaml(text);
    return value === null || typeof value === 'object' ? text : value;
  } catch {
    return text;
  }
}

function keyText(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  return String(key);
}

function toJs(node: Node | null): unknown {
  return node === null ? null : node.toJSON();
}

function newDraft(): ConfigDraft {
  const d = defaultEngineConfig;
  return {
    ...d,
    listen: [...d.listen],
    logic: { ...d.logic },
    entities: { ...d.entities },
    mi: d.mi === false ? false : { ...d.mi },
  };
}

function freeze(draft: ConfigDraft): EngineConfig {
  return { ...draft, logic: Object.freeze({ ...draft.logic }), entities: Object.freeze({ ...draft.entities }) };
}
