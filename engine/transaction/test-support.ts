/** Test doubles for the transaction layer: a recording TransportLayer on a manual clock, recording TUs, and SIP message builders (not used by engine code). */
import type { SipRequest, SipResponse } from '../sip/message';
import { parseMessage } from '../sip/parse-message';
import { serializeMessage } from '../sip/serialize';
import { createResponse } from '../sip/build-response';
import { ClockTimerService } from '../timers/clock-timer-service';
import { ManualClock } from '../timers/manual-clock';
import type { Random } from '../ports/random';
import type { TransportProtocol } from '../ports/transport';
import type { Destination, ReceiveContext, SendOutcome, TransportLayer } from '../transport/transport-layer';
import { TransactionLayer } from './transaction-layer';
import type { TransactionConfig } from './transaction-config';
import type {
  ClientTimeoutTimer, ClientTransaction, ClientTransactionUser, InviteServerTransaction, ServerTransaction, TerminationCause,
  TransactionTransition, TransactionUser,
} from './transaction-types';

const decoder = new TextDecoder();

export interface WireEntry {
  readonly atMs: number;
  readonly kind: 'request' | 'response' | 'resend';
  /** First line of the message ("INVITE sip:…", "SIP/2.0 180 Ringing"). */
  readonly firstLine: string;
  readonly text: string;
  readonly destination: string;
}

/** A TransportLayer that records what would go on the wire; UDP is unreliable, the rest reliable. */
export class RecordingTransportLayer implements TransportLayer {
  readonly wire: WireEntry[] = [];
  /** Set to make the next sendRequest / sendResponse fail synchronously. */
  failNextRequest: SendOutcome | undefined;
  failNextResponse: SendOutcome | undefined;

  constructor(private readonly clock: ManualClock) {}

  isReliable(protocol: TransportProtocol): boolean {
    return protocol !== 'udp';
  }

  sendRequest(request: SipRequest, destination: Destination): { readonly outcome: SendOutcome; readonly sent: SipRequest } {
    const failure = this.failNextRequest;
    this.failNextRequest = undefined;
    if (failure !== undefined) return { outcome: failure, sent: request };
    this.record('request', serializeMessage(request), destination);
    return { outcome: { ok: true, protocol: destination.protocol, destination: destination.address }, sent: request };
  }

  sendResponse(response: SipResponse, context: ReceiveContext): SendOutcome {
    const failure = this.failNextResponse;
    this.failNextResponse = undefined;
    if (failure !== undefined) return failure;
    this.record('response', serializeMessage(response), { protocol: context.protocol, address: context.source });
    return { ok: true, protocol: context.protocol, destination: context.source };
  }

  resend(bytes: Uint8Array, destination: Destination): void {
    this.record('resend', bytes, destination);
  }

  /** Wire entries whose first line starts with `prefix`, as `[atMs, kind]` pairs. */
  times(prefix: string): Array<[number, WireEntry['kind']]> {
    return this.wire.filter((w) => w.firstLine.startsWith(prefix)).map((w) => [w.atMs, w.kind]);
  }

  private record(kind: WireEntry['kind'], bytes: Uint8Array, destination: Destination): void {
    const text = decoder.decode(bytes);
    this.wire.push({
      atMs: this.clock.nowMs(), kind, text, firstLine: text.slice(0, text.indexOf('\r\n')),
      destination: `${destination.protocol}:${destination.address.host}:${destination.address.port}`,
    });
  }
}

/** A Random with a counter: tokens are unique and predictable. */
export class CountingRandom implements Random {
  private n = 0;
  nextUint32(): number {
    return (this.n++ * 2654435761) >>> 0;
  }
  nextFloat(): number {
    return this.nextUint32() / 0x1_0000_0000;
  }
  token(length: number): string {
    return (this.n++).toString(36).padStart(length, '0').slice(-length);
  }
  fork(): Random {
    return new CountingRandom();
  }
}

/** A TU that records every upcall; `onNewRequest` lets a test answer. */
export class RecordingTu implements TransactionUser {
  readonly events: string[] = [];
  readonly requests: ServerTransaction[] = [];
  readonly strayAcks: SipRequest[] = [];
  readonly strayResponses: SipResponse[] = [];
  readonly cancels: InviteServerTransaction[] = [];
  onNewRequest: ((tx: ServerTransaction, request: SipRequest) => void) | undefined;
  /** Set to false to remove onCancel (the layer then sends 487 itself). */
  handleCancel = true;

  onRequest(tx: ServerTransaction, request: SipRequest): void {
    this.events.push(`request ${request.method}`);
    this.requests.push(tx);
    this.onNewRequest?.(tx, request);
  }
  onStrayAck(ack: SipRequest): void {
    this.events.push('stray-ack');
    this.strayAcks.push(ack);
  }
  onStrayResponse(response: SipResponse): void {
    this.events.push(`stray-response ${response.status}`);
    this.strayResponses.push(response);
  }
  get onCancel(): ((tx: InviteServerTransaction, cancel: SipRequest) => void) | undefined {
    if (!this.handleCancel) return undefined;
    return (tx) => {
      this.events.push('cancel');
      this.cancels.push(tx);
    };
  }
  onServerTimeout(tx: ServerTransaction): void {
    this.events.push(`server-timeout ${tx.method}`);
  }
  onServerTransportError(tx: ServerTransaction, reason: string): void {
    this.events.push(`server-transport-error ${tx.method} ${reason}`);
  }
  onServerTransactionTerminated(tx: ServerTransaction, cause: TerminationCause): void {
    this.events.push(`server-terminated ${tx.method} ${cause}`);
  }
}

