/**
 * Call pickup / parking retrieval (opensips-b2b.md §2.1 b2b_bridge_request, §6.5 "Parking / pickup"):
 * a new caller's INVITE joins an existing session; the kept party is re-INVITEd (or UPDATEd while early)
 * with that INVITE's SDP, its answer goes back in the 200 OK, and the other party is ended at once, or at
 * the new caller's ACK (`late_bye`), or `old_entity_term_delay` seconds after it.
 */
import type { EntityEndReason, EntityReply, ReceivedRequest, SentRequest, ServerEntity } from '../../entities/entity-types';
import type { SipRequest } from '../../../sip/message';
import type { BodyPart } from '../../../dialog/request-factory';
import type { TimerId } from '../../../timers/timer-service';
import { maxDurationMs } from '../logic-services';
import type { Leg } from '../session';
import type { MediaProcedure, PickupStart, ProcedureHost } from '../scripted-types';
import { bodyOf, detach, endParty, markConfirmed } from './starter-helpers';

type Phase = 'updating-kept' | 'awaiting-ack' | 'done';

/** §2.1: what an unanswered caller that loses its call gets. */
export const ANSWERED_ELSEWHERE = { status: 480, reason: 'Temporarily Unavailable - answered elsewhere' } as const;

class PickupProcedure implements MediaProcedure {
  readonly kind = 'pickup' as const;
  private phase: Phase = 'updating-kept';
  private readonly other: Leg | undefined;
  private readonly offer: BodyPart | undefined;
  private readonly sent = new Set<SentRequest>();
  private readonly picker: ServerEntity;
  private method: 'INVITE' | 'UPDATE' = 'INVITE';
  private termTimer: TimerId | undefined;
  /** The replaced party was already told to go (BYE in flight, or it left on its own). */
  private otherGone = false;

  constructor(private readonly host: ProcedureHost, private readonly start: PickupStart) {
    const kept = start.kept;
    this.picker = start.picker.entity as ServerEntity;
    this.other = host.session.bridgeEntities.find((leg) => leg !== kept && leg !== start.picker) ?? kept.peer;
    this.offer = bodyOf(start.picker.entity.initialRequest);
    start.picker.inSdp = this.offer;
    if (!start.lateBye) this.endOther();
    // §2.1 b2bl_early_update: an unanswered kept party can only be reached with UPDATE (RFC 3311 §5.1).
    if (kept.entity.state !== 'confirmed' && start.earlyUpdate) this.method = 'UPDATE';
    const sent = host.send(this, kept, this.method, this.offer === undefined ? {} : { body: this.offer });
    if (sent === undefined) {
      this.fail(500, 'Server Internal Error');
      return;
    }
    kept.outSdp = this.offer;
    this.sent.add(sent);
  }

  onReply(leg: Leg, reply: EntityReply, sent: SentRequest): void {
    if (this.phase !== 'updating-kept' || leg !== this.start.kept || !this.sent.has(sent) || reply.status < 200) return;
    if (reply.status >= 300) {
      this.fail(reply.status, reply.reason);
      return;
    }
    const answer = bodyOf(reply.response);
    leg.inSdp = answer;
    // A late-offer pickup INVITE: the kept party's 2xx carries the offer, the picker's ACK the answer.
    if (this.method === 'INVITE' && this.offer !== undefined) leg.entity.sendAck();
    const picker = this.start.picker;
    picker.outSdp = answer;
    this.transition('awaiting-ack');
    this.picker.reply(this.picker.invite, 200, answer === undefined ? {} : { body: answer });
    markConfirmed(picker, this.host.services.clock.nowMs());
  }

  onRequest(leg: Leg, request: ReceivedRequest): boolean {
    if (this.phase === 'done' || request.request.method !== 'BYE') return false;
    if (leg === this.other) {
      // The party being replaced leaves on its own: answered here so nothing relays it to the kept party.
      request.entity.reply(request, 200);
      detach(leg);
      this.otherGone = true;
      return true;
    }
    if (leg !== this.start.kept && leg !== this.start.picker) return false;
    request.entity.reply(request, 200);
    this.fail(487, 'Request Terminated');
    return true;
  }

  onAck(leg: Leg, ack: SipRequest): boolean {
    if (this.phase !== 'awaiting-ack' || leg !== this.start.picker) return false;
    if (this.method === 'INVITE' && this.offer === undefined) this.start.kept.entity.sendAck(withBody(bodyOf(ack)));
    this.transition('done');
    this.endOtherLate();
    const kept = this.start.kept;
    if (this.other !== undefined) detach(this.other);
    this.host.completed(this, kept, leg, maxDurationMs(this.host.services.config));
    return true;
  }

  onCancel(leg: Leg): boolean {
    if (this.phase === 'done' || leg !== this.start.picker) return false;
    this.fail(487, 'Request Terminated');
    return true;
  }

  onLegEnded(leg: Leg, reason: EntityEndReason): void {
    if (this.phase === 'done' || leg === this.other) return;
    if (leg === this.start.kept || leg === this.start.picker) this.fail(500, `party ended: ${reason}`);
  }

  retry(): boolean { return false; }

  owns(sent: SentRequest): boolean { return this.sent.has(sent); }

  /** `late_bye`: the other party goes at the ACK, or `old_entity_term_delay` s later (§2.1, 3.5). */
  private endOtherLate(): void {
    const other = this.other;
    if (!this.start.lateBye || other === undefined || other.ended) return;
    if (this.start.termDelayS <= 0) {
      this.endOther();
      return;
    }
    other.disconnected = true;
    this.termTimer = this.host.services.timers.schedule(this.start.termDelayS * 1000, () => {
      this.termTimer = undefined;
      if (!other.ended && !other.session.destroyed) this.endOther();
    });
  }

  private endOther(): void {
    if (this.other === undefined || this.otherGone) return;
    this.otherGone = true;
    endParty(this.other, ANSWERED_ELSEWHERE);
  }

  /** The picker gets the failure (or BYE once answered); the kept party and the session end. */
  private fail(status: number, reason: string): void {
    if (this.phase === 'done') return;
    const answered = this.phase === 'awaiting-ack';
    this.transition('done');
    if (this.termTimer !== undefined) this.host.services.timers.cancel(this.termTimer);
    const picker = this.start.picker;
    if (!answered && !picker.ended && !this.picker.invite.answered) this.picker.reply(this.picker.invite, status >= 300 ? status : 500, { reason });
    else endParty(picker);
    endParty(this.start.kept);
    this.endOther();
    this.host.failed(this, { status, reason, endSession: true });
  }

  /** The one place the step changes: recorded in the debug log. */
  private transition(to: Phase): void {
    const from = this.phase;
    this.phase = to;
    this.host.services.logger.debug({ key: this.host.session.key, procedure: this.kind, from, to }, 'b2b procedure step');
  }
}

function withBody(body: BodyPart | undefined): { readonly body?: BodyPart } {
  return body === undefined ? {} : { body };
}

export function pickupProcedure(host: ProcedureHost, start: PickupStart): MediaProcedure {
  return new PickupProcedure(host, start);
}
