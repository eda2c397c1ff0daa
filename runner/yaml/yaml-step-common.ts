/** The attributes SIPp allows on every command (next, test, chance, condexec, rtd, counter, display …) in YAML. */
import type { StepCommon } from '../model/scenario';
import { fail, isNullNode, locationOf, optBool, optName, optNumber, type MapView } from './yaml-reader';
import { isScalar, isSeq } from 'yaml';

export const COMMON_ATTRIBUTES = [
  'next', 'test', 'chance', 'condexec', 'condexec_inverse', 'start_rtd', 'rtd', 'repeat_rtd', 'counter', 'display', 'hide', 'crlf',
] as const;

/** A label named by a step (`next`, `ontimeout`), checked once every label of the agent is known. */
export interface LabelReference {
  readonly label: string;
  readonly line: number;
  readonly field: string;
}

/** Omits undefined members so the model objects hold only what the file said. */
export function defined<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) if (member !== undefined) out[key] = member;
  return out as T;
}

/** `rtd: true` is SIPp's timer "1"; a name, a number, "a,b" or a list name several timers. */
function readRtd(map: MapView, key: string): string[] | undefined {
  if (!map.has(key)) return undefined;
  const node = map.get(key) ?? null;
  if (isNullNode(node)) fail(map.src, 'missing-field', map.line(key), map.sub(key), `"${key}" needs true or timer names`);
  if (isScalar(node) && typeof node.value === 'boolean') return node.value ? ['1'] : undefined;
  if (isScalar(node) && typeof node.value === 'number') return [String(node.value)];
  if (isScalar(node) && typeof node.value === 'string') return node.value.split(',').map((name) => name.trim()).filter((name) => name !== '');
  const names: string[] = [];
  if (isSeq(node)) {
    for (const [index, item] of node.items.entries()) {
      if (!isScalar(item) || (typeof item.value !== 'string' && typeof item.value !== 'number')) {
        fail(map.src, 'bad-value', map.line(key), `${map.sub(key)}[${index}]`, `timer names are text or numbers`);
      }
      names.push(String(item.value));
    }
    return names;
  }
  return fail(map.src, 'bad-value', map.line(key), map.sub(key), `"${key}" is true, a timer name, "a,b" or a list`);
}

/** Reads the common attributes of a step; label references go to `refs` for checking at the end. */
export function readCommon(map: MapView, refs: LabelReference[]): StepCommon {
  const next = optName(map, 'next');
  if (next !== undefined) refs.push({ label: next, line: map.line('next'), field: map.sub('next') });
  const test = optName(map, 'test');
  const chance = optNumber(map, 'chance', { min: 0, max: 1 });
  for (const key of ['test', 'chance']) {
    if (map.has(key) && next === undefined) fail(map.src, 'missing-field', map.line(key), map.sub('next'), `"${key}" only makes sense with "next"`);
  }
  const condexecInverse = optBool(map, 'condexec_inverse');
  const condexec = optName(map, 'condexec');
  if (condexecInverse === true && condexec === undefined) fail(map.src, 'missing-field', map.line('condexec_inverse'), map.sub('condexec'), '"condexec_inverse" needs "condexec" (the variable)');
  return defined<StepCommon>({
    location: locationOf(map.src, map.node),
    next, test, chance, condexec, condexecInverse,
    startRtd: readRtd(map, 'start_rtd'),
    rtd: readRtd(map, 'rtd'),
    repeatRtd: optBool(map, 'repeat_rtd'),
    counter: optName(map, 'counter'),
    display: optName(map, 'display'),
    hide: optBool(map, 'hide'),
    crlf: optBool(map, 'crlf'),
  });
}
