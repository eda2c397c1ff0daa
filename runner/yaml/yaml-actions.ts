/** SIPp actions (ecosystem.md §2.4) in YAML: one key per action, SIPp's attribute names inside. */
import { isScalar, type Node } from 'yaml';
import type { Action, CompareOp, SearchIn } from '../model/scenario';
import { readAssert } from './yaml-asserts';
import { mappingDuration } from './yaml-duration';
import { optTemplate, reqTemplate } from './yaml-template';
import {
  checkRegexp, fail, locationOf, optBool, optName, optNameList, optNumber, readList, readMap, reqName, reqNumber, reqString,
  type MapView, type YamlSource,
} from './yaml-reader';

export const ACTION_KINDS = [
  'ereg', 'log', 'warning', 'error', 'exec', 'assign', 'assignstr', 'sample', 'todouble', 'add', 'subtract', 'multiply', 'divide',
  'strcmp', 'test', 'jump', 'gettimeofday', 'urlencode', 'urldecode', 'setdest', 'assert',
] as const;
type ActionKind = (typeof ACTION_KINDS)[number];

const SEARCH_IN: readonly SearchIn[] = ['msg', 'hdr', 'body', 'var'];
const COMPARE: readonly CompareOp[] = ['equal', 'not_equal', 'greater_than', 'less_than', 'greater_than_equal', 'less_than_equal'];

function isActionKind(key: string): key is ActionKind {
  return (ACTION_KINDS as readonly string[]).includes(key);
}

/** A list of actions (`actions:`, `nop:`), each `{ kind: arguments }`. */
export function readActions(src: YamlSource, node: Node | null | undefined, field: string, fallbackLine: number): Action[] {
  return readList(src, node, field, 'actions', fallbackLine).map((item, index) => readAction(src, item, `${field}[${index}]`));
}

export function readAction(src: YamlSource, node: Node, field: string): Action {
  const map = readMap(src, node, field, 'an action');
  const keys = map.keys();
  const kind = keys[0];
  if (keys.length !== 1 || kind === undefined) {
    fail(src, 'bad-value', map.line(), field, `an action is a mapping with exactly one key, the action (${ACTION_KINDS.join(', ')}); found ${keys.length}`);
  }
  if (!isActionKind(kind)) fail(src, 'unknown-step', map.line(kind), map.sub(kind), `unknown action "${kind}" (known: ${ACTION_KINDS.join(', ')})`);
  return actionOf(map, kind, node);
}

function args(map: MapView, kind: string, allowed: readonly string[]): MapView {
  return readMap(map.src, map.get(kind), map.sub(kind), `"${kind}"`, map.line(kind)).allowOnly(allowed, `the ${kind} action`);
}

/** Arguments that are either one of two keys, never both nor neither (value vs variable). */
function exactlyOne(a: MapView, kind: string, first: string, second: string): void {
  if (a.has(first) === a.has(second)) fail(a.src, a.has(first) ? 'bad-value' : 'missing-field', a.line(), a.field, `${kind} takes exactly one of "${first}" and "${second}"`);
}

function actionOf(map: MapView, kind: ActionKind, node: Node): Action {
  const location = locationOf(map.src, node);
  switch (kind) {
    case 'ereg':
      return readEreg(map.src, map.get(kind) ?? node, map.sub(kind));
    case 'log': case 'warning': case 'error':
      return { kind, location, message: reqTemplate(map, kind, `a ${kind} action`) };
    case 'exec': {
      const a = args(map, kind, ['int_cmd', 'command']);
      exactlyOne(a, 'exec', 'int_cmd', 'command');
      const intCmd = optName(a, 'int_cmd');
      if (intCmd !== undefined && intCmd !== 'stop_call' && intCmd !== 'stop_gracefully' && intCmd !== 'stop_now') {
        fail(a.src, 'bad-value', a.line('int_cmd'), a.sub('int_cmd'), `"int_cmd" is stop_call, stop_gracefully or stop_now, not "${intCmd}"`);
      }
      if (a.has('command')) fail(a.src, 'unsupported', a.line('command'), a.sub('command'), 'exec command (a shell command) is not supported by the runner; int_cmd is');
      return { kind, location, intCmd: intCmd as 'stop_call' | 'stop_gracefully' | 'stop_now' };
    }
    case 'assign': {
      const a = args(map, kind, ['assign_to', 'value']);
      return { kind, location, assignTo: reqName(a, 'assign_to', kind), value: reqNumber(a, 'value', kind) };
    }
    case 'assignstr': {
      const a = args(map, kind, ['assign_to', 'value']);
      return { kind, location, assignTo: reqName(a, 'assign_to', kind), value: reqTemplate(a, 'value', 'assignstr') };
    }
    case 'sample': {
      const a = args(map, kind, ['assign_to', 'distribution', 'value', 'milliseconds', 'min', 'max', 'mean', 'stdev', 'lambda', 'k', 'x_m', 'theta', 'n', 'p']);
      return { kind, location, assignTo: reqName(a, 'assign_to', kind), distribution: mappingDuration(a, ['assign_to']) };
    }
    case 'todouble': {
      const a = args(map, kind, ['assign_to', 'variable']);
      return { kind, location, assignTo: reqName(a, 'assign_to', kind), variable: reqName(a, 'variable', kind) };
    }
    case 'add': case 'subtract': case 'multiply': case 'divide': {
      const a = args(map, kind, ['assign_to', 'value', 'variable']);
      exactlyOne(a, kind, 'value', 'variable');
      const value = optNumber(a, 'value');
      if (kind === 'divide' && value === 0) fail(a.src, 'bad-value', a.line('value'), a.sub('value'), 'divide by 0');
      const variable = optName(a, 'variable');
      return { kind, location, assignTo: reqName(a, 'assign_to', kind), ...(value !== undefined ? { value } : {}), ...(variable !== undefined ? { variable } : {}) };
    }
    case 'strcmp': {
      const a = args(map, kind, ['assign_to', 'variable', 'value', 'variable2']);
      exactlyOne(a, kind, 'value', 'variable2');
      const value = optTemplate(a, 'value');
      const variable2 = optName(a, 'variable2');
      return {
        kind, location, assignTo: reqName(a, 'assign_to', kind), variable: reqName(a, 'variable', kind),
        ...(value !== undefined ? { value } : {}), ...(variable2 !== undefined ? { variable2 } : {}),
      };
    }
    case 'test':
      return readTest(map, location);
    case 'jump': {
      const value = map.get(kind);
      if (value !== null && value !== undefined && isScalar(value) && typeof value.value === 'number') {
        return { kind, location, value: reqNumber(map, kind, kind, { min: 0, integer: true }) };
      }
      const a = args(map, kind, ['value', 'variable']);
      exactlyOne(a, kind, 'value', 'variable');
      const index = optNumber(a, 'value', { min: 0, integer: true });
      const variable = optName(a, 'variable');
      return { kind, location, ...(index !== undefined ? { value: index } : {}), ...(variable !== undefined ? { variable } : {}) };
    }
    case 'gettimeofday': {
      const a = args(map, kind, ['assign_to']);
      return { kind, location, assignTo: optNameList(a, 'assign_to') ?? fail(a.src, 'missing-field', a.line(), a.sub('assign_to'), 'gettimeofday needs "assign_to" (seconds, microseconds)') };
    }
    case 'urlencode': case 'urldecode': {
      const a = args(map, kind, ['assign_to']);
      return { kind, location, assignTo: reqName(a, 'assign_to', kind) };
    }
    case 'setdest': {
      const a = args(map, kind, ['host', 'port', 'protocol']);
      for (const key of ['host', 'port', 'protocol']) reqName(a, key, 'setdest');
      return { kind, location, host: templateName(a, 'host'), port: templateName(a, 'port'), protocol: templateName(a, 'protocol') };
    }
    case 'assert':
      return readAssert(map.src, map.get(kind) ?? node, map.sub(kind));
    default: {
      const never: never = kind;
      throw new Error(`unhandled action ${String(never)}`);
    }
  }
}

