/**
 * b2b_entities keys (opensips-b2b.md §1.3): `<prefix>.<hash>.<local>.<time>.<rand>`. A server entity's
 * key is the To-tag it sends, a client entity's the Call-ID it generates, so an in-dialog request names
 * its entity — and the hash names the table bucket — without any other lookup.
 */
import type { Clock } from '../../ports/clock';
import type { Random } from '../../ports/random';
import { EntitiesError } from './entity-errors';

/** Token characters without '.', so a key splits back into its five fields unambiguously. */
const PREFIX_PATTERN = /^[A-Za-z0-9_\-+~!*%']{1,32}$/;
const DIGITS = /^[0-9]{1,10}$/;

export function validateKeyPrefix(prefix: string): void {
  if (!PREFIX_PATTERN.test(prefix)) throw new EntitiesError('bad-config', `b2b_key_prefix ${JSON.stringify(prefix)} must be 1–32 token characters without '.'`);
}

/** FNV-1a 32-bit: cheap, stable across runs (determinism), good enough to spread Call-IDs over buckets. */
export function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The bucket index a key names, or undefined when `text` is not a key of this prefix (or names no bucket of a table of `bucketCount`). */
export function parseEntityKey(prefix: string, text: string | undefined, bucketCount: number): number | undefined {
  if (text === undefined || text.length <= prefix.length + 1 || !text.startsWith(prefix) || text.charCodeAt(prefix.length) !== 46) return undefined;
  const fields = text.slice(prefix.length + 1).split('.');
  if (fields.length !== 4) return undefined;
  for (const field of fields) if (!DIGITS.test(field)) return undefined;
  const hashIndex = Number(fields[0]);
  return hashIndex < bucketCount ? hashIndex : undefined;
}

/** Makes keys for one table: the hash of `seed` picks the bucket, a per-bucket counter the local index. */
export class EntityKeyGenerator {
  private readonly locals: Uint32Array;
  readonly bucketCount: number;

  constructor(private readonly prefix: string, hsizeBits: number, private readonly clock: Clock, private readonly random: Random) {
    validateKeyPrefix(prefix);
    if (!Number.isInteger(hsizeBits) || hsizeBits < 0 || hsizeBits > 20) throw new EntitiesError('bad-config', `hash size bits must be 0–20, got ${hsizeBits}`);
    this.bucketCount = 1 << hsizeBits;
    this.locals = new Uint32Array(this.bucketCount);
  }

  next(seed: string): { readonly key: string; readonly hashIndex: number } {
    const hashIndex = hashText(seed) & (this.bucketCount - 1);
    const local = this.locals[hashIndex]!;
    this.locals[hashIndex] = (local + 1) >>> 0;
    const timeS = Math.floor(this.clock.nowMs() / 1000);
    const rand = this.random.nextUint32() % 1_000_000_000;
    return { key: `${this.prefix}.${hashIndex}.${local}.${timeS}.${rand}`, hashIndex };
  }

  parse(text: string | undefined): number | undefined {
    return parseEntityKey(this.prefix, text, this.bucketCount);
  }
}
