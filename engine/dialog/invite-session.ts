/**
 * One INVITE dialog usage (RFC 3261 §13–15): the UAS 2xx retransmitted until ACK (§13.3.1.4),
 * the UAC ACK for 2xx re-sent on each retransmitted 2xx (§13.2.2.4), re-INVITE with glare retry
 * (§14.1), BYE (§15) and other in-dialog requests. Incoming in-dialog requests: `session-requests.ts`.
 */
import type { SipRequest, SipResponse } from '../sip/message';
import type { TimerId } from '../timers/timer-service';
import type { Destination } from '../transport/transport-layer';
import { BackoffRetransmitter } from './backoff-retransmitter';
import type { Dialog, DialogEvent } from './dialog';
import { buildInDialogRequest } from './in-dialog-request';
import { refreshTargetFromResponse } from './in-dialog-receive';
import { InviteGlare, glareRetryDelayMs } from './invite-glare';
import { requestFromParts, type BodyPart } from './request-factory';
import { handleInDialogRequest } from './session-requests';
import type { RequestResult, SessionEndReason, SessionHandler, SessionServices } from './session-types';
import { viaIsReliable } from './session-types';
import type { UaServerTransaction } from './ua-transactions';

export interface InDialogSendOptions {
  readonly body?: BodyPart;
  readonly headers?: ReadonlyArray<readonly [string, string]>;
}

const END_EVENTS: Readonly<Record<SessionEndReason, DialogEvent>> = {
  'bye-received': 'bye', 'bye-sent': 'bye', 'ack-timeout': 'ack-timeout', rejected: 'final-non-2xx',
  cancelled: 'cancelled', 'forked-loser': 'forked-loser', 'dialog-gone': 'local-end', failed: 'local-end',
};

export class InviteSession {
  handler: SessionHandler = {};
  readonly glare = new InviteGlare();
  /** Set by the UAS INVITE while it has reliable provisionals out (RFC 3262 §3). */
  prackHandler: ((prack: SipRequest) => boolean) | undefined;
  /** Set by the UAS INVITE while unanswered: a BYE in the early dialog makes it answer 487 (§15.1.2). */
  earlyByeHandler: (() => void) | undefined;
  private uas2xx: { readonly retransmitter: BackoffRetransmitter; readonly cseq: number } | undefined;
  private lastAck: { readonly ack: SipRequest; readonly destination: Destination; readonly cseq: number } | undefined;
  private retryTimer: TimerId | undefined;
  private byeAfterAck = false;
  private ended: SessionEndReason | undefined;

  constructor(readonly dialog: Dialog, readonly services: SessionServices, readonly ownsCallId: boolean) {}

  get endReason(): SessionEndReason | undefined {
    return this.ended;
  }

  get isEnded(): boolean {
    return this.ended !== undefined;
  }

  /** UAS: sends a 2xx to an INVITE and retransmits it until the ACK (§13.3.1.4). */
  sendInvite2xx(serverTx: UaServerTransaction, response: SipResponse): void {
    serverTx.respond(response);
    this.uas2xx?.retransmitter.stop();
    const { t1Ms, t2Ms, timers } = this.services;
    const retransmitter = new BackoffRetransmitter(timers, {
      firstIntervalMs: t1Ms,
      capIntervalMs: t2Ms,
      giveUpAfterMs: 64 * t1Ms,
      retransmit: !viaIsReliable(serverTx.request),
      resend: () => serverTx.respond(response),
      // §13.3.1.4: no ACK within 64·T1 — the dialog is confirmed but the session SHOULD end with BYE.
      onGiveUp: () => {
        this.uas2xx = undefined;
        this.sendBye('ack-timeout');
      },
    });
    this.uas2xx = { retransmitter, cseq: response.cseq.seq };
  }

  /** UAS: an ACK for one of our 2xx (stray at the transaction layer, §17.2.3). */
  onAck(ack: SipRequest): void {
    const pending = this.uas2xx;
    if (pending === undefined || ack.cseq.seq !== pending.cseq) return;
    pending.retransmitter.stop();
    this.uas2xx = undefined;
    if (this.byeAfterAck) {
      this.sendBye('bye-sent');
      return;
    }
    this.handler.onConfirmed?.(this);
  }

  /** UAC: ACKs a 2xx to our INVITE with CSeq `inviteCseq`; a retransmitted 2xx gets the same ACK again (§13.2.2.4). */
  ack2xx(inviteCseq: number, body?: BodyPart): void {
    const last = this.lastAck;
    if (last !== undefined && last.cseq === inviteCseq) {
      this.services.transactions.sendAck(last.ack, last.destination);
      return;
    }
    const { random, resolve } = this.services;
    const parts = buildInDialogRequest(this.dialog, 'ACK', random, { cseq: inviteCseq });
    const destination = resolve(parts.nextHop);
    if (destination === undefined) {
      this.services.logger.warn({ dialog: this.dialog.key }, 'no route for ACK');
      return;
    }
    const ack = requestFromParts(parts, random, body);
    this.lastAck = { ack, destination, cseq: inviteCseq };
    this.services.transactions.sendAck(ack, destination);
  }

