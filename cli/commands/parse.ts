/**
 * `b2bkit parse [FILE|-]`: parses one SIP message (RFC 3261 §7) with the engine's parser and prints
 * it as JSON (exit 0), or `invalid: <code>: <reason>` (exit 1); an unreadable file or bad usage exits 2.
 */
import { parseMessage } from '../../engine/sip';
import type { SipMessage } from '../../engine/sip/message';
import type { Params, Via } from '../../engine/sip/types';

export interface ParseIo {
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  readonly readFile: (p: string) => Promise<Uint8Array>;
}

const USAGE = 'usage: b2bkit parse [FILE|-]   (no FILE or "-" reads standard input)\n';

async function readAll(stream: NodeJS.ReadableStream): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : Buffer.from(chunk));
  return new Uint8Array(Buffer.concat(chunks));
}

function paramsObject(params: Params): Record<string, string | null> {
  return Object.fromEntries(params);
}

function viaJson(via: Via): Record<string, unknown> {
  return {
    protocol: via.protocol,
    transport: via.transport,
    host: via.host,
    port: via.port ?? null,
    branch: via.branch ?? null,
    received: via.received ?? null,
    rport: via.rport ?? null,
    params: paramsObject(via.params),
  };
}

/** The JSON shape printed for a parsed message. */
export function messageJson(message: SipMessage): Record<string, unknown> {
  const startLine =
    message.kind === 'request' ? `${message.method} ${message.uriText} SIP/2.0` : `SIP/2.0 ${message.status} ${message.reason}`;
  const line =
    message.kind === 'request' ? { method: message.method, uri: message.uriText } : { status: message.status, reason: message.reason };
  return {
    kind: message.kind,
    startLine,
    ...line,
    headers: message.headers.map((h) => ({ name: h.name, value: h.value })),
    bodyLength: message.body.length,
    summary: {
      callId: message.callId,
      cseq: { seq: message.cseq.seq, method: message.cseq.method },
      from: message.header('from') ?? null,
      to: message.header('to') ?? null,
      fromTag: message.fromTag ?? null,
      toTag: message.toTag ?? null,
      topVia: viaJson(message.topVia),
    },
  };
}

export async function runParse(args: string[], io: ParseIo): Promise<number> {
  if (args.length > 1 || args.some((a) => a.startsWith('-') && a !== '-')) {
    io.stderr(USAGE);
    return 2;
  }
  const source = args[0] ?? '-';
  let data: Uint8Array;
  if (source === '-') {
    data = await readAll(io.stdin);
  } else {
    try {
      data = await io.readFile(source);
    } catch (err) {
      io.stderr(`b2bkit parse: cannot read ${source}: ${(err as Error).message}\n`);
      return 2;
    }
  }
  const result = parseMessage(data);
  if (!result.ok) {
    io.stdout(`invalid: ${result.error.code}: ${result.error.reason}\n`);
    return 1;
  }
  io.stdout(`${JSON.stringify(messageJson(result.message), null, 2)}\n`);
  return 0;
}
