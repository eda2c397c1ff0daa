/**
 * The UAC side of a dialog-creating INVITE (RFC 3261 §13.2): early dialogs per To tag from a forking
 * downstream (§12.1.2), PRACK for reliable provisionals (RFC 3262 §4), ACK for every 2xx and the
 * first 2xx wins — later ones are ACKed and sent BYE (§13.2.2.4), CANCEL after a provisional (§9.1).
 */
import { createCancel } from '../sip';
import type { SipRequest, SipResponse } from '../sip/message';
import type { Destination } from '../transport/transport-layer';
import type { Dialog } from './dialog';
import { createUacDialog, updateUacDialogFromResponse } from './dialog-create';
import type { InviteSession } from './invite-session';
import { ReliableProvisionalTracker, isReliableProvisional } from './reliable-provisionals';
import type { SessionServices } from './session-types';
import type { UaClientTransaction } from './ua-transactions';

export type OutgoingInviteState = 'calling' | 'proceeding' | 'accepted' | 'failed';

export interface OutgoingInviteHandler {
  /** A 1xx; `session` is the early dialog when the response carried a To tag. */
  onProgress?(response: SipResponse, session: InviteSession | undefined): void;
  /** The first 2xx (already ACKed). */
  onAccepted?(session: InviteSession, response: SipResponse): void;
  /** A final non-2xx, or a synthesised 408/503 when no response came (§8.1.3.1), or 487 after our CANCEL. */
  onFailed?(status: number, reason: string, response: SipResponse | undefined): void;
}

interface Fork {
  readonly session: InviteSession;
  readonly tracker: ReliableProvisionalTracker;
}

export class OutgoingInvite {
  private current: OutgoingInviteState = 'calling';
  private readonly forks = new Map<string, Fork>();
  private winner: InviteSession | undefined;
  private clientTx: UaClientTransaction | undefined;
  private cancelRequested = false;
  private cancelSent = false;

  constructor(
    readonly request: SipRequest,
    private readonly destination: Destination,
    private readonly services: SessionServices,
    private readonly localContact: string,
    private readonly makeSession: (dialog: Dialog) => InviteSession,
    readonly handler: OutgoingInviteHandler,
    private readonly onDone: (invite: OutgoingInvite) => void,
  ) {}

  get state(): OutgoingInviteState {
    return this.current;
  }

  get session(): InviteSession | undefined {
    return this.winner;
  }

  /** Early and confirmed sessions by remote tag, in the order their first response arrived. */
  get sessions(): readonly InviteSession[] {
    return [...this.forks.values()].map((fork) => fork.session);
  }

  start(): void {
    this.clientTx = this.services.transactions.sendRequest(this.request, this.destination, {
      onResponse: (response) => this.onResponse(response),
      onFailure: (status, reason) => this.fail(status, reason, undefined),
      onTerminated: () => this.finish(),
    });
  }

  /**
   * The INVITE client transaction is gone (after Timer M for a 2xx, RFC 6026): early dialogs of
   * forks that never answered 2xx end now, so a late 2xx from one of them can still be ACKed and BYEd until then.
   */
  private finish(): void {
    for (const fork of this.forks.values()) if (fork.session.dialog.state === 'early') fork.session.end('forked-loser');
    this.onDone(this);
  }

  /** §9.1: CANCEL only after a provisional arrived; before that it is sent when the first one does. */
  cancel(): void {
    if (this.current === 'accepted' || this.current === 'failed') return;
    this.cancelRequested = true;
    if (this.current === 'proceeding') this.sendCancel();
  }

  onResponse(response: SipResponse): void {
    if (response.status < 200) this.onProvisional(response);
    else if (response.status < 300) this.on2xx(response);
    else this.fail(response.status, response.reason, response);
  }

  private onProvisional(response: SipResponse): void {
    if (this.current === 'calling') this.transition('proceeding');
    if (this.cancelRequested) this.sendCancel();
    const fork = response.status > 100 ? this.forkFor(response) : undefined;
    if (fork !== undefined && fork.session.dialog.state === 'early') {
      updateUacDialogFromResponse(fork.session.dialog, response);
      if (isReliableProvisional(response)) {
        // RFC 3262 §4: PRACK each new reliable provisional once; retransmissions and out-of-order ones are not passed up.
        if (fork.tracker.accept(response) === 'ignore') return;
        const rack = `${response.rseq ?? 0} ${response.cseq.seq} ${response.cseq.method}`;
        fork.session.request('PRACK', { headers: [['RAck', rack]] });
      }
    }
    if (this.current === 'proceeding') this.handler.onProgress?.(response, fork?.session);
  }

  private on2xx(response: SipResponse): void {
    const known = response.toTag === undefined ? undefined : this.forks.get(response.toTag);
    if (known !== undefined && known.session.dialog.state !== 'early') {
      known.session.onRetransmitted2xx(response);
      return;
    }
    const fork = known ?? this.forkFor(response);
    if (fork === undefined) return;
    const session = fork.session;
    updateUacDialogFromResponse(session.dialog, response);
    session.ack2xx(response.cseq.seq);
    if (this.winner !== undefined || this.cancelRequested || this.current === 'failed') {
      // §13.2.2.4: every 2xx is ACKed; a second dialog we do not want is ended with BYE.
      session.bye();
      if (this.current !== 'accepted' && this.current !== 'failed') this.fail(487, 'Request Terminated', undefined);
      return;
    }
    this.winner = session;
    this.transition('accepted');
    this.handler.onAccepted?.(session, response);
    session.handler.onConfirmed?.(session);
  }

  private fail(status: number, reason: string, response: SipResponse | undefined): void {
    if (this.current === 'accepted' || this.current === 'failed') return;
    this.transition('failed');
    for (const fork of this.forks.values()) if (fork.session.dialog.state === 'early') fork.session.end(this.cancelRequested ? 'cancelled' : 'rejected');
    this.handler.onFailed?.(status, reason, response);
  }

  private forkFor(response: SipResponse): Fork | undefined {
    const tag = response.toTag;
    if (tag === undefined) return undefined;
    const existing = this.forks.get(tag);
    if (existing !== undefined) return existing;
    const dialog = createUacDialog(this.request, response, { localContact: this.localContact });
    if (dialog === undefined) return undefined;
    const fork: Fork = { session: this.makeSession(dialog), tracker: new ReliableProvisionalTracker() };
    this.forks.set(tag, fork);
    return fork;
  }

  private sendCancel(): void {
    if (this.cancelSent || this.clientTx === undefined) return;
    this.cancelSent = true;
    this.services.transactions.sendRequest(createCancel(this.clientTx.request), this.destination, {
      onResponse: () => undefined,
      onFailure: () => undefined,
    });
  }

  private transition(to: OutgoingInviteState): void {
    const from = this.current;
    switch (from) {
      case 'calling':
      case 'proceeding':
        this.current = to;
        return;
      case 'accepted':
      case 'failed':
        throw new Error(`outgoing INVITE ${from} cannot become ${to}`);
      default: {
        const never: never = from;
        throw new Error(`unknown state ${String(never)}`);
      }
    }
  }
}
