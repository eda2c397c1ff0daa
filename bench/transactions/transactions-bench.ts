/**
 * Transaction-matching benchmark (RFC 3261 §17.1.3, §17.2.3): with N live client and N live server
 * transactions, the cost of matching a response to its client transaction and of absorbing a
 * retransmitted request, through the real TransactionLayer and as bare key-build + Map lookup.
 */
import { parseMessage } from '../../engine/sip';
import type { SipRequest, SipResponse } from '../../engine/sip/message';
import { ClockTimerService } from '../../engine/timers/clock-timer-service';
import { ManualClock } from '../../engine/timers/manual-clock';
import type { Destination, ReceiveContext, SendOutcome, TransportLayer } from '../../engine/transport/transport-layer';
import { TransactionLayer } from '../../engine/transaction/transaction-layer';
import { responseKey, serverTransactionKey } from '../../engine/transaction/transaction-key';
import type { ClientTransactionUser, TransactionUser } from '../../engine/transaction/transaction-types';
import { SeededRandom } from '../../simulator/prng';
import { measure, type Measurement, type MeasureOptions } from '../measure';

export interface TransactionBenchRow {
  readonly live: number;
  readonly operation: string;
  readonly nsPerOp: number;
  readonly cpuNsPerOp: number;
  readonly opsPerSec: number;
  readonly heapBytesPerOp: number | null;
}

/** A transport layer that sends nothing: the bench measures the transaction layer alone. */
class NullTransportLayer implements TransportLayer {
  sends = 0;
  sendRequest(request: SipRequest, destination: Destination): { readonly outcome: SendOutcome; readonly sent: SipRequest } {
    this.sends++;
    return { outcome: { ok: true, protocol: destination.protocol, destination: destination.address }, sent: request };
  }
  sendResponse(_response: SipResponse, context: ReceiveContext): SendOutcome {
    this.sends++;
    return { ok: true, protocol: context.protocol, destination: context.source };
  }
  resend(): void {
    this.sends++;
  }
  isReliable(): boolean {
    return false;
  }
}

const DEST: Destination = { protocol: 'udp', address: { host: '192.0.2.20', port: 5060 } };
const CONTEXT: ReceiveContext = { protocol: 'udp', local: { host: '192.0.2.10', port: 5060 }, source: { host: '192.0.2.30', port: 5060 } };
const POOL = 4096;

function parse(text: string): SipRequest | SipResponse {
  const result = parseMessage(text);
  if (!result.ok) throw new Error(result.error.reason);
  return result.message;
}

function requestText(method: string, branch: string, n: number): string {
  return [
    `${method} sip:bob@192.0.2.10 SIP/2.0`, `Via: SIP/2.0/UDP 192.0.2.30:5060;branch=${branch}`, 'Max-Forwards: 70',
    `From: <sip:alice@example.com>;tag=f${n}`, 'To: <sip:bob@example.com>', `Call-ID: c${n}@192.0.2.30`, `CSeq: 1 ${method}`,
    'Content-Length: 0', '', '',
  ].join('\r\n');
}

function responseText(branch: string, n: number): string {
  return [
    'SIP/2.0 180 Ringing', `Via: SIP/2.0/UDP 192.0.2.10:5060;branch=${branch}`,
    'From: <sip:b2b@192.0.2.10>;tag=ourtag', `To: <sip:bob@192.0.2.20>;tag=t${n}`, `Call-ID: out-${n}@192.0.2.10`, 'CSeq: 1 INVITE',
    'Content-Length: 0', '', '',
  ].join('\r\n');
}

function outgoingInvite(n: number): SipRequest {
  return parse([
    'INVITE sip:bob@192.0.2.20 SIP/2.0', 'Via: SIP/2.0/UDP 192.0.2.10:5060', 'Max-Forwards: 70',
    'From: <sip:b2b@192.0.2.10>;tag=ourtag', 'To: <sip:bob@192.0.2.20>', `Call-ID: out-${n}@192.0.2.10`, 'CSeq: 1 INVITE',
    'Content-Length: 0', '', '',
  ].join('\r\n')) as SipRequest;
}

export interface Population {
  readonly layer: TransactionLayer;
  readonly timers: ClockTimerService;
  /** 180s for random live client transactions (already in Proceeding, so a 180 only passes up). */
  readonly responses: readonly SipResponse[];
  /** Retransmissions of random live server requests (NISTs in Trying: absorbed, nothing sent). */
  readonly retransmissions: readonly SipRequest[];
  /** The same keys in a bare Map, for the lookup-only figure. */
  readonly clientKeys: Map<string, number>;
  readonly branchKeys: Map<string, number>;
  readonly serverKeys: Map<string, number>;
}

