/** The simulation trace: one line per packet delivered or dropped and per host event, with a running SHA-256 digest (DESIGN.md, Simulator). */
import { createHash, type Hash } from 'node:crypto';

export type TraceKind = 'deliver' | 'drop' | 'held' | 'failure' | 'crash' | 'restart' | 'note';

export interface TraceEntry {
  readonly timeMs: number;
  readonly kind: TraceKind;
  /** Drop and failure reasons ("loss", "mtu", "partition", "crashed", "no-listener", …). */
  readonly reason?: string;
  readonly protocol?: string;
  /** "host@ip:port" */
  readonly from?: string;
  readonly to?: string;
  readonly sizeBytes?: number;
  /** The first line of the payload (a SIP start line), or a note's text. */
  readonly summary: string;
}

export interface TraceOptions {
  /** Entries kept in memory (the oldest go first); the digest always covers everything. Default 10 000. */
  readonly maxEntries?: number;
}

export class Trace {
  private readonly hash: Hash = createHash('sha256');
  /** A ring of the last `maxEntries` entries; `count % maxEntries` is the next write position once full. */
  private readonly kept: TraceEntry[] = [];
  private readonly maxEntries: number;
  /** Entries recorded over the whole run (including those no longer kept). */
  count = 0;

  constructor(options: TraceOptions = {}) {
    this.maxEntries = options.maxEntries ?? 10_000;
  }

  record(entry: TraceEntry, payload?: Uint8Array): void {
    this.count++;
    this.hash.update(formatEntry(entry));
    this.hash.update('\n');
    if (payload !== undefined) this.hash.update(payload);
    if (this.kept.length < this.maxEntries) this.kept.push(entry);
    else if (this.maxEntries > 0) this.kept[(this.count - 1) % this.maxEntries] = entry;
  }

  /** Hex digest of everything recorded so far; two runs with the same seed give the same one. */
  digest(): string {
    return this.hash.copy().digest('hex');
  }

  /** The kept entries, oldest first. */
  entries(): readonly TraceEntry[] {
    if (this.kept.length < this.maxEntries || this.maxEntries === 0) return this.kept;
    const start = this.count % this.maxEntries;
    return [...this.kept.slice(start), ...this.kept.slice(0, start)];
  }

  /** The last `lastN` kept entries, one line each, for a failure message or a log file. */
  format(lastN = this.kept.length): string {
    return this.entries().slice(-lastN).map(formatEntry).join('\n');
  }
}

export function formatEntry(e: TraceEntry): string {
  const parts = [e.timeMs.toFixed(3).padStart(12), e.kind.padEnd(7)];
  if (e.reason !== undefined) parts.push(`[${e.reason}]`);
  if (e.protocol !== undefined) parts.push(e.protocol);
  if (e.from !== undefined || e.to !== undefined) parts.push(`${e.from ?? '?'} -> ${e.to ?? '?'}`);
  if (e.sizeBytes !== undefined) parts.push(`${e.sizeBytes}B`);
  parts.push(JSON.stringify(e.summary));
  return parts.join(' ');
}

/** The first line of a payload, at most 120 characters, for trace lines. */
export function firstLine(data: Uint8Array): string {
  const end = Math.min(data.length, 240);
  let text = '';
  for (let i = 0; i < end; i++) {
    const c = data[i];
    if (c === 13 || c === 10) break;
    text += c >= 32 && c < 127 ? String.fromCharCode(c) : '.';
  }
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
