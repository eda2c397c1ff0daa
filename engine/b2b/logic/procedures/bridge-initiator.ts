/**
 * The bridge initiator's side of a bridge (opensips-b2b.md §1.4, §2.1 `notify`, §6.5 07–10): the RFC 3515
 * NOTIFYs (100 Trying at once, the new entity's final status later) and ending the initiator after a
 * success, once its final NOTIFY was answered so the BYE never overtakes it.
 */
import type { EntityReply, SentRequest } from '../../entities/entity-types';
import type { MediaProcedure, ProcedureHost } from '../scripted-types';
import type { Leg } from '../session';
import { alive, endLeg } from './bridge-steps';
import { sendReferNotify } from './refer-notify';

export class InitiatorLink {
  private finalSent = false;
  private notifyPending = false;
  private endDue = false;

  constructor(
    private readonly host: ProcedureHost,
    private readonly procedure: MediaProcedure,
    /** Undefined for MI / API bridges; the kept leg itself is never ended as initiator. */
    readonly leg: Leg | undefined,
    private readonly notify: boolean,
    private readonly referCseq: number | undefined,
    private readonly track: (sent: SentRequest) => void,
  ) {}

  /** §2.1: `SIP/2.0 100 Trying` goes to the initiator as soon as the bridge starts. */
  start(): void {
    if (this.notify && alive(this.leg)) this.sendNotify(100, 'Trying');
  }

  /** The new entity's final status: the final NOTIFY once; `endInitiator` after a success. */
  final(status: number, reason: string, endInitiator: boolean): void {
    if (this.finalSent) return;
    this.finalSent = true;
    if (this.notify && alive(this.leg)) {
      this.notifyPending = true;
      if (this.sendNotify(status, reason) === undefined) this.notifyPending = false;
    }
    if (!endInitiator) return;
    if (this.notifyPending) this.endDue = true;
    else this.end();
  }

  /** A reply to one of our NOTIFYs: consumed; the final one releases a pending end. */
  onReply(leg: Leg, reply: EntityReply, sent: SentRequest): boolean {
    if (sent.method !== 'NOTIFY' || leg !== this.leg) return false;
    if (reply.status >= 200 && this.finalSent && this.notifyPending) {
      this.notifyPending = false;
      if (this.endDue) this.end();
    }
    return true;
  }

  /** The initiator is still to be ended after its final NOTIFY is answered. */
  get waiting(): boolean {
    return this.endDue && this.notifyPending;
  }

  /** Ends the initiator now (a pending NOTIFY is not waited for any more). */
  end(): void {
    this.endDue = false;
    this.notifyPending = false;
    if (this.leg !== undefined) endLeg(this.leg);
  }

  /** A rollback keeps the initiator after all (the target failed after answering). */
  keep(): void {
    this.endDue = false;
  }

  /** The initiator hung up or ended on its own: nothing more goes to it. */
  gone(): void {
    this.endDue = false;
    this.notifyPending = false;
  }

  private sendNotify(status: number, reason: string): SentRequest | undefined {
    const leg = this.leg;
    if (leg === undefined) return undefined;
    const sent = sendReferNotify(this.host, this.procedure, leg, status, reason, this.referCseq);
    if (sent !== undefined) this.track(sent);
    return sent;
  }
}
