/**
 * Loads our YAML scenario format (documented in scenarios/README.md) into the scenario model: one file,
 * one or more agents. Every refusal is a ScenarioLoadError naming file, line and field.
 */
import { basename, extname } from 'node:path';
import { isScalar, LineCounter, parseDocument, type Node } from 'yaml';
import { ScenarioLoadError, type AgentScenario, type ScenarioFile } from '../model/scenario';
import { readSteps } from './yaml-steps';
import { readSut } from './yaml-sut';
import {
  checkNumber, describe, fail, isNullNode, lineOf, lineOfOffset, locationOf, optName, optNameList, optString, readList, readMap,
  reqName, type MapView, type YamlSource,
} from './yaml-reader';

const ROOT_KEYS = ['name', 'description', 'sut', 'agents'];
const AGENT_KEYS = [
  'role', 'target', 'transport', 'description', 'vars', 'global_variables', 'user_variables', 'reference_variables',
  'response_time_repartition', 'call_length_repartition', 'steps',
];
const AGENT_NAME = /^[A-Za-z0-9_.-]+$/;

export function loadYamlScenario(text: string, file: string): ScenarioFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const src: YamlSource = { file, lines, doc, agentNames: new Set() };
  const syntax = doc.errors[0];
  if (syntax !== undefined) {
    throw new ScenarioLoadError('syntax', { file, line: lineOfOffset(src, syntax.pos[0]) }, `YAML syntax: ${syntax.message.split('\n')[0] ?? syntax.code}`);
  }
  const contents = doc.contents as Node | null;
  if (isNullNode(contents)) fail(src, 'missing-field', 1, 'agents', 'the file is empty; a scenario needs "agents"');
  const root = readMap(src, contents, '', 'a scenario file').allowOnly(ROOT_KEYS, 'a scenario file');
  if (!root.has('agents')) fail(src, 'missing-field', root.line(), 'agents', 'a scenario needs "agents" (one or more, e.g. uac and uas)');
  const agentsMap = readMap(src, root.get('agents'), 'agents', '"agents"', root.line('agents'));
  const names = agentsMap.keys();
  if (names.length === 0) fail(src, 'missing-field', root.line('agents'), 'agents', 'a scenario needs at least one agent');
  for (const name of names) {
    if (!AGENT_NAME.test(name)) fail(src, 'bad-value', agentsMap.line(name), `agents.${name}`, `agent names are letters, digits, "_", "." and "-", not "${name}"`);
  }
  src.agentNames = new Set(names);
  optString(root, 'description');
  const agents = names.map((name) => readAgent(src, agentsMap, name));
  return {
    name: optName(root, 'name') ?? basename(file, extname(file)),
    file,
    format: 'yaml',
    agents,
    ...(root.has('sut') ? { sut: readSut(root, text) } : {}),
  };
}

function readAgent(src: YamlSource, agents: MapView, name: string): AgentScenario {
  const field = `agents.${name}`;
  const map = readMap(src, agents.get(name), field, `agent "${name}"`, agents.line(name)).allowOnly(AGENT_KEYS, `agent "${name}"`);
  const role = reqName(map, 'role', `agent "${name}"`);
  if (role !== 'uac' && role !== 'uas') fail(src, 'bad-value', map.line('role'), map.sub('role'), `"role" is uac (starts calls) or uas (answers them), not "${role}"`);
  const target = optName(map, 'target');
  if (target !== undefined && (!src.agentNames.has(target) || target === name)) {
    fail(src, 'bad-value', map.line('target'), map.sub('target'), `"target" names another agent of this file (agents: ${[...src.agentNames].join(', ')}), not "${target}"; omit it to send to the run's TARGET`);
  }
  const transport = optName(map, 'transport');
  if (transport !== undefined && transport !== 'udp' && transport !== 'tcp') fail(src, 'bad-value', map.line('transport'), map.sub('transport'), `"transport" is udp or tcp, not "${transport}"`);
  optString(map, 'description');
  if (!map.has('steps')) fail(src, 'missing-field', agents.line(name), map.sub('steps'), `agent "${name}" needs "steps"`);
  const { steps, labels } = readSteps(src, map.get('steps'), map.sub('steps'), map.line('steps'), name);
  const agent: AgentScenario = {
    name,
    role,
    location: locationOf(src, agents.keyNode(name)),
    steps,
    labels,
    globalVariables: optNameList(map, 'global_variables') ?? [],
    userVariables: optNameList(map, 'user_variables') ?? [],
    referenceVariables: optNameList(map, 'reference_variables') ?? [],
  };
  const responseTimes = readRepartition(map, 'response_time_repartition');
  const callLengths = readRepartition(map, 'call_length_repartition');
  const vars = readVars(map);
  return {
    ...agent,
    ...(target !== undefined ? { target } : {}),
    ...(transport !== undefined ? { transport } : {}),
    ...(responseTimes !== undefined ? { responseTimeRepartitionMs: responseTimes } : {}),
    ...(callLengths !== undefined ? { callLengthRepartitionMs: callLengths } : {}),
    ...(vars !== undefined ? { initialVariables: vars } : {}),
  };
}

/** `vars: { name: value }`: initial per-call values (text; numbers and booleans are written as text). */
function readVars(map: MapView): ReadonlyMap<string, string> | undefined {
  if (!map.has('vars')) return undefined;
  const vars = readMap(map.src, map.get('vars'), map.sub('vars'), '"vars"', map.line('vars'));
  const out = new Map<string, string>();
  for (const key of vars.keys()) {
    const node = vars.get(key) ?? null;
    if (!isScalar(node) || node.value === null || typeof node.value === 'object') {
      fail(map.src, 'bad-value', lineOf(map.src, node, vars.line(key)), vars.sub(key), `a variable's value is text or a number, not ${describe(node)}`);
    }
    out.set(key, String(node.value));
  }
  return out;
}

/** SIPp's `value="10, 20, 30"` or a YAML list: ascending limits in ms. */
function readRepartition(map: MapView, key: string): number[] | undefined {
  if (!map.has(key)) return undefined;
  const node = map.get(key) ?? null;
  const values: number[] = [];
  if (isScalar(node) && typeof node.value === 'string') {
    for (const part of node.value.split(',')) values.push(checkNumber(map, key, node, part.trim() === '' ? NaN : Number(part), { min: 0, minExclusive: true }));
  } else {
    for (const item of readList(map.src, node, map.sub(key), `"${key}"`, map.line(key))) {
      values.push(checkNumber(map, key, item, isScalar(item) ? item.value : undefined, { min: 0, minExclusive: true }));
    }
  }
  if (values.length === 0) fail(map.src, 'missing-field', map.line(key), map.sub(key), `"${key}" needs at least one limit`);
  values.forEach((value, index) => {
    if (index > 0 && value <= (values[index - 1] as number)) fail(map.src, 'bad-value', map.line(key), map.sub(key), `"${key}" limits must ascend`);
  });
  return values;
}
