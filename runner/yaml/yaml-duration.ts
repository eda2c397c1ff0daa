/** Pause lengths and `sample` distributions in YAML, with SIPp's `<pause>` attribute names (ecosystem.md §2.2). */
import { isMap, isScalar, type Node } from 'yaml';
import type { Duration } from '../model/scenario';
import { checkNumber, describe, fail, isNullNode, lineOf, optString, readMap, reqName, reqNumber, type MapView, type NumberRule } from './yaml-reader';

/** Parameter names of each distribution, as SIPp spells them. */
export const DISTRIBUTION_PARAMETERS = {
  fixed: ['value'],
  uniform: ['min', 'max'],
  normal: ['mean', 'stdev'],
  lognormal: ['mean', 'stdev'],
  exponential: ['mean'],
  weibull: ['lambda', 'k'],
  pareto: ['k', 'x_m'],
  gamma: ['k', 'theta'],
  negbin: ['n', 'p'],
} as const;

type DistributionName = keyof typeof DISTRIBUTION_PARAMETERS;

const MS: NumberRule = { min: 0 };
const POSITIVE: NumberRule = { min: 0, minExclusive: true };

function isDistribution(name: string): name is DistributionName {
  return Object.prototype.hasOwnProperty.call(DISTRIBUTION_PARAMETERS, name);
}

/**
 * `pause: 1000`, `pause: default` (SIPp -d), `pause: { variable: name }`, `pause: { milliseconds: 1000 }`,
 * `pause: { min: 500, max: 1500 }` (uniform) or `pause: { distribution: normal, mean: 100, stdev: 10 }`. `extraKeys` are keys the caller reads
 * itself from the same mapping (a `sample` action's `assign_to`).
 */
export function readDuration(view: MapView, key: string, extraKeys: readonly string[] = []): Duration {
  const node = view.get(key) ?? null;
  if (isNullNode(node)) fail(view.src, 'missing-field', view.line(key), view.sub(key), `"${key}" needs a length: milliseconds, "default" or a distribution`);
  if (isScalar(node)) return scalarDuration(view, key, node);
  if (!isMap(node)) return fail(view.src, 'bad-value', lineOf(view.src, node), view.sub(key), `"${key}" must be milliseconds, "default" or a mapping, not ${describe(node)}`);
  return mappingDuration(readMap(view.src, node, view.sub(key), `"${key}"`), extraKeys);
}

function scalarDuration(view: MapView, key: string, node: Node & { value: unknown }): Duration {
  if (node.value === 'default') return { kind: 'default' };
  if (typeof node.value === 'number') return { kind: 'fixed', ms: checkNumber(view, key, node, node.value, MS) };
  return fail(view.src, 'bad-value', lineOf(view.src, node), view.sub(key), `"${key}" must be milliseconds (>= 0), "default" or a mapping, not ${describe(node)}`);
}

/** The distribution mapping itself (also the whole value of a `sample` action). */
export function mappingDuration(map: MapView, extraKeys: readonly string[] = []): Duration {
  if (map.has('variable')) {
    map.allowOnly(['variable', ...extraKeys], 'a pause by variable');
    return { kind: 'variable', name: reqName(map, 'variable', 'a pause by variable') };
  }
  if (!map.has('distribution') && !map.has('min') && !map.has('max')) {
    map.allowOnly(['milliseconds', ...extraKeys], 'a fixed pause');
    return { kind: 'fixed', ms: reqNumber(map, 'milliseconds', 'a fixed pause', MS) };
  }
  // As SIPp: min and max without a distribution mean uniform.
  const name = optString(map, 'distribution') ?? 'uniform';
  if (!isDistribution(name)) {
    return fail(map.src, 'bad-value', map.line('distribution'), map.sub('distribution'), `unknown distribution "${name}" (known: ${Object.keys(DISTRIBUTION_PARAMETERS).join(', ')})`);
  }
  map.allowOnly(['distribution', ...DISTRIBUTION_PARAMETERS[name], ...extraKeys], `a ${name} distribution`);
  const what = `a ${name} distribution`;
  switch (name) {
    case 'fixed':
      return { kind: 'fixed', ms: reqNumber(map, 'value', what, MS) };
    case 'uniform': {
      const minMs = reqNumber(map, 'min', what, MS);
      const maxMs = reqNumber(map, 'max', what, MS);
      if (maxMs < minMs) fail(map.src, 'bad-value', map.line('max'), map.sub('max'), `"max" (${maxMs}) must not be below "min" (${minMs})`);
      return { kind: 'uniform', minMs, maxMs };
    }
    case 'normal':
      return { kind: 'normal', meanMs: reqNumber(map, 'mean', what, MS), stdevMs: reqNumber(map, 'stdev', what, MS) };
    case 'lognormal':
      // Parameters of the underlying normal distribution (of ln ms), so the mean may be negative.
      return { kind: 'lognormal', mean: reqNumber(map, 'mean', what), stdev: reqNumber(map, 'stdev', what, MS) };
    case 'exponential':
      return { kind: 'exponential', meanMs: reqNumber(map, 'mean', what, POSITIVE) };
    case 'weibull':
      return { kind: 'weibull', lambda: reqNumber(map, 'lambda', what, POSITIVE), k: reqNumber(map, 'k', what, POSITIVE) };
    case 'pareto':
      return { kind: 'pareto', k: reqNumber(map, 'k', what, POSITIVE), xm: reqNumber(map, 'x_m', what, POSITIVE) };
    case 'gamma':
      return { kind: 'gamma', k: reqNumber(map, 'k', what, POSITIVE), theta: reqNumber(map, 'theta', what, POSITIVE) };
    case 'negbin':
      return { kind: 'negbin', n: reqNumber(map, 'n', what, POSITIVE), p: reqNumber(map, 'p', what, { min: 0, minExclusive: true, max: 1 }) };
    default: {
      const never: never = name;
      throw new Error(`unhandled distribution ${String(never)}`);
    }
  }
}
