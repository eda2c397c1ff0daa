/**
 * Framing SIP messages on a byte stream (RFC 3261 §18.3: Content-Length is mandatory on streams; §7.5
 * and RFC 5626 §3.5.1: CRLF keep-alives between messages). Linear in the bytes pushed: each byte is
 * scanned for the end of headers at most once.
 */
import { resolveParseLimits, type ParseLimits } from './parse-limits';
import { parseDecimal } from './text-scan';

export type FramingErrorCode = 'missing-content-length' | 'bad-content-length' | 'too-large';

export interface FramerOutput {
  /** Complete messages, each its own copy of the bytes. */
  readonly messages: readonly Uint8Array[];
  /** Set once framing is lost: the connection must be closed; later pushes return it again. */
  readonly error?: FramingErrorCode;
  readonly reason?: string;
  /** CRLFCRLF pings seen between messages (RFC 5626 §3.5.1 asks for a CRLF pong to each). */
  readonly keepAlivePings: number;
}

const CRLFCRLF = Buffer.from('\r\n\r\n');
const INITIAL_CAPACITY = 4096;

export class StreamFramer {
  private readonly limits: ParseLimits;
  private buf: Buffer = Buffer.allocUnsafe(INITIAL_CAPACITY);
  /** Bytes [start, end) are buffered and not yet framed. */
  private start = 0;
  private end = 0;
  /** Where the next search for CRLFCRLF resumes (no byte is searched twice). */
  private scanFrom = 0;
  /** Total length of the message at `start`, once its headers are complete. */
  private messageLength = -1;
  private failed: { error: FramingErrorCode; reason: string } | undefined;

  constructor(limits?: Partial<ParseLimits>) {
    this.limits = resolveParseLimits(limits);
  }

  /** Bytes buffered toward the next message. */
  get bufferedBytes(): number {
    return this.end - this.start;
  }

  push(chunk: Uint8Array): FramerOutput {
    if (this.failed !== undefined) return { messages: [], ...this.failed, keepAlivePings: 0 };
    this.append(chunk);
    const messages: Uint8Array[] = [];
    let pings = 0;
    for (;;) {
      if (this.messageLength < 0) {
        pings += this.skipKeepAlives();
        if (this.start === this.end) break;
        const framed = this.frameHeaders();
        if (framed === 'need-more') break;
        if (framed !== 'ok') {
          this.failed = { error: framed.code, reason: framed.reason };
          return { messages, ...this.failed, keepAlivePings: pings };
        }
      }
      if (this.end - this.start < this.messageLength) break;
      const stop = this.start + this.messageLength;
      const message = Buffer.allocUnsafe(this.messageLength);
      this.buf.copy(message, 0, this.start, stop);
      messages.push(message);
      this.start = stop;
      this.scanFrom = stop;
      this.messageLength = -1;
    }
    this.compact();
    return { messages, keepAlivePings: pings };
  }

  private append(chunk: Uint8Array): void {
    const needed = this.end + chunk.length;
    if (needed > this.buf.length) {
      const live = this.end - this.start;
      if (live + chunk.length <= this.buf.length && this.start > 0) {
        this.shift();
      } else {
        const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, live + chunk.length));
        this.buf.copy(next, 0, this.start, this.end);
        this.rebase(next);
      }
    }
    this.buf.set(chunk, this.end);
    this.end += chunk.length;
  }

  /** Moves live bytes to the front once more than half the buffer is consumed (amortized O(1) per byte). */
  private compact(): void {
    if (this.start === this.end) {
      this.scanFrom -= this.start;
      this.start = 0;
      this.end = 0;
      if (this.scanFrom < 0) this.scanFrom = 0;
    } else if (this.start > this.buf.length / 2) {
      this.shift();
    }
  }

  private shift(): void {
    this.buf.copy(this.buf, 0, this.start, this.end);
    this.rebase(this.buf);
  }

  private rebase(next: Buffer): void {
    const offset = this.start;
    this.end -= offset;
    this.scanFrom = Math.max(0, this.scanFrom - offset);
    this.start = 0;
    this.buf = next;
  }

  /** §7.5 / RFC 5626 §3.5.1: CR and LF between messages are keep-alives, not messages. */
  private skipKeepAlives(): number {
    let crlfPairs = 0;
    while (this.start < this.end) {
      const c = this.buf[this.start];
      if (c !== 13 && c !== 10) break;
      if (c === 10) crlfPairs++;
      this.start++;
    }
    if (this.scanFrom < this.start) this.scanFrom = this.start;
    return crlfPairs >> 1;
  }

  private frameHeaders(): 'ok' | 'need-more' | { code: FramingErrorCode; reason: string } {
    const from = Math.max(this.start, this.scanFrom - 3);
    const at = this.buf.subarray(0, this.end).indexOf(CRLFCRLF, from);
    if (at < 0) {
      this.scanFrom = this.end;
      if (this.end - this.start > this.limits.maxMessageBytes) {
        return { code: 'too-large', reason: `no end of headers within ${this.limits.maxMessageBytes} bytes` };
      }
      return 'need-more';
    }
    const headLength = at + 4 - this.start;
    const length = contentLengthOf(this.buf.toString('latin1', this.start, at));
    if (length === undefined) return { code: 'missing-content-length', reason: 'Content-Length is mandatory on a stream (RFC 3261 §18.3)' };
    if (length < 0) return { code: 'bad-content-length', reason: 'malformed or conflicting Content-Length' };
    if (headLength + length > this.limits.maxMessageBytes) {
      return { code: 'too-large', reason: `message of ${headLength + length} bytes exceeds ${this.limits.maxMessageBytes}` };
    }
    this.messageLength = headLength + length;
    return 'ok';
  }
}

/** The Content-Length of a header section: undefined when absent, -1 when malformed or conflicting. */
function contentLengthOf(head: string): number | undefined {
  let found: number | undefined;
  const pattern = /\n(?:content-length|l)[ \t]*:[ \t]*([^\r\n]*)/gi;
  for (let m = pattern.exec(head); m !== null; m = pattern.exec(head)) {
    const value = parseDecimal((m[1] ?? '').trim(), Number.MAX_SAFE_INTEGER);
    if (value === undefined || (found !== undefined && found !== value)) return -1;
    found = value;
  }
  return found;
}
