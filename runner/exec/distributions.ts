/** Pause lengths and `sample` values from SIPp's distributions (ecosystem.md §2.2 `<pause distribution>`), drawn from a seeded Random. */
import type { Random } from '../../engine/ports/random';
import type { Duration } from '../model/scenario';

/** A uniform draw in (0, 1): never 0, so logarithms stay finite. */
function open01(random: Random): number {
  return (random.nextUint32() + 0.5) / 4294967296;
}

function standardNormal(random: Random): number {
  // Box–Muller; one value per call keeps the stream position independent of earlier draws' parity.
  return Math.sqrt(-2 * Math.log(open01(random))) * Math.cos(2 * Math.PI * open01(random));
}

/** Marsaglia–Tsang for k >= 1, boosted for k < 1. */
function gamma(random: Random, k: number, theta: number): number {
  if (k < 1) return gamma(random, k + 1, theta) * open01(random) ** (1 / k);
  const d = k - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = standardNormal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = open01(random);
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v * theta;
  }
}

function poisson(random: Random, lambda: number): number {
  if (lambda > 500) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * standardNormal(random)));
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = open01(random);
  while (p > limit) {
    k++;
    p *= open01(random);
  }
  return k;
}

/**
 * One value in ms (not rounded). `variable` reads a variable's number; `default` is SIPp -d.
 * Negative draws (a normal's tail) come back as 0.
 */
export function sampleDuration(d: Duration, random: Random, defaultMs: number, variable: (name: string) => number): number {
  let v: number;
  switch (d.kind) {
    case 'default': v = defaultMs; break;
    case 'fixed': v = d.ms; break;
    case 'variable': v = variable(d.name); break;
    case 'uniform': v = d.minMs + (d.maxMs - d.minMs) * random.nextFloat(); break;
    case 'normal': v = d.meanMs + d.stdevMs * standardNormal(random); break;
    case 'lognormal': v = Math.exp(d.mean + d.stdev * standardNormal(random)); break;
    case 'exponential': v = -d.meanMs * Math.log(open01(random)); break;
    case 'weibull': v = d.lambda * (-Math.log(open01(random))) ** (1 / d.k); break;
    case 'pareto': v = d.xm / open01(random) ** (1 / d.k); break;
    case 'gamma': v = gamma(random, d.k, d.theta); break;
    // Failures before the n-th success: a gamma–Poisson mixture.
    case 'negbin': v = poisson(random, gamma(random, d.n, (1 - d.p) / d.p)); break;
    default: {
      const never: never = d;
      throw new Error(`unknown distribution ${JSON.stringify(never)}`);
    }
  }
  return Number.isFinite(v) && v > 0 ? v : 0;
}
