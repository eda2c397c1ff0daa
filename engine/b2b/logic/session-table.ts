/**
 * The b2b_logic session table (opensips-b2b.md §1.3, §2.2 `hash_size`): 2^hash_size buckets, keys
 * `<hash_index>.<local_index>` where hash_index hashes To-URI + From-URI and local_index counts per bucket.
 */
import type { Session } from './session';

export class SessionTableError extends Error {
  constructor(readonly code: 'bad-hash-size', message: string) {
    super(message);
    this.name = 'SessionTableError';
  }
}

/** FNV-1a over the UTF-16 code units: cheap, stable across runs (determinism), good enough spread. */
export function hashText(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export class SessionTable {
  private readonly buckets: (Map<string, Session> | undefined)[];
  private readonly nextLocal: Uint32Array;
  private readonly mask: number;
  private sizeValue = 0;

  constructor(readonly hashSizeBits: number) {
    // §2.2: hash_size must be 1..20.
    if (!Number.isInteger(hashSizeBits) || hashSizeBits < 1 || hashSizeBits > 20) {
      throw new SessionTableError('bad-hash-size', `hash_size must be an integer 1..20, got ${hashSizeBits}`);
    }
    const count = 1 << hashSizeBits;
    this.mask = count - 1;
    this.buckets = new Array<Map<string, Session> | undefined>(count).fill(undefined);
    this.nextLocal = new Uint32Array(count);
  }

  get size(): number {
    return this.sizeValue;
  }

  get bucketCount(): number {
    return this.buckets.length;
  }

  /** Picks the bucket and local index for a new session between these two URIs (§1.3). */
  allocate(toUri: string, fromUri: string): { readonly hashIndex: number; readonly localIndex: number; readonly key: string } {
    const hashIndex = hashText(fromUri, hashText(toUri)) & this.mask;
    const localIndex = ++this.nextLocal[hashIndex]!;
    return { hashIndex, localIndex, key: `${hashIndex}.${localIndex}` };
  }

  add(session: Session): void {
    let bucket = this.buckets[session.hashIndex];
    if (bucket === undefined) {
      bucket = new Map();
      this.buckets[session.hashIndex] = bucket;
    }
    if (!bucket.has(session.key)) this.sizeValue++;
    bucket.set(session.key, session);
  }

  remove(session: Session): boolean {
    const bucket = this.buckets[session.hashIndex];
    if (bucket === undefined || bucket.get(session.key) !== session) return false;
    bucket.delete(session.key);
    this.sizeValue--;
    return true;
  }

  get(key: string): Session | undefined {
    const dot = key.indexOf('.');
    if (dot <= 0) return undefined;
    const hashIndex = Number(key.slice(0, dot));
    if (!Number.isInteger(hashIndex) || hashIndex < 0 || hashIndex > this.mask) return undefined;
    return this.buckets[hashIndex]?.get(key);
  }

  /** The sessions of one bucket, a snapshot (the sweep may delete while walking). */
  bucket(index: number): Session[] {
    const bucket = this.buckets[index];
    return bucket === undefined || bucket.size === 0 ? [] : [...bucket.values()];
  }

  /** Every session, bucket by bucket, in insertion order within a bucket. */
  *all(): IterableIterator<Session> {
    for (const bucket of this.buckets) if (bucket !== undefined) yield* bucket.values();
  }
}
