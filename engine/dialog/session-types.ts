/** The types an INVITE dialog usage shares with its user and with the UA core (RFC 3261 §13–15). */
import type { Logger } from '../ports/logger';
import type { Random } from '../ports/random';
import type { SipRequest, SipResponse } from '../sip/message';
import type { TimerService } from '../timers/timer-service';
import type { NextHopResolver } from './next-hop';
import type { BodyPart } from './request-factory';
import type { UaTransactions } from './ua-transactions';
import type { InviteSession } from './invite-session';

export type SessionEndReason =
  | 'bye-received' | 'bye-sent' | 'ack-timeout' | 'rejected' | 'cancelled' | 'forked-loser' | 'dialog-gone' | 'failed';

/** Outcome of a request we sent: the final response, or a synthesised 408/503 (§8.1.3.1) without one. */
export interface RequestResult {
  readonly status: number;
  readonly reason: string;
  readonly response: SipResponse | undefined;
}

export interface ReplyOptions {
  readonly reason?: string;
  readonly headers?: ReadonlyArray<readonly [string, string]>;
  readonly body?: BodyPart;
}

/** How the dialog user answers a request passed to it. */
export type Reply = (status: number, options?: ReplyOptions) => void;

/** The dialog user: what the application (later, a B2B entity) hears about one INVITE dialog. */
export interface SessionHandler {
  /** UAS: the ACK for our 2xx arrived; UAC: we ACKed the 2xx. */
  onConfirmed?(session: InviteSession): void;
  onTerminated?(session: InviteSession, reason: SessionEndReason): void;
  /** A re-INVITE passed glare and CSeq checks; reply once (default: 200 without a body). */
  onReinvite?(session: InviteSession, request: SipRequest, reply: Reply): void;
  /** UPDATE, INFO, MESSAGE, NOTIFY, REFER inside the dialog; reply once (default: 200, REFER 603). */
  onRequest?(session: InviteSession, request: SipRequest, reply: Reply): void;
}

/** What a session needs from the core that owns it. */
export interface SessionServices {
  readonly timers: TimerService;
  readonly random: Random;
  readonly t1Ms: number;
  readonly t2Ms: number;
  readonly transactions: UaTransactions;
  readonly resolve: NextHopResolver;
  readonly logger: Logger;
  /** The session has ended: the core drops it from its dialog table. */
  sessionEnded(session: InviteSession): void;
}

/** Whether the message came over a reliable transport, read from its top Via (§18.1.1 transport token). */
export function viaIsReliable(request: SipRequest): boolean {
  const transport = request.topVia.transport.toUpperCase();
  return transport !== 'UDP' && transport !== 'DTLS';
}
