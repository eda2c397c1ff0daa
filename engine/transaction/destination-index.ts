/**
 * Transactions by the destination they send to, so a transport failure reported for a destination
 * reaches the transactions using it (RFC 3261 §17.1.4, §17.2.4, §18.4). Failures carry only the
 * destination, so every transaction sending there learns of it (a dead UDP port or a closed connection).
 */
import type { Destination } from '../transport/transport-layer';
import type { TrackedTransaction } from './transaction-env';

export function destinationKey(destination: Destination): string {
  return destination.protocol + ' ' + destination.address.host + ' ' + destination.address.port;
}

export class DestinationIndex {
  private readonly byKey = new Map<string, Set<TrackedTransaction>>();
  private readonly keyOf = new Map<TrackedTransaction, string>();

  add(tx: TrackedTransaction, destination: Destination): void {
    this.remove(tx);
    const key = destinationKey(destination);
    let set = this.byKey.get(key);
    if (set === undefined) {
      set = new Set();
      this.byKey.set(key, set);
    }
    set.add(tx);
    this.keyOf.set(tx, key);
  }

  remove(tx: TrackedTransaction): void {
    const key = this.keyOf.get(tx);
    if (key === undefined) return;
    this.keyOf.delete(tx);
    const set = this.byKey.get(key);
    if (set === undefined) return;
    set.delete(tx);
    if (set.size === 0) this.byKey.delete(key);
  }

  /** A snapshot: callers end transactions while walking it. */
  at(destination: Destination): TrackedTransaction[] {
    const set = this.byKey.get(destinationKey(destination));
    return set === undefined ? [] : [...set];
  }

  get size(): number {
    return this.keyOf.size;
  }
}
