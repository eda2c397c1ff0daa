/**
 * SIPp's statistical distributions (scenario.cpp parse_distribution) for `<pause>` and the
 * `sample` action: `distribution="…"` with its parameters, or a pause's old style (`milliseconds`,
 * `min`/`max`, nothing at all for the -d default).
 */
import type { Duration } from '../model/scenario';
import type { AttributeReader } from './attribute-reader';

/** Distributions SIPp has that the model does not. */
const UNSUPPORTED_DISTRIBUTIONS = new Set(['gpareto']);

/**
 * `pauseStyle` allows the attribute-less default and `milliseconds`/`min`/`max` without
 * `distribution`, as `<pause>` does; the `sample` action needs `distribution`.
 */
export function readDistribution(attrs: AttributeReader, pauseStyle: boolean): Duration {
  const name = attrs.string('distribution');
  if (name === undefined) {
    if (!pauseStyle) throw attrs.error('missing-field', 'a sample needs the distribution attribute', 'distribution');
    if (attrs.has('min') || attrs.has('max')) return uniform(attrs);
    const ms = attrs.double('milliseconds');
    return ms === undefined ? { kind: 'default' } : { kind: 'fixed', ms: nonNegative(attrs, 'milliseconds', ms) };
  }
  switch (name) {
    case 'fixed': return { kind: 'fixed', ms: nonNegative(attrs, 'value', attrs.requiredDouble('value')) };
    case 'uniform': return uniform(attrs);
    case 'normal': return { kind: 'normal', meanMs: attrs.requiredDouble('mean'), stdevMs: attrs.requiredDouble('stdev') };
    case 'lognormal': return { kind: 'lognormal', mean: attrs.requiredDouble('mean'), stdev: attrs.requiredDouble('stdev') };
    case 'exponential': return { kind: 'exponential', meanMs: attrs.requiredDouble('mean') };
    case 'weibull': return { kind: 'weibull', lambda: attrs.requiredDouble('lambda'), k: attrs.requiredDouble('k') };
    case 'pareto': return { kind: 'pareto', k: attrs.requiredDouble('k'), xm: attrs.requiredDouble('x_m') };
    case 'gamma': return { kind: 'gamma', k: attrs.requiredDouble('k'), theta: attrs.requiredDouble('theta') };
    case 'negbin': return { kind: 'negbin', n: attrs.requiredDouble('n'), p: attrs.requiredDouble('p') };
    default:
      if (UNSUPPORTED_DISTRIBUTIONS.has(name)) throw attrs.error('unsupported', `the ${name} distribution is not supported`, 'distribution');
      throw attrs.error('bad-value', `unknown distribution "${name}" (fixed, uniform, normal, lognormal, exponential, weibull, pareto, gamma, negbin)`, 'distribution');
  }
}

function uniform(attrs: AttributeReader): Duration {
  const minMs = nonNegative(attrs, 'min', attrs.requiredDouble('min'));
  const maxMs = nonNegative(attrs, 'max', attrs.requiredDouble('max'));
  if (maxMs < minMs) throw attrs.error('bad-value', `max ${maxMs} is below min ${minMs}`, 'max');
  return { kind: 'uniform', minMs, maxMs };
}

function nonNegative(attrs: AttributeReader, name: string, value: number): number {
  if (value < 0) throw attrs.error('bad-value', `${value} is negative`, name);
  return value;
}
