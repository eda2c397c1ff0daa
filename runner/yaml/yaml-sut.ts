/**
 * The YAML `sut:` block: the engine a flow runs against in the simulator (script, engine
 * configuration with the keys of b2bkit.yaml, script_params). The configuration is checked at load
 * by engine/config's own parser, so its errors name the flow file's lines.
 */
import { dirname, resolve as resolvePath } from 'node:path';
import { isScalar, type Node } from 'yaml';
import { parseConfig } from '../../engine/config';
import type { FlowSut } from '../model/scenario';
import { checkTemplate } from './yaml-template';
import { describe, fail, isNullNode, lineOf, locationOf, readMap, reqString, type MapView } from './yaml-reader';

const SUT_KEYS = ['script', 'config', 'params'];

export function readSut(root: MapView, text: string): FlowSut {
  const src = root.src;
  const map = readMap(src, root.get('sut'), 'sut', '"sut"', root.line('sut')).allowOnly(SUT_KEYS, '"sut"');
  const script = reqString(map, 'script', '"sut"');
  const configText = readConfig(map, text);
  return { location: locationOf(src, root.keyNode('sut')), script: resolvePath(dirname(src.file), script), configText, params: readParams(map) };
}

/** The `config:` mapping as YAML text whose lines are the flow file's, checked by the engine's parser. */
function readConfig(map: MapView, text: string): string | undefined {
  const node = map.get('config');
  if (node === undefined || isNullNode(node ?? null)) return undefined;
  const body = readMap(map.src, node, map.sub('config'), '"config"', map.line('config'));
  const range = body.node.range;
  if (range === undefined || range === null) return undefined;
  const at = map.src.lines.linePos(range[0]);
  // Same line and column as in the flow file: a block mapping stays well indented, errors keep their line numbers.
  const configText = `${'\n'.repeat(at.line - 1)}${' '.repeat(at.col - 1)}${text.slice(range[0], range[1])}\n`;
  const parsed = parseConfig({ file: { name: map.src.file, text: configText } });
  if (!parsed.ok) {
    const issue = parsed.error.issues[0]!;
    const line = Number(/:(\d+)$/.exec(issue.where)?.[1] ?? map.line('config'));
    fail(map.src, 'bad-value', line, `sut.config${issue.key === '' ? '' : `.${issue.key}`}`, issue.message);
  }
  return configText;
}

/** `params: { name: value }`: script_params; values are text with `[agent:NAME]` keywords. */
function readParams(map: MapView): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  if (!map.has('params')) return out;
  const params = readMap(map.src, map.get('params'), map.sub('params'), '"params"', map.line('params'));
  for (const key of params.keys()) {
    const node: Node | null = params.get(key) ?? null;
    if (!isScalar(node) || node.value === null || typeof node.value === 'object') {
      fail(map.src, 'bad-value', lineOf(map.src, node, params.line(key)), params.sub(key), `a script parameter is text or a number, not ${describe(node)}`);
    }
    out.set(key, checkTemplate(params, key, node, String(node.value)));
  }
  return out;
}

