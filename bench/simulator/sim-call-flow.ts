/**
 * The simulator benchmark's workload (RFC 3261 §17.1.1, §17.2.1, §13.3.1.4; RFC 6026): a UAC that starts
 * INVITE client transactions and ACKs every 2xx, and a UAS core that rings after 100 ms, answers after 1 s
 * (200, or 486 for one call in ten) and retransmits its 2xx until the ACK arrives.
 */
import { createResponse, parseMessage } from '../../engine/sip';
import type { SipRequest, SipResponse } from '../../engine/sip/message';
import type { TimerId, TimerService } from '../../engine/timers/timer-service';
import { defaultTransactionConfig } from '../../engine/transaction/transaction-config';
import { TransactionLayer } from '../../engine/transaction/transaction-layer';
import type { ClientTransaction, ServerTransaction, TransactionUser } from '../../engine/transaction/transaction-types';
import type { Destination } from '../../engine/transport/transport-layer';

export const UAC_ADDRESS = '10.0.0.1';
export const UAS_ADDRESS = '10.0.0.2';
const UAS: Destination = { protocol: 'udp', address: { host: UAS_ADDRESS, port: 5060 } };
const { t1Ms, t2Ms } = defaultTransactionConfig;

/** One call in this many is rejected with 486 instead of answered with 200. */
export const BUSY_EVERY = 10;

/** What one client transaction saw. */
interface CallRecord {
  final: number | undefined;
  failure: string | undefined;
  terminations: number;
}

export interface UacOutcomes {
  readonly started: number;
  /** Transactions that reached Terminated exactly once with a final response or a failure. */
  readonly completed: number;
  readonly finals: Readonly<Record<string, number>>;
  readonly timeouts: number;
  readonly transportErrors: number;
  /** ACKs sent for 2xx (one per 2xx passed up, retransmissions included). */
  readonly acksSent: number;
  /** Human-readable problems: transactions that never ended, ended twice, or ended with nothing. */
  readonly problems: readonly string[];
}

/** The UAC: starts INVITE client transactions and ACKs each 2xx outside them (§13.2.2.4). */
export class UacApp implements TransactionUser {
  layer!: TransactionLayer;
  private readonly records: CallRecord[] = [];
  private acksSent = 0;

  start(n: number): void {
    const record: CallRecord = { final: undefined, failure: undefined, terminations: 0 };
    this.records.push(record);
    this.layer.sendRequest(inviteFor(n), UAS, {
      onResponse: (response, tx) => {
        if (response.status < 200) return;
        record.final ??= response.status;
        if (response.status < 300) {
          this.acksSent++;
          this.layer.sendAck(ackFor(tx, response), UAS);
        }
      },
      onTimeout: (_tx, timer) => {
        record.failure ??= `timeout ${timer}`;
      },
      onTransportError: (_tx, reason) => {
        record.failure ??= `transport ${reason}`;
      },
      onTerminated: () => {
        record.terminations++;
      },
    });
  }

  outcomes(): UacOutcomes {
    const finals: Record<string, number> = {};
    const problems: string[] = [];
    let completed = 0;
    let timeouts = 0;
    let transportErrors = 0;
    this.records.forEach((r, i) => {
      if (r.final !== undefined) finals[r.final] = (finals[r.final] ?? 0) + 1;
      if (r.failure?.startsWith('timeout') === true) timeouts++;
      if (r.failure?.startsWith('transport') === true) transportErrors++;
      if (r.terminations !== 1) problems.push(`call ${i + 1}: terminated ${r.terminations} times`);
      else if (r.final === undefined && r.failure === undefined) problems.push(`call ${i + 1}: ended with neither a final response nor a failure`);
      else completed++;
    });
    return { started: this.records.length, completed, finals, timeouts, transportErrors, acksSent: this.acksSent, problems };
  }

  onRequest(): void {}
  onStrayAck(): void {}
  onStrayResponse(): void {}
}

/** A 2xx the UAS core retransmits until its ACK arrives (§13.3.1.4). */
interface PendingAnswer {
  readonly tx: ServerTransaction;
  readonly response: SipResponse;
  intervalMs: number;
  elapsedMs: number;
  timer: TimerId;
}

export interface UasOutcomes {
  readonly invites: number;
  readonly terminated: number;
  readonly answered: number;
  readonly rejected: number;
  /** 2xx whose ACK arrived. */
  readonly acked: number;
  /** 2xx given up on after 64·T1 without an ACK (a real UAS would then send BYE). */
  readonly unacked: number;
  /** ACKs for a call already acknowledged (the UAC ACKs every 2xx retransmission it sees). */
  readonly extraAcks: number;
}

