/** One StreamFramer per open stream connection (RFC 3261 §18.3): created on the first bytes, dropped on close or framing error. */
import { StreamFramer, type FramerOutput, type ParseLimits } from '../sip';

export interface FramedChunk {
  readonly messages: readonly Uint8Array[];
  /** Set when the stream can no longer be framed; the connection must be closed. */
  readonly error?: string;
  /** CRLFCRLF pings seen (RFC 5626 §3.5.1): each is answered with a CRLF pong. */
  readonly keepAlivePings: number;
}

export class StreamBuffers {
  private readonly framers = new Map<string, StreamFramer>();

  constructor(private readonly limits: Partial<ParseLimits> | undefined) {}

  get size(): number {
    return this.framers.size;
  }

  push(connectionId: string, chunk: Uint8Array): FramedChunk {
    let framer = this.framers.get(connectionId);
    if (framer === undefined) {
      framer = new StreamFramer(this.limits);
      this.framers.set(connectionId, framer);
    }
    const out = framer.push(chunk);
    const code = framingErrorCode(out);
    if (code === undefined) return out;
    return { messages: out.messages, error: `${code}: ${out.reason ?? ''}`, keepAlivePings: out.keepAlivePings };
  }

  drop(connectionId: string): void {
    this.framers.delete(connectionId);
  }
}

/** The framer's error code; read from `code` as well, where the framer of this tree's sip/ puts it today. */
function framingErrorCode(out: FramerOutput): string | undefined {
  if (out.error !== undefined) return out.error;
  const loose: FramerOutput & { readonly code?: unknown } = out;
  return typeof loose.code === 'string' ? loose.code : undefined;
}
