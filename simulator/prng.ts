/** Seeded PRNG for the simulator: xoshiro128** keyed by murmur3-mixed seeds, with label-derived forks (DESIGN.md, Simulator). */
import type { Random } from '../engine/ports/random';
import { randomToken } from '../engine/ports/random-token';

const GOLDEN = 0x9e3779b9;

/** murmur3's 32-bit finaliser: a bijective avalanche mix. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over the UTF-16 code units of `text`, salted so the four key words differ. */
function hashLabel(text: string, salt: number): number {
  let h = (0x811c9dc5 ^ salt) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

type Key = readonly [number, number, number, number];

function keyFromSeed(seed: number): Key {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`simulation seed must be a safe non-negative integer, got ${seed}`);
  }
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 2 ** 32) >>> 0;
  const words = [0, 1, 2, 3].map((i) => fmix32(lo ^ fmix32((hi + Math.imul(i + 1, GOLDEN)) >>> 0)));
  return words as unknown as Key;
}

function childKey(parent: Key, label: string): Key {
  const words = parent.map((w, i) => fmix32((w ^ hashLabel(label, i)) + Math.imul(i + 1, GOLDEN)));
  return words as unknown as Key;
}

/**
 * A deterministic Random. `fork(label)` depends only on this stream's key and the label, never on
 * how many numbers were drawn, so adding a consumer never shifts another's numbers. Forking the
 * same label twice gives the same stream: give each consumer its own label.
 */
export class SeededRandom implements Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** Builds the root stream of a simulation from its seed. */
  static fromSeed(seed: number): SeededRandom {
    return new SeededRandom(keyFromSeed(seed), 'root');
  }

  private constructor(
    private readonly key: Key,
    readonly label: string,
  ) {
    [this.s0, this.s1, this.s2, this.s3] = key;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
    for (let i = 0; i < 8; i++) this.nextUint32();
  }

  /** xoshiro128** (Blackman and Vigna). */
  nextUint32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  nextFloat(): number {
    return this.nextUint32() / 2 ** 32;
  }

  token(length: number): string {
    return randomToken(this, length);
  }

  fork(label: string): SeededRandom {
    return new SeededRandom(childKey(this.key, label), `${this.label}/${label}`);
  }

  /** True with probability `p`; p <= 0 and p >= 1 draw nothing. */
  chance(p: number): boolean {
    if (p <= 0) return false;
    if (p >= 1) return true;
    return this.nextFloat() < p;
  }

  /** A uniform float in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.nextFloat();
  }

  /** An integer in [min, max] inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.nextFloat() * (max - min + 1));
  }

  /** A standard normal deviate (Box–Muller; one pair member is discarded to keep the stream stateless). */
  normal(): number {
    const u1 = 1 - this.nextFloat();
    const u2 = this.nextFloat();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
