/**
 * Live transactions by a primary string that already exists on the message (the top Via branch for
 * RFC 3261 requests, §17.1.3 / §17.2.3), so a lookup hashes a string whose hash V8 has cached instead
 * of concatenating a composite key; the rest of the match (method, sent-by) is checked on the few
 * candidates sharing that string (an INVITE and its CANCEL share a branch, §9.1).
 */
export interface TableEntry {
  readonly primary: string;
}

export class TransactionTable<T extends TableEntry> {
  private readonly byPrimary = new Map<string, T | T[]>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The live transaction under `primary` for which `matches(tx, probe)` holds. */
  find<P>(primary: string, probe: P, matches: (tx: T, probe: P) => boolean): T | undefined {
    const entry = this.byPrimary.get(primary);
    if (entry === undefined) return undefined;
    if (!Array.isArray(entry)) return matches(entry as T, probe) ? (entry as T) : undefined;
    for (const tx of entry) if (matches(tx, probe)) return tx;
    return undefined;
  }

  add(tx: T): void {
    const entry = this.byPrimary.get(tx.primary);
    if (entry === undefined) this.byPrimary.set(tx.primary, tx);
    else if (Array.isArray(entry)) entry.push(tx);
    else this.byPrimary.set(tx.primary, [entry as T, tx]);
    this.count++;
  }

  /** Removes `tx` (by identity); false when it was not there. */
  remove(tx: T): boolean {
    const entry = this.byPrimary.get(tx.primary);
    if (entry === undefined) return false;
    if (!Array.isArray(entry)) {
      if (entry !== tx) return false;
      this.byPrimary.delete(tx.primary);
    } else {
      const i = entry.indexOf(tx);
      if (i < 0) return false;
      entry.splice(i, 1);
      if (entry.length === 1) this.byPrimary.set(tx.primary, entry[0] as T);
    }
    this.count--;
    return true;
  }
}