/** A setdest argument: a number (port) or text with keywords (`[$host]`). */
function templateName(a: MapView, key: string): string {
  const value = a.get(key);
  if (value !== null && value !== undefined && isScalar(value) && typeof value.value === 'number') return String(value.value);
  return reqTemplate(a, key, `setdest "${key}"`);
}

function readTest(map: MapView, location: Action['location']): Action {
  const a = args(map, 'test', ['assign_to', 'variable', 'compare', 'value', 'variable2']);
  exactlyOne(a, 'test', 'value', 'variable2');
  const compare = reqName(a, 'compare', 'test');
  if (!(COMPARE as readonly string[]).includes(compare)) {
    fail(a.src, 'bad-value', a.line('compare'), a.sub('compare'), `"compare" is one of ${COMPARE.join(', ')}, not "${compare}"`);
  }
  const value = optNumber(a, 'value');
  const variable2 = optName(a, 'variable2');
  return {
    kind: 'test', location, assignTo: reqName(a, 'assign_to', 'test'), variable: reqName(a, 'variable', 'test'), compare: compare as CompareOp,
    ...(value !== undefined ? { value } : {}), ...(variable2 !== undefined ? { variable2 } : {}),
  };
}

/**
 * `ereg: { regexp, search_in: msg|hdr|body|var, header, variable, case_indep, occurrence, start_line,
 * check_it, check_it_inverse, assign_to }`; `assign_to` takes the whole match first, then the groups.
 */
export function readEreg(src: YamlSource, node: Node, field: string): Action {
  const a = readMap(src, node, field, 'an ereg').allowOnly(
    ['regexp', 'search_in', 'header', 'variable', 'case_indep', 'occurrence', 'start_line', 'check_it', 'check_it_inverse', 'assign_to'], 'ereg');
  const regexp = reqString(a, 'regexp', 'ereg');
  const caseIndep = optBool(a, 'case_indep') ?? false;
  checkRegexp(a, 'regexp', regexp, caseIndep ? 'i' : '');
  const searchIn = (optName(a, 'search_in') ?? 'msg') as SearchIn;
  if (!SEARCH_IN.includes(searchIn)) fail(src, 'bad-value', a.line('search_in'), a.sub('search_in'), `"search_in" is one of ${SEARCH_IN.join(', ')}, not "${searchIn}"`);
  if (searchIn === 'hdr') reqName(a, 'header', 'ereg with search_in: hdr');
  if (searchIn === 'var') reqName(a, 'variable', 'ereg with search_in: var');
  const checkIt = optBool(a, 'check_it') ?? false;
  const checkItInverse = optBool(a, 'check_it_inverse') ?? false;
  const assignTo = optNameList(a, 'assign_to') ?? [];
  if (assignTo.length === 0 && !checkIt && !checkItInverse) fail(src, 'missing-field', a.line(), `${field}.assign_to`, 'ereg needs "assign_to" (or check_it / check_it_inverse)');
  const header = optName(a, 'header');
  const variable = optName(a, 'variable');
  return {
    kind: 'ereg', location: locationOf(src, node), regexp, searchIn,
    ...(header !== undefined ? { header } : {}), ...(variable !== undefined ? { variable } : {}),
    caseIndep, occurrence: optNumber(a, 'occurrence', { min: 1, integer: true }) ?? 1, startLine: optBool(a, 'start_line') ?? false,
    checkIt, checkItInverse, assignTo,
  };
}