/** The UAS core: rings at 100 ms, answers at 1 s, and retransmits 2xx itself (RFC 6026 §8.5). */
export class UasCore implements TransactionUser {
  private readonly pending = new Map<string, PendingAnswer>();
  private invites = 0;
  private terminated = 0;
  private answered = 0;
  private rejected = 0;
  private acked = 0;
  private unacked = 0;
  private extraAcks = 0;
  private readonly seen = new Set<ServerTransaction>();

  constructor(private readonly timers: TimerService) {}

  onRequest(tx: ServerTransaction, request: SipRequest): void {
    if (request.method !== 'INVITE') {
      tx.respond(createResponse(request, 405));
      return;
    }
    this.invites++;
    this.seen.add(tx);
    const toTag = `uas${this.invites}`;
    const busy = request.uri.scheme === 'sip' && 'user' in request.uri && request.uri.user === 'busy';
    this.timers.schedule(100, () => tx.respond(createResponse(request, 180, undefined, { toTag })));
    this.timers.schedule(1000, () => {
      if (busy) {
        this.rejected++;
        tx.respond(createResponse(request, 486, undefined, { toTag }));
        return;
      }
      const response = createResponse(request, 200, undefined, { toTag });
      if (!tx.respond(response)) return;
      this.answered++;
      const answer: PendingAnswer = { tx, response, intervalMs: t1Ms, elapsedMs: 0, timer: 0 };
      answer.timer = this.timers.schedule(t1Ms, () => this.retransmit(request.callId, answer));
      this.pending.set(request.callId, answer);
    });
  }

  /** §13.3.1.4: retransmit at T1, doubling up to T2, until the ACK or 64·T1. */
  private retransmit(callId: string, answer: PendingAnswer): void {
    answer.elapsedMs += answer.intervalMs;
    if (answer.elapsedMs >= 64 * t1Ms || !answer.tx.respond(answer.response)) {
      this.pending.delete(callId);
      this.unacked++;
      return;
    }
    answer.intervalMs = Math.min(answer.intervalMs * 2, t2Ms);
    answer.timer = this.timers.schedule(answer.intervalMs, () => this.retransmit(callId, answer));
  }

  onStrayAck(ack: SipRequest): void {
    const answer = this.pending.get(ack.callId);
    if (answer === undefined) {
      this.extraAcks++;
      return;
    }
    this.timers.cancel(answer.timer);
    this.pending.delete(ack.callId);
    this.acked++;
  }

  onStrayResponse(): void {}

  onServerTransactionTerminated(tx: ServerTransaction): void {
    if (this.seen.delete(tx)) this.terminated++;
  }

  outcomes(): UasOutcomes {
    return {
      invites: this.invites, terminated: this.terminated, answered: this.answered, rejected: this.rejected,
      acked: this.acked, unacked: this.unacked, extraAcks: this.extraAcks,
    };
  }
}

function inviteFor(n: number): SipRequest {
  const user = n % BUSY_EVERY === 0 ? 'busy' : 'callee';
  const text = [
    `INVITE sip:${user}@${UAS_ADDRESS} SIP/2.0`,
    `Via: SIP/2.0/UDP ${UAC_ADDRESS}:5060`,
    'Max-Forwards: 70',
    `From: <sip:uac@${UAC_ADDRESS}>;tag=f${n}`,
    `To: <sip:${user}@${UAS_ADDRESS}>`,
    `Call-ID: call-${n}@${UAC_ADDRESS}`,
    'CSeq: 1 INVITE',
    `Contact: <sip:uac@${UAC_ADDRESS}:5060>`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const parsed = parseMessage(text);
  if (!parsed.ok || parsed.message.kind !== 'request') throw new Error(`bench INVITE does not parse: ${parsed.ok ? 'not a request' : parsed.error.reason}`);
  return parsed.message;
}

/** §13.2.2.4: the ACK for a 2xx carries the INVITE's CSeq number, the 2xx's To tag and a new branch. */
function ackFor(tx: ClientTransaction, response: SipResponse): SipRequest {
  return tx.request.withMethod('ACK')
    .withHeaderValues('CSeq', [`${tx.request.cseq.seq} ACK`])
    .withHeaderValues('To', [response.header('to') ?? ''])
    .withHeaderValues('Via', [`SIP/2.0/UDP ${UAC_ADDRESS}:5060`]);
}
