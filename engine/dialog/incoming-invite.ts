/**
 * The UAS side of a dialog-creating INVITE (RFC 3261 §13.3): provisionals (reliable per RFC 3262
 * when asked), early dialog on the first tagged 1xx (§12.1.1), 2xx with retransmission (§13.3.1.4),
 * rejection, and CANCEL → 487 (§9.2).
 */
import type { SipRequest } from '../sip/message';
import { createUasDialog } from './dialog-create';
import type { InviteSession } from './invite-session';
import { ReliableProvisionals } from './reliable-provisionals';
import { buildResponse } from './responses';
import type { ReplyOptions, SessionServices } from './session-types';
import { viaIsReliable } from './session-types';
import type { UaServerTransaction } from './ua-transactions';

export type IncomingInviteState = 'proceeding' | 'accepted' | 'rejected' | 'cancelled';

export class IncomingInviteError extends Error {
  constructor(readonly code: 'already-answered' | 'bad-status', message: string) {
    super(message);
    this.name = 'IncomingInviteError';
  }
}

export interface ProgressOptions extends ReplyOptions {
  /** Send reliably (RFC 3262); forced when the INVITE has `Require: 100rel`, ignored when the peer lacks support. */
  readonly reliable?: boolean;
}

export class IncomingInvite {
  private current: IncomingInviteState = 'proceeding';
  private sessionValue: InviteSession | undefined;
  private reliableValue: ReliableProvisionals | undefined;
  readonly localTag: string;
  /** Told when the caller cancelled (we already answered 487). */
  onCancelled: (() => void) | undefined;
  /** Told once when the INVITE got its final answer (the core stops tracking it for CANCEL). */
  onAnswered: (() => void) | undefined;

  constructor(
    readonly serverTx: UaServerTransaction,
    readonly request: SipRequest,
    private readonly services: SessionServices,
    private readonly localContact: string,
    private readonly newSession: (invite: IncomingInvite, status: number) => InviteSession | undefined,
  ) {
    this.localTag = services.random.token(10);
  }

  get state(): IncomingInviteState {
    return this.current;
  }

  get session(): InviteSession | undefined {
    return this.sessionValue;
  }

  get requires100rel(): boolean {
    return this.request.require.some((tag) => tag.toLowerCase() === '100rel');
  }

  get supports100rel(): boolean {
    return this.requires100rel || this.request.supported.some((tag) => tag.toLowerCase() === '100rel');
  }

  /** Sends a 101–199 with our To tag, creating the early dialog on the first one (§12.1.1). */
  progress(status = 180, options: ProgressOptions = {}): void {
    if (status <= 100 || status >= 200) throw new IncomingInviteError('bad-status', `progress() takes 101–199, got ${status}`);
    if (this.current !== 'proceeding') return;
    const session = this.ensureSession(status);
    const response = buildResponse(this.request, status, { ...options, toTag: this.localTag, contact: this.localContact });
    // RFC 3262 §3: with Require: 100rel in the INVITE, provisionals MUST be sent reliably.
    const reliable = this.requires100rel || (options.reliable === true && this.supports100rel);
    if (!reliable || session === undefined) {
      this.serverTx.respond(response);
      return;
    }
    this.reliableProvisionals(session).send(response);
  }

  /** Sends a 2xx (default 200), confirms the dialog and returns its session. */
  accept(options: ReplyOptions & { readonly status?: number } = {}): InviteSession | undefined {
    const status = options.status ?? 200;
    if (status < 200 || status >= 300) throw new IncomingInviteError('bad-status', `accept() takes 2xx, got ${status}`);
    if (this.current !== 'proceeding') throw new IncomingInviteError('already-answered', `INVITE already ${this.current}`);
    const session = this.ensureSession(status);
    if (session === undefined) {
      this.reject(400, { reason: 'Missing Contact' });
      return undefined;
    }
    this.transition('accepted');
    this.reliableValue?.stop();
    session.prackHandler = undefined;
    session.earlyByeHandler = undefined;
    if (session.dialog.state === 'early') session.dialog.transition('confirmed', 'final-2xx');
    const response = buildResponse(this.request, status, { ...options, toTag: this.localTag, contact: this.localContact });
    session.sendInvite2xx(this.serverTx, response);
    return session;
  }

  /** Sends a final non-2xx; the early dialog, if any, ends (§12.3). */
  reject(status: number, options: ReplyOptions = {}): void {
    if (status < 300 || status > 699) throw new IncomingInviteError('bad-status', `reject() takes 300–699, got ${status}`);
    if (this.current !== 'proceeding') return;
    this.transition('rejected');
    this.finishUnaccepted(status, options, 'rejected');
  }

  /** §9.2: a CANCEL (or §15.1.2 a BYE in the early dialog) for an INVITE not yet answered finally gets 487. */
  onCancel(): void {
    if (this.current !== 'proceeding') return;
    this.transition('cancelled');
    this.finishUnaccepted(487, {}, 'cancelled');
    this.onCancelled?.();
  }

  private finishUnaccepted(status: number, options: ReplyOptions, reason: 'rejected' | 'cancelled'): void {
    this.reliableValue?.stop();
    this.serverTx.respond(buildResponse(this.request, status, { ...options, toTag: this.localTag }));
    this.sessionValue?.end(reason);
  }

  private ensureSession(status: number): InviteSession | undefined {
    if (this.sessionValue === undefined) {
      const session = this.newSession(this, status);
      if (session !== undefined) session.earlyByeHandler = () => this.onCancel();
      this.sessionValue = session;
    }
    return this.sessionValue;
  }

  private reliableProvisionals(session: InviteSession): ReliableProvisionals {
    if (this.reliableValue === undefined) {
      const reliable = new ReliableProvisionals({
        timers: this.services.timers,
        random: this.services.random,
        t1Ms: this.services.t1Ms,
        retransmit: !viaIsReliable(this.request),
        send: (response) => this.serverTx.respond(response),
        // RFC 3262 §3: no PRACK within 64·T1 — the UAS SHOULD reject the INVITE with a 5xx.
        onGiveUp: () => this.reject(504, { reason: 'No PRACK' }),
      });
      this.reliableValue = reliable;
      session.prackHandler = (prack) => reliable.onPrack(prack);
    }
    return this.reliableValue;
  }

  private transition(to: IncomingInviteState): void {
    const from = this.current;
    switch (from) {
      case 'proceeding':
        this.current = to;
        this.onAnswered?.();
        return;
      case 'accepted':
      case 'rejected':
      case 'cancelled':
        throw new IncomingInviteError('already-answered', `INVITE ${from} cannot become ${to}`);
      default: {
        const never: never = from;
        throw new IncomingInviteError('bad-status', `unknown state ${String(never)}`);
      }
    }
  }
}

export function createUasSession(
  invite: IncomingInvite, status: number, contact: string, make: (dialog: NonNullable<ReturnType<typeof createUasDialog>>) => InviteSession,
): InviteSession | undefined {
  const dialog = createUasDialog(invite.request, status, { localTag: invite.localTag, localContact: contact });
  return dialog === undefined ? undefined : make(dialog);
}
