/** A directed simulated link: latency distribution, jitter, loss, duplication, reordering and MTU (DESIGN.md, Simulator). */
import type { SeededRandom } from './prng';

export type LatencyDistribution =
  | { readonly kind: 'fixed'; readonly ms: number }
  | { readonly kind: 'uniform'; readonly minMs: number; readonly maxMs: number }
  /** Truncated at minMs (default 0): a packet never arrives before it was sent. */
  | { readonly kind: 'normal'; readonly meanMs: number; readonly stdDevMs: number; readonly minMs?: number }
  /** exp(N(ln medianMs, sigma)) + minMs: the long right tail of real paths. */
  | { readonly kind: 'lognormal'; readonly medianMs: number; readonly sigma: number; readonly minMs?: number };

export interface LinkSpec {
  readonly latency: LatencyDistribution;
  /** Extra uniform delay in [0, jitterMs); it never reorders on its own (see reorderProbability). */
  readonly jitterMs: number;
  /** Datagrams only: probability that a datagram is lost. */
  readonly lossProbability: number;
  /** Datagrams only: probability that a second copy is delivered (with its own latency sample). */
  readonly duplicateProbability: number;
  /**
   * Datagrams only: probability that a datagram takes an extra uniform delay in [0, reorderExtraMs)
   * and may overtake or be overtaken; the others keep FIFO order on the link.
   */
  readonly reorderProbability: number;
  readonly reorderExtraMs: number;
  /**
   * Datagrams only: largest UDP payload in bytes that crosses the link; a bigger one is dropped
   * (a path whose IP fragments are lost), traced as `mtu`, with no error to the sender. Undefined: no limit.
   */
  readonly mtuBytes: number | undefined;
}

export const DEFAULT_LINK: LinkSpec = {
  latency: { kind: 'fixed', ms: 10 },
  jitterMs: 0,
  lossProbability: 0,
  duplicateProbability: 0,
  reorderProbability: 0,
  reorderExtraMs: 0,
  mtuBytes: undefined,
};

export type DatagramFate =
  | { readonly kind: 'drop'; readonly reason: 'loss' | 'mtu' }
  /** `delaysMs[0]` is the original, a second entry a duplicate; `fifo[i]` false for a reordered copy. */
  | { readonly kind: 'deliver'; readonly delaysMs: readonly number[]; readonly fifo: readonly boolean[] };

export function validateLink(spec: LinkSpec): LinkSpec {
  const probabilities = [spec.lossProbability, spec.duplicateProbability, spec.reorderProbability];
  if (probabilities.some((p) => !(p >= 0 && p <= 1))) throw new RangeError('link probabilities must lie in [0, 1]');
  if (!(spec.jitterMs >= 0) || !(spec.reorderExtraMs >= 0)) throw new RangeError('link jitter and reorder delay must be >= 0');
  if (spec.mtuBytes !== undefined && !(spec.mtuBytes > 0)) throw new RangeError('link MTU must be > 0');
  const l = spec.latency;
  const bad =
    (l.kind === 'fixed' && !(l.ms >= 0)) ||
    (l.kind === 'uniform' && !(l.minMs >= 0 && l.maxMs >= l.minMs)) ||
    (l.kind === 'normal' && !(l.meanMs >= 0 && l.stdDevMs >= 0)) ||
    (l.kind === 'lognormal' && !(l.medianMs > 0 && l.sigma >= 0));
  if (bad) throw new RangeError(`invalid latency distribution ${JSON.stringify(l)}`);
  return spec;
}

export function sampleLatencyMs(dist: LatencyDistribution, random: SeededRandom): number {
  switch (dist.kind) {
    case 'fixed':
      return dist.ms;
    case 'uniform':
      return random.uniform(dist.minMs, dist.maxMs);
    case 'normal':
      return Math.max(dist.minMs ?? 0, dist.meanMs + dist.stdDevMs * random.normal());
    case 'lognormal':
      return (dist.minMs ?? 0) + Math.exp(Math.log(dist.medianMs) + dist.sigma * random.normal());
    default: {
      const never: never = dist;
      throw new Error(`unknown latency distribution ${JSON.stringify(never)}`);
    }
  }
}

/** One-way delay of a packet on the link: latency plus jitter. */
export function sampleDelayMs(spec: LinkSpec, random: SeededRandom): number {
  const jitter = spec.jitterMs > 0 ? random.uniform(0, spec.jitterMs) : 0;
  return sampleLatencyMs(spec.latency, random) + jitter;
}

/** Draws what happens to one datagram of `sizeBytes` on the link. */
export function datagramFate(spec: LinkSpec, sizeBytes: number, random: SeededRandom): DatagramFate {
  if (spec.mtuBytes !== undefined && sizeBytes > spec.mtuBytes) return { kind: 'drop', reason: 'mtu' };
  if (random.chance(spec.lossProbability)) return { kind: 'drop', reason: 'loss' };
  const copies = random.chance(spec.duplicateProbability) ? 2 : 1;
  const delaysMs: number[] = [];
  const fifo: boolean[] = [];
  for (let i = 0; i < copies; i++) {
    const reordered = random.chance(spec.reorderProbability);
    const extra = reordered && spec.reorderExtraMs > 0 ? random.uniform(0, spec.reorderExtraMs) : 0;
    delaysMs.push(sampleDelayMs(spec, random) + extra);
    fifo.push(!reordered);
  }
  return { kind: 'deliver', delaysMs, fifo };
}