  /** A 2xx that reached us again after its client transaction (or as a retransmission). */
  onRetransmitted2xx(response: SipResponse): void {
    if (this.lastAck !== undefined && this.lastAck.cseq === response.cseq.seq) this.ack2xx(response.cseq.seq);
  }

  /** Ends the call (§15); on the UAS before the ACK, waits for it or for the 2xx to time out (§15 MUST NOT). */
  bye(): void {
    if (this.ended !== undefined) return;
    if (this.uas2xx !== undefined) {
      this.byeAfterAck = true;
      return;
    }
    this.sendBye('bye-sent');
  }

  /** Sends a non-INVITE request inside the dialog (UPDATE, INFO, MESSAGE, NOTIFY, REFER, PRACK …). */
  request(method: string, options: InDialogSendOptions = {}, onResult?: (result: RequestResult) => void): void {
    if (this.ended !== undefined) throw new Error(`session ${this.dialog.key} has ended; cannot send ${method}`);
    this.send(method, options, (response) => {
      if (response.status >= 200) refreshTargetFromResponse(this.dialog, method, response);
    }, onResult);
  }

  /**
   * Sends a re-INVITE; on 491 retries after the §14.1 delay (once per call unless `retries` says more).
   * Returns false when another INVITE is in progress on the dialog (§14.1: wait for it).
   */
  reinvite(options: InDialogSendOptions = {}, onResult?: (result: RequestResult) => void, retries = 3): boolean {
    if (this.ended !== undefined || !this.glare.canSend()) return false;
    this.glare.outgoingStarted();
    let acked = false;
    this.send('INVITE', options, (response) => {
      if (response.status < 200) return;
      if (response.status < 300) {
        refreshTargetFromResponse(this.dialog, 'INVITE', response);
        this.ack2xx(response.cseq.seq);
        if (!acked) this.glare.outgoingFinished();
        acked = true;
      } else {
        this.glare.outgoingFinished();
      }
    }, (result) => {
      if (result.status === 491 && retries > 0 && this.ended === undefined) {
        const delayMs = glareRetryDelayMs(this.services.random, this.ownsCallId);
        this.retryTimer = this.services.timers.schedule(delayMs, () => {
          this.retryTimer = undefined;
          if (!this.reinvite(options, onResult, retries - 1)) onResult?.(result);
        });
        return;
      }
      if (result.response === undefined) this.glare.outgoingFinished();
      onResult?.(result);
    });
    return true;
  }

  /** Routes an incoming in-dialog request (not ACK) to the right handling. */
  onRequest(serverTx: UaServerTransaction, request: SipRequest): void {
    handleInDialogRequest(this, serverTx, request);
  }

  /** Ends the session locally without signalling (the caller already answered or signalled). */
  end(reason: SessionEndReason): void {
    if (this.ended !== undefined) return;
    this.ended = reason;
    this.uas2xx?.retransmitter.stop();
    this.uas2xx = undefined;
    if (this.retryTimer !== undefined) this.services.timers.cancel(this.retryTimer);
    this.retryTimer = undefined;
    this.prackHandler = undefined;
    this.earlyByeHandler = undefined;
    this.dialog.terminate(END_EVENTS[reason]);
    this.services.sessionEnded(this);
    this.handler.onTerminated?.(this, reason);
  }

  private sendBye(reason: SessionEndReason): void {
    if (this.ended !== undefined) return;
    this.send('BYE', {}, undefined, undefined);
    this.end(reason);
  }

  /** Builds, routes and sends one request; every final outcome reaches `onResult` exactly once. */
  private send(
    method: string,
    options: InDialogSendOptions,
    onEachResponse: ((response: SipResponse) => void) | undefined,
    onResult: ((result: RequestResult) => void) | undefined,
  ): void {
    const { random, resolve, transactions } = this.services;
    const parts = buildInDialogRequest(this.dialog, method, random, { headers: options.headers });
    const request = requestFromParts(parts, random, options.body);
    const destination = resolve(parts.nextHop);
    let done = false;
    const finish = (result: RequestResult): void => {
      if (done) return;
      done = true;
      // §12.2.1.2: a 481 or 408 to an in-dialog request SHOULD terminate the dialog.
      if ((result.status === 481 || result.status === 408) && method !== 'BYE') this.sendByeOrEnd(result.status);
      onResult?.(result);
    };
    if (destination === undefined) {
      this.services.timers.schedule(0, () => finish({ status: 503, reason: 'No Route To Target', response: undefined }));
      return;
    }
    transactions.sendRequest(request, destination, {
      onResponse: (response) => {
        onEachResponse?.(response);
        if (response.status >= 200) finish({ status: response.status, reason: response.reason, response });
      },
      onFailure: (status, reason) => finish({ status, reason, response: undefined }),
    });
  }

  private sendByeOrEnd(status: number): void {
    if (this.ended !== undefined) return;
    if (status === 481) this.end('dialog-gone');
    else this.sendBye('failed');
  }
}
