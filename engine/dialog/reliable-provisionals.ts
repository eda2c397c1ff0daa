/** RFC 3262 reliable provisional responses, UAS side: RSeq numbering, retransmission until PRACK, RAck matching. */
import type { Random } from '../ports/random';
import type { SipRequest, SipResponse } from '../sip/message';
import type { TimerService } from '../timers/timer-service';
import { BackoffRetransmitter } from './backoff-retransmitter';

export interface ReliableProvisionalOptions {
  readonly timers: TimerService;
  readonly random: Random;
  readonly t1Ms: number;
  /** False on reliable transports (no retransmission, only the 64·T1 give-up). */
  readonly retransmit: boolean;
  readonly send: (response: SipResponse) => void;
  /** RFC 3262 §3: no PRACK within 64·T1 — the UAS SHOULD reject the INVITE with a 5xx. */
  readonly onGiveUp: () => void;
}

interface Outstanding {
  readonly response: SipResponse;
  readonly rseq: number;
  retransmitter: BackoffRetransmitter | undefined;
}

/** One per INVITE server transaction that sends reliable provisionals. */
export class ReliableProvisionals {
  private nextRseq: number;
  private current: Outstanding | undefined;
  private readonly queue: SipResponse[] = [];

  constructor(private readonly options: ReliableProvisionalOptions) {
    // RFC 3262 §3: the first RSeq is chosen between 1 and 2^31 - 1.
    this.nextRseq = 1 + (options.random.nextUint32() % 0x7fff_ffff);
  }

  /** Whether a reliable provisional is still waiting for its PRACK. */
  get awaitingPrack(): boolean {
    return this.current !== undefined;
  }

  /** Sends `response` (a 101–199) reliably, or queues it behind the unacknowledged one (RFC 3262 §3 MUST NOT send a second). */
  send(response: SipResponse): void {
    if (this.current !== undefined) {
      this.queue.push(response);
      return;
    }
    const rseq = this.nextRseq++;
    const reliable = response.withHeader('Require', '100rel').withHeader('RSeq', String(rseq));
    const outstanding: Outstanding = { response: reliable, rseq, retransmitter: undefined };
    this.current = outstanding;
    this.options.send(reliable);
    outstanding.retransmitter = new BackoffRetransmitter(this.options.timers, {
      firstIntervalMs: this.options.t1Ms,
      capIntervalMs: undefined,
      giveUpAfterMs: 64 * this.options.t1Ms,
      retransmit: this.options.retransmit,
      resend: () => this.options.send(reliable),
      onGiveUp: () => {
        this.stop();
        this.options.onGiveUp();
      },
    });
  }

  /** Matches a PRACK by RAck (RFC 3262 §3); true when it acknowledged the outstanding response. */
  onPrack(prack: SipRequest): boolean {
    const rack = prack.rack;
    const current = this.current;
    if (rack === undefined || current === undefined) return false;
    const cseq = current.response.cseq;
    if (rack.rseq !== current.rseq || rack.cseq !== cseq.seq || rack.method.toUpperCase() !== cseq.method) return false;
    current.retransmitter?.stop();
    this.current = undefined;
    const next = this.queue.shift();
    if (next !== undefined) this.send(next);
    return true;
  }

  /** The final response went out: stop retransmitting and drop what is queued. */
  stop(): void {
    this.current?.retransmitter?.stop();
    this.current = undefined;
    this.queue.length = 0;
  }
}

/**
 * UAC side (RFC 3262 §4): per early dialog, the RSeq of the last reliable provisional PRACKed.
 * A first one sets it; later ones must be exactly one more — anything else is a retransmission
 * or out of order and is not passed up or PRACKed again.
 */
export class ReliableProvisionalTracker {
  private lastRseq: number | undefined;

  accept(response: SipResponse): 'prack' | 'ignore' {
    const rseq = response.rseq;
    if (rseq === undefined) return 'ignore';
    if (this.lastRseq !== undefined && rseq !== this.lastRseq + 1) return 'ignore';
    this.lastRseq = rseq;
    return 'prack';
  }
}

/** Whether a provisional response asks for reliability (RFC 3262 §4: Require: 100rel with RSeq). */
export function isReliableProvisional(response: SipResponse): boolean {
  return response.status > 100 && response.status < 200 && response.require.some((tag) => tag.toLowerCase() === '100rel') && response.rseq !== undefined;
}
