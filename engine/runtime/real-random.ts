/** The real Random: cryptographically strong bytes from node:crypto, read from a pooled buffer (DESIGN.md, runtime/; RFC 3261 §8.1.1.7, §19.3 want unguessable branches and tags). */
import { randomFillSync } from 'node:crypto';
import type { Random } from '../ports/random';

const POOL_BYTES = 4096;
const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
/** Largest multiple of 36 below 2^32: values at or above it are redrawn so tokens stay unbiased. */
const TOKEN_LIMIT = Math.floor(2 ** 32 / ALPHABET.length) * ALPHABET.length;

export class RealRandom implements Random {
  private readonly pool = new Uint32Array(POOL_BYTES / 4);
  private next = this.pool.length;

  /** `label` names the stream in diagnostics only: real streams are independent by construction. */
  constructor(readonly label = 'root') {}

  nextUint32(): number {
    if (this.next === this.pool.length) {
      randomFillSync(this.pool);
      this.next = 0;
    }
    return this.pool[this.next++];
  }

  nextFloat(): number {
    return this.nextUint32() / 2 ** 32;
  }

  token(length: number): string {
    let out = '';
    while (out.length < length) {
      const value = this.nextUint32();
      if (value < TOKEN_LIMIT) out += ALPHABET[value % ALPHABET.length];
    }
    return out;
  }

  fork(label: string): Random {
    return new RealRandom(`${this.label}/${label}`);
  }
}
