/** The entity table of b2b_entities (opensips-b2b.md §3.1 server_hsize / client_hsize): 2^n buckets, the key's hash index picks one. */

export class EntityTable<T extends { readonly key: string }> {
  private readonly buckets: (Map<string, T> | undefined)[];
  private count = 0;

  constructor(readonly bucketCount: number) {
    this.buckets = new Array<Map<string, T> | undefined>(bucketCount).fill(undefined);
  }

  get size(): number {
    return this.count;
  }

  add(hashIndex: number, entity: T): void {
    let bucket = this.buckets[hashIndex];
    if (bucket === undefined) {
      bucket = new Map();
      this.buckets[hashIndex] = bucket;
    }
    if (!bucket.has(entity.key)) this.count++;
    bucket.set(entity.key, entity);
  }

  get(hashIndex: number, key: string): T | undefined {
    return this.buckets[hashIndex]?.get(key);
  }

  remove(hashIndex: number, key: string): boolean {
    const bucket = this.buckets[hashIndex];
    if (bucket === undefined || !bucket.delete(key)) return false;
    this.count--;
    return true;
  }

  /** One bucket in insertion order (the unit of cleanup scanning). */
  bucket(index: number): Iterable<T> {
    return this.buckets[index]?.values() ?? [];
  }

  *values(): IterableIterator<T> {
    for (const bucket of this.buckets) if (bucket !== undefined) yield* bucket.values();
  }
}