/** A client-transaction user that records every upcall as text. */
export class RecordingClientUser implements ClientTransactionUser {
  readonly events: string[] = [];
  readonly responses: SipResponse[] = [];
  onResponse(response: SipResponse): void {
    this.events.push(`response ${response.status}`);
    this.responses.push(response);
  }
  onTimeout(_tx: ClientTransaction, timer: ClientTimeoutTimer): void {
    this.events.push(`timeout ${timer}`);
  }
  onTransportError(_tx: ClientTransaction, reason: string): void {
    this.events.push(`transport-error ${reason}`);
  }
  onTerminated(_tx: ClientTransaction, cause: TerminationCause): void {
    this.events.push(`terminated ${cause}`);
  }
}

export interface Harness {
  readonly clock: ManualClock;
  readonly timers: ClockTimerService;
  readonly transport: RecordingTransportLayer;
  readonly tu: RecordingTu;
  readonly layer: TransactionLayer;
  readonly transitions: TransactionTransition[];
  readonly timerErrors: unknown[];
}

export function harness(config: Partial<TransactionConfig> = {}): Harness {
  const clock = new ManualClock(0);
  const timerErrors: unknown[] = [];
  const timers = new ClockTimerService(clock, { onError: (error) => timerErrors.push(error) });
  const transport = new RecordingTransportLayer(clock);
  const tu = new RecordingTu();
  const transitions: TransactionTransition[] = [];
  const layer = new TransactionLayer({
    transport, timers, random: new CountingRandom(), config, user: tu, onTransition: (tr) => transitions.push(tr),
  });
  return { clock, timers, transport, tu, layer, transitions, timerErrors };
}

export const UAC: Destination = { protocol: 'udp', address: { host: '192.0.2.20', port: 5060 } };

export function receiveContext(protocol: TransportProtocol = 'udp'): ReceiveContext {
  return { protocol, local: { host: '192.0.2.10', port: 5060 }, source: { host: '192.0.2.30', port: 5070 } };
}

export function parse(text: string): SipRequest | SipResponse {
  const result = parseMessage(text);
  if (!result.ok) throw new Error(`test message does not parse: ${result.error.reason}`);
  return result.message;
}

export function parseRequest(text: string): SipRequest {
  const message = parse(text);
  if (message.kind !== 'request') throw new Error('expected a request');
  return message;
}

export interface RequestOptions {
  readonly method?: string;
  /** Branch of the top Via; `null` for none (RFC 2543 style: then no branch parameter at all). */
  readonly branch?: string | null;
  readonly transport?: string;
  readonly sentBy?: string;
  readonly toTag?: string;
  readonly cseq?: number;
  readonly cseqMethod?: string;
  readonly callId?: string;
  readonly uri?: string;
}

/** A request as a peer would send it (sent-by 192.0.2.30:5070 by default). */
export function request(options: RequestOptions = {}): SipRequest {
  const method = options.method ?? 'INVITE';
  const branch = options.branch === null ? '' : `;branch=${options.branch ?? 'z9hG4bKpeer1'}`;
  const lines = [
    `${method} ${options.uri ?? 'sip:bob@192.0.2.10'} SIP/2.0`,
    `Via: SIP/2.0/${options.transport ?? 'UDP'} ${options.sentBy ?? '192.0.2.30:5070'}${branch}`,
    'Max-Forwards: 70',
    'From: <sip:alice@example.com>;tag=fromtag1',
    `To: <sip:bob@example.com>${options.toTag !== undefined ? `;tag=${options.toTag}` : ''}`,
    `Call-ID: ${options.callId ?? 'call-1@192.0.2.30'}`,
    `CSeq: ${options.cseq ?? 1} ${options.cseqMethod ?? method}`,
    'Contact: <sip:alice@192.0.2.30:5070>',
    'Content-Length: 0',
  ];
  return parseRequest(`${lines.join('\r\n')}\r\n\r\n`);
}

/** A request the TU hands the layer to send (no branch: the layer adds one). */
export function outgoing(method = 'INVITE', cseq = 1): SipRequest {
  const lines = [
    `${method} sip:bob@192.0.2.20 SIP/2.0`,
    'Via: SIP/2.0/UDP 192.0.2.10:5060',
    'Max-Forwards: 70',
    'From: <sip:b2b@192.0.2.10>;tag=ourtag',
    'To: <sip:bob@192.0.2.20>',
    'Call-ID: out-1@192.0.2.10',
    `CSeq: ${cseq} ${method}`,
    'Contact: <sip:b2b@192.0.2.10:5060>',
    'Content-Length: 0',
  ];
  return parseRequest(`${lines.join('\r\n')}\r\n\r\n`);
}

/** The response a peer would send to a request we sent. */
export function answer(sent: SipRequest, status: number, toTag = 'peertag'): SipResponse {
  return createResponse(sent, status, undefined, { toTag });
}
