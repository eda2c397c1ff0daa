/** Partitions (one-way or both) and holds on directed host-to-host paths (DESIGN.md, Simulator; turmoil's partition/hold/release). */
import type { OutboundPacket } from '../engine/ports/transport';
import type { SimScheduler } from './event-queue';

/** A test's rule that drops matching datagrams (TigerBeetle's "drop the next message matching"). */
export interface DropRule {
  readonly match: (packet: OutboundPacket, fromHost: string, toHost: string) => boolean;
  /** How many more packets it drops; it retires at 0. */
  remaining: number;
}

export interface DirectionOptions {
  /** Only `from -> to`; default both ways. */
  readonly oneWay?: boolean;
}

export const pathKey = (from: string, to: string): string => `${from}\u0000${to}`;

function directions(a: string, b: string, options: DirectionOptions): Array<[string, string]> {
  return options.oneWay === true ? [[a, b]] : [[a, b], [b, a]];
}

export class LinkFaults {
  private readonly blocked = new Set<string>();
  private readonly holds = new Map<string, Array<() => void>>();
  private dropRules: DropRule[] = [];

  constructor(private readonly scheduler: SimScheduler) {}

  /** Packets on the cut directions are lost at delivery time (in-flight ones too). */
  partition(a: string, b: string, options: DirectionOptions = {}): void {
    for (const [x, y] of directions(a, b, options)) this.blocked.add(pathKey(x, y));
  }

  heal(a: string, b: string, options: DirectionOptions = {}): void {
    for (const [x, y] of directions(a, b, options)) this.blocked.delete(pathKey(x, y));
  }

  healAll(): void {
    this.blocked.clear();
  }

  isBlocked(from: string, to: string): boolean {
    return this.blocked.size > 0 && this.blocked.has(pathKey(from, to));
  }

  /** Packets reaching a held direction wait until `release`. */
  hold(a: string, b: string, options: DirectionOptions = {}): void {
    for (const [x, y] of directions(a, b, options)) {
      const key = pathKey(x, y);
      if (!this.holds.has(key)) this.holds.set(key, []);
    }
  }

  /** Delivers everything held, in arrival order, as events at the current time. */
  release(a: string, b: string, options: DirectionOptions = {}): void {
    for (const [x, y] of directions(a, b, options)) {
      const key = pathKey(x, y);
      const held = this.holds.get(key);
      this.holds.delete(key);
      for (const deliver of held ?? []) this.scheduler.at(this.scheduler.nowMs, `release ${x}->${y}`, deliver);
    }
  }

  /** Queues `deliver` if the path is held; false when it is not. */
  holdIfHeld(from: string, to: string, deliver: () => void): boolean {
    if (this.holds.size === 0) return false;
    const held = this.holds.get(pathKey(from, to));
    if (held === undefined) return false;
    held.push(deliver);
    return true;
  }

  /**
   * Drops the next `times` datagrams for which `match` is true (traced as `filter`). Streams are
   * reliable, so rules never touch them: cut a stream with a partition instead.
   */
  dropMatching(match: DropRule['match'], times = 1): DropRule {
    const rule: DropRule = { match, remaining: times };
    this.dropRules.push(rule);
    return rule;
  }

  /** True when a rule claims this datagram (and counts it against the rule). */
  dropByRule(packet: OutboundPacket, fromHost: string, toHost: string): boolean {
    if (this.dropRules.length === 0) return false;
    const rule = this.dropRules.find((r) => r.match(packet, fromHost, toHost));
    if (rule === undefined) return false;
    if (--rule.remaining <= 0) this.dropRules = this.dropRules.filter((r) => r !== rule);
    return true;
  }

  heldCount(from: string, to: string): number {
    return this.holds.get(pathKey(from, to))?.length ?? 0;
  }
}