/** N live ICTs in Proceeding and N live NISTs in Trying, on a clock that never moves. */
export function populate(live: number, seed: number): Population {
  const clock = new ManualClock(0);
  const timers = new ClockTimerService(clock, { onError: (error) => { throw error; } });
  const random = SeededRandom.fromSeed(seed);
  const tu: TransactionUser = { onRequest: () => undefined, onStrayAck: () => undefined, onStrayResponse: () => undefined };
  const layer = new TransactionLayer({
    transport: new NullTransportLayer(), timers, random: random.fork('branches'), user: tu,
    config: { maxLiveTransactions: 4 * live, timerCMs: undefined },
  });
  const user: ClientTransactionUser = { onResponse: () => undefined, onTimeout: () => undefined, onTransportError: () => undefined };
  const branches: string[] = [];
  const clientKeys = new Map<string, number>();
  const branchKeys = new Map<string, number>();
  const serverKeys = new Map<string, number>();
  for (let i = 0; i < live; i++) {
    const tx = layer.sendRequest(outgoingInvite(i), DEST, user);
    branches.push(tx.branch);
    clientKeys.set(tx.key, i);
    branchKeys.set(tx.branch, i);
    const request = parse(requestText('OPTIONS', `z9hG4bKsrv${i}x${random.token(8)}`, i)) as SipRequest;
    layer.onRequest(request, CONTEXT);
    serverKeys.set(serverTransactionKey(request), i);
  }
  const pick = SeededRandom.fromSeed(seed + 1);
  const responses: SipResponse[] = [];
  const retransmissions: SipRequest[] = [];
  const serverRequests = [...serverKeys.keys()];
  for (let j = 0; j < POOL; j++) {
    const n = Math.floor(pick.nextFloat() * live);
    const response = parse(responseText(branches[n] as string, n)) as SipResponse;
    layer.onResponse(response, CONTEXT); // Calling -> Proceeding
    responses.push(response);
    const m = Math.floor(pick.nextFloat() * live);
    const branch = (serverRequests[m] as string).split(' ')[0] as string;
    retransmissions.push(parse(requestText('OPTIONS', branch, m)) as SipRequest);
  }
  // Touch the lazily parsed fields once, as the transport layer's Via check does on arrival.
  for (const r of responses) void responseKey(r);
  for (const r of retransmissions) void serverTransactionKey(r);
  return { layer, timers, responses, retransmissions, clientKeys, branchKeys, serverKeys };
}

export async function runTransactionBench(options: { readonly quick: boolean }, onRow: (row: TransactionBenchRow) => void): Promise<TransactionBenchRow[]> {
  const sizes = options.quick ? [10_000] : [10_000, 100_000];
  const measureOptions: MeasureOptions = options.quick
    ? { warmupMs: 100, rounds: 5, roundMs: 100, allocationSamples: 5, allocationBatch: 1000 }
    : { warmupMs: 300, rounds: 9, roundMs: 300, allocationSamples: 9, allocationBatch: 2000 };
  const rows: TransactionBenchRow[] = [];
  for (const live of sizes) {
    const p = populate(live, 7);
    if (p.layer.liveCount !== 2 * live) throw new Error(`expected ${2 * live} live transactions, have ${p.layer.liveCount}`);
    let i = 0;
    const next = (): number => (i = (i + 1) & (POOL - 1));
    const ops: Array<[string, () => unknown]> = [
      ['response → client tx (layer.onResponse, 180 in Proceeding)', () => p.layer.onResponse(p.responses[next()] as SipResponse, CONTEXT)],
      ['retransmitted request absorbed (layer.onRequest, NIST Trying)', () => p.layer.onRequest(p.retransmissions[next()] as SipRequest, CONTEXT)],
      // What the layer does (branch-keyed Map, cached string hash) against the composite-string key it does not use.
      ['bare Map.get by branch (what the layer does)', () => p.branchKeys.get((p.responses[next()] as SipResponse).topVia.branch as string)],
      ['bare composite client key (branch+method) + Map.get', () => p.clientKeys.get(responseKey(p.responses[next()] as SipResponse) as string)],
      ['bare composite server key (branch+sent-by+method) + Map.get', () => p.serverKeys.get(serverTransactionKey(p.retransmissions[next()] as SipRequest))],
    ];
    for (const [operation, op] of ops) {
      const m: Measurement = await measure(op, measureOptions);
      const row = { live: 2 * live, operation, nsPerOp: m.nsPerOp, cpuNsPerOp: m.cpuNsPerOp, opsPerSec: m.opsPerSec, heapBytesPerOp: m.heapBytesPerOp };
      rows.push(row);
      onRow(row);
    }
    if (p.layer.liveCount !== 2 * live) throw new Error('the benchmark changed the live population');
  }
  return rows;
}
