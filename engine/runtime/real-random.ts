/** The real Random: cryptographically strong bytes from node:crypto, read from a pooled buffer (DESIGN.md, runtime/; RFC 3261 §8.1.1.7, §19.3 want unguessable branches and tags). */
import { randomFillSync } from 'node:crypto';
import type { Random } from '../ports/random';
import { randomToken } from '../ports/random-token';

const POOL_BYTES = 4096;

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
    return randomToken(this, length);
  }

  fork(label: string): Random {
    return new RealRandom(`${this.label}/${label}`);
  }
}
