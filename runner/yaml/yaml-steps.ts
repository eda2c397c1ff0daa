/** One agent's `steps:` list in YAML: send, recv, pause, timewait, nop, label, sendCmd, recvCmd (SIPp's commands, ecosystem.md §2.2). */
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { Action, RecvMatch, Step } from '../model/scenario';
import { readActions, readEreg } from './yaml-actions';
import { readAssert } from './yaml-asserts';
import { readDuration } from './yaml-duration';
import { readMiStep } from './yaml-mi-step';
import { COMMON_ATTRIBUTES, defined, readCommon, type LabelReference } from './yaml-step-common';
import { reqTemplate } from './yaml-template';
import {
  checkNumber, checkRegexp, describe, fail, isNullNode, lineOf, optBool, optName, optNumber, readList, readMap, type MapView, type YamlSource,
} from './yaml-reader';

export const STEP_KINDS = ['send', 'recv', 'pause', 'timewait', 'nop', 'label', 'sendCmd', 'recvCmd', 'mi'] as const;
type StepKind = (typeof STEP_KINDS)[number];

const SPECIFIC: Record<StepKind, readonly string[]> = {
  send: ['retrans', 'lost', 'start_txn', 'ack_txn', 'to'],
  recv: ['optional', 'rrs', 'auth', 'ignoresdp', 'lost', 'timeout', 'ontimeout', 'response_txn', 'regexp_match', 'ereg', 'actions', 'assert'],
  pause: ['sanity_check'],
  timewait: [],
  nop: [],
  label: [],
  sendCmd: ['dest'],
  recvCmd: ['timeout', 'ontimeout', 'ereg', 'actions'],
  mi: [],
};

