/** The YAML `mi:` step: a management command (OpenSIPS MI name and parameters) run against the system under test. */
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { MiStep, StepCommon } from '../model/scenario';
import { checkTemplate } from './yaml-template';
import { describe, fail, failAt, lineOf, optName, optNumber, readList, readMap, reqName, type MapView } from './yaml-reader';

const MI_KEYS = ['command', 'params', 'expect_error', 'assign_to'];

/** `mi: { command: b2b_logic:bridge, params: ["[call_id];…", "sip:x@[agent:b]"], expect_error: 404, assign_to: var }`. */
export function readMiStep(step: MapView): Omit<MiStep, keyof StepCommon> {
  const map = readMap(step.src, step.get('mi'), step.sub('mi'), '"mi"', step.line('mi')).allowOnly(MI_KEYS, 'an mi step');
  const command = reqName(map, 'command', 'an mi step');
  if (!/^[A-Za-z0-9_:.-]+$/.test(command)) fail(map.src, 'bad-value', map.line('command'), map.sub('command'), `"${command}" is not an MI command name (e.g. b2b_logic:trigger_scenario)`);
  const expectError = optNumber(map, 'expect_error', { min: 1, integer: true });
  const assignTo = optName(map, 'assign_to');
  return {
    kind: 'mi', command, params: readParams(map),
    ...(expectError !== undefined ? { expectError } : {}),
    ...(assignTo !== undefined ? { assignTo } : {}),
  };
}

function readParams(map: MapView): readonly string[] | ReadonlyMap<string, string> {
  const node = map.get('params');
  if (node === undefined || node === null || (isScalar(node) && node.value === null)) return [];
  if (isSeq(node)) {
    return readList(map.src, node, map.sub('params'), '"params"').map((item, index) => paramText(map, `params[${index}]`, item));
  }
  if (isMap(node)) {
    const named = readMap(map.src, node, map.sub('params'), '"params"');
    return new Map(named.keys().map((key) => [key, paramText(named, key, named.get(key) ?? null)]));
  }
  return failAt(map.src, 'bad-value', node, map.sub('params'), `"params" is a list (positional) or a mapping (named), not ${describe(node)}`);
}

/** A parameter value: text or a number, with keywords (`[call_id]`, `[agent:NAME]`, `[$var]`). */
function paramText(map: MapView, key: string, node: Node | null): string {
  if (!isScalar(node) || node.value === null || typeof node.value === 'object') {
    return fail(map.src, 'bad-value', lineOf(map.src, node, map.line()), map.sub(key), `an MI parameter is text or a number, not ${describe(node)}`);
  }
  const text = String(node.value);
  return checkTemplate(map, key, node, text);
}