const EVERY_ATTRIBUTE = new Set<string>([...COMMON_ATTRIBUTES, ...Object.values(SPECIFIC).flat()]);
const METHOD = /^[A-Za-z0-9!%*_+`'~.-]+$/;
const PERCENT = { min: 0, max: 100 };

export interface AgentSteps {
  readonly steps: Step[];
  readonly labels: Map<string, number>;
}

function isStepKind(key: string): key is StepKind {
  return (STEP_KINDS as readonly string[]).includes(key);
}

export function readSteps(src: YamlSource, node: Node | null | undefined, field: string, fallbackLine: number, agent: string): AgentSteps {
  const items = readList(src, node, field, '"steps"', fallbackLine);
  if (items.length === 0) fail(src, 'missing-field', lineOf(src, node, fallbackLine), field, 'an agent needs at least one step');
  const steps: Step[] = [];
  const labels = new Map<string, number>();
  const refs: LabelReference[] = [];
  items.forEach((item, index) => {
    const stepField = `${field}[${index}]`;
    const map = stepMap(src, item, stepField);
    const kind = stepKind(map);
    if (kind === 'label') {
      map.allowOnly(['label'], 'a label');
      const label = optName(map, 'label') ?? fail(src, 'missing-field', map.line('label'), map.sub('label'), 'a label needs a name');
      if (labels.has(label)) fail(src, 'bad-value', map.line('label'), map.sub('label'), `label "${label}" is defined twice`);
      labels.set(label, steps.length);
      return;
    }
    // As SIPp: a timewait ends the scenario, so it cannot jump.
    const common = kind === 'timewait' ? COMMON_ATTRIBUTES.filter((key) => key !== 'next' && key !== 'test' && key !== 'chance') : COMMON_ATTRIBUTES;
    map.allowOnly([kind, ...common, ...SPECIFIC[kind]], `a ${kind} step`);
    steps.push(readStep(map, kind, refs, agent));
  });
  for (const ref of refs) {
    if (!labels.has(ref.label)) {
      fail(src, 'unknown-label', ref.line, ref.field, `no label "${ref.label}" in this agent (labels: ${[...labels.keys()].join(', ') || 'none'})`);
    }
  }
  return { steps, labels };
}

function stepMap(src: YamlSource, item: Node, field: string): MapView {
  if (isMap(item)) return readMap(src, item, field, 'a step');
  const name = isScalar(item) ? String(item.value) : describe(item);
  if (isStepKind(name)) fail(src, 'bad-value', lineOf(src, item), field, `write "${name}: <value>", a step is a mapping`);
  return fail(src, 'unknown-step', lineOf(src, item), field, `unknown step ${JSON.stringify(name)} (steps: ${STEP_KINDS.join(', ')})`);
}

function stepKind(map: MapView): StepKind {
  const kinds = map.keys().filter(isStepKind);
  if (kinds.length === 1) return kinds[0] as StepKind;
  if (kinds.length > 1) fail(map.src, 'bad-value', map.line(kinds[1]), map.sub(kinds[1] as string), `a step has exactly one kind, found ${kinds.join(' and ')}`);
  const unknown = map.keys().find((key) => !EVERY_ATTRIBUTE.has(key));
  if (unknown !== undefined) fail(map.src, 'unknown-step', map.line(unknown), map.sub(unknown), `unknown step "${unknown}" (steps: ${STEP_KINDS.join(', ')})`);
  return fail(map.src, 'missing-field', map.line(), map.field, `a step needs one of ${STEP_KINDS.join(', ')}`);
}

function agentName(map: MapView, key: string, self: string): string | undefined {
  const name = optName(map, key);
  if (name === undefined) return undefined;
  if (!map.src.agentNames.has(name) || name === self) {
    fail(map.src, 'bad-value', map.line(key), map.sub(key), `"${name}" is not another agent of this file (agents: ${[...map.src.agentNames].join(', ')})`);
  }
  return name;
}

function readStep(map: MapView, kind: Exclude<StepKind, 'label'>, refs: LabelReference[], agent: string): Step {
  const common = readCommon(map, refs);
  switch (kind) {
    case 'send':
      return defined<Step>({
        ...common, kind, message: reqTemplate(map, kind, 'a send step'),
        retransMs: optNumber(map, 'retrans', { min: 0, minExclusive: true }), lostPercent: optNumber(map, 'lost', PERCENT),
        startTxn: optName(map, 'start_txn'), ackTxn: optName(map, 'ack_txn'), to: agentName(map, 'to', agent),
      });
    case 'recv':
      return defined<Step>({
        ...common, kind, match: readMatch(map), optional: readOptional(map),
        rrs: optBool(map, 'rrs'), auth: optBool(map, 'auth'), ignoreSdp: optBool(map, 'ignoresdp'), lostPercent: optNumber(map, 'lost', PERCENT),
        ...readTimeout(map, refs), responseTxn: optName(map, 'response_txn'), actions: recvActions(map, true),
      });
    case 'pause':
      return defined<Step>({ ...common, kind, duration: readDuration(map, kind), sanityCheck: optBool(map, 'sanity_check') });
    case 'timewait':
      // SIPp's <timewait>: a pause that may end the scenario, keeping the call to answer late retransmissions.
      return { ...common, kind: 'pause', duration: readDuration(map, kind), sanityCheck: false };
    case 'nop': {
      const node = map.get(kind) ?? null;
      return { ...common, kind, actions: isNullNode(node) ? [] : readActions(map.src, node, map.sub(kind), map.line(kind)) };
    }
    case 'sendCmd':
      return defined<Step>({ ...common, kind, message: reqTemplate(map, kind, 'a sendCmd step'), dest: agentName(map, 'dest', agent) });
    case 'recvCmd': {
      const source = isNullNode(map.get(kind) ?? null) ? undefined : agentName(map, kind, agent);
      return defined<Step>({ ...common, kind, src: source, ...readTimeout(map, refs), actions: recvActions(map, false) });
    }
    case 'mi':
      return { ...common, ...readMiStep(map) };
    default: {
      const never: never = kind;
      throw new Error(`unhandled step ${String(never)}`);
    }
  }
}

function readOptional(map: MapView): boolean | 'global' {
  const node = map.get('optional');
  if (node === undefined) return false;
  if (isScalar(node) && (typeof node.value === 'boolean' || node.value === 'global')) return node.value as boolean | 'global';
  return fail(map.src, 'bad-value', map.line('optional'), map.sub('optional'), `"optional" is true, false or global, not ${describe(node)}`);
}

function readTimeout(map: MapView, refs: LabelReference[]): { timeoutMs?: number; onTimeout?: string } {
  const onTimeout = optName(map, 'ontimeout');
  if (onTimeout !== undefined) refs.push({ label: onTimeout, line: map.line('ontimeout'), field: map.sub('ontimeout') });
  return defined({ timeoutMs: optNumber(map, 'timeout', { min: 0, minExclusive: true }), onTimeout });
}

/** `recv: 200` (a response), `recv: INVITE` (a request), `regexp_match: true` (a request regexp) or `recv: { response | request: regexp }`. */
function readMatch(map: MapView): RecvMatch {
  const node = map.get('recv') ?? null;
  const regexpMatch = optBool(map, 'regexp_match') ?? false;
  if (isNullNode(node)) fail(map.src, 'missing-field', map.line('recv'), map.sub('recv'), 'a recv step needs a response code or a request method');
  if (isMap(node)) return regexpForm(readMap(map.src, node, map.sub('recv'), '"recv"'));
  if (!isScalar(node)) return fail(map.src, 'bad-value', lineOf(map.src, node), map.sub('recv'), `"recv" is a code, a method or a mapping, not ${describe(node)}`);
  const value = node.value;
  if (typeof value === 'string' && regexpMatch) return { kind: 'request', method: checkRegexp(map, 'recv', value) };
  if (typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value))) {
    return { kind: 'response', code: checkNumber(map, 'recv', node, Number(value), { min: 100, max: 699, integer: true }) };
  }
  if (typeof value === 'string' && METHOD.test(value)) return { kind: 'request', method: value };
  return fail(map.src, 'bad-value', lineOf(map.src, node), map.sub('recv'),
    `"recv" is a response code (100..699) or a request method, not ${describe(node)}; for a regexp use regexp_match: true or { response: "18[0-9]" }`);
}

function regexpForm(map: MapView): RecvMatch {
  map.allowOnly(['response', 'request'], '"recv"');
  if (map.has('response') === map.has('request')) fail(map.src, 'missing-field', map.line(), map.field, '"recv" as a mapping takes exactly one of "response" and "request"');
  const key = map.has('response') ? 'response' : 'request';
  const node = map.get(key) ?? null;
  if (key === 'response' && isScalar(node) && typeof node.value === 'number') {
    return { kind: 'response', code: checkNumber(map, key, node, node.value, { min: 100, max: 699, integer: true }) };
  }
  if (!isScalar(node) || typeof node.value !== 'string' || node.value === '') {
    return fail(map.src, 'bad-value', lineOf(map.src, node, map.line(key)), map.sub(key), `"${key}" is a regular expression, not ${describe(node)}`);
  }
  const regexp = checkRegexp(map, key, node.value);
  return key === 'response' ? { kind: 'response', code: regexp } : { kind: 'request', method: regexp };
}

/** Actions run in this order: the `ereg` shortcut, `actions`, then the `assert` shortcut. */
function recvActions(map: MapView, withAsserts: boolean): Action[] {
  const actions: Action[] = [];
  const ereg = map.get('ereg');
  if (ereg !== undefined) {
    const list = isSeq(ereg) ? readList(map.src, ereg, map.sub('ereg'), '"ereg"') : [ereg ?? map.node];
    list.forEach((item, index) => actions.push(readEreg(map.src, item, isSeq(ereg) ? `${map.sub('ereg')}[${index}]` : map.sub('ereg'))));
  }
  if (map.has('actions')) actions.push(...readActions(map.src, map.get('actions'), map.sub('actions'), map.line('actions')));
  const asserts = withAsserts ? map.get('assert') : undefined;
  if (asserts !== undefined) {
    const list = isSeq(asserts) ? readList(map.src, asserts, map.sub('assert'), '"assert"') : [asserts ?? map.node];
    list.forEach((item, index) => actions.push(readAssert(map.src, item, isSeq(asserts) ? `${map.sub('assert')}[${index}]` : map.sub('assert'))));
  }
  return actions;
}
