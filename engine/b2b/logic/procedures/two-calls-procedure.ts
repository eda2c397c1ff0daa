/**
 * bridge_2calls (opensips-b2b.md §2.6, §6.4 call center): a live leg moved in from another session is
 * joined to this session's kept party by late SDP over re-INVITEs: the kept party's offer (its 2xx to an
 * offerless re-INVITE) goes to the moved leg, whose answer goes back in the ACK (RFC 3725 §4.1 flow I).
 */
import type { EntityEndReason, EntityReply, ReceivedRequest, SentRequest } from '../../entities/entity-types';
import { maxDurationMs } from '../logic-services';
import type { Leg } from '../session';
import type { MediaProcedure, ProcedureHost } from '../scripted-types';
import { bodyOf, endParty } from './starter-helpers';

type Phase = 'asking-kept' | 'offering-moved' | 'done';

class TwoCallsProcedure implements MediaProcedure {
  readonly kind = 'two-calls' as const;
  private phase: Phase = 'asking-kept';
  private readonly sent = new Set<SentRequest>();

  constructor(private readonly host: ProcedureHost, private readonly kept: Leg, private readonly moved: Leg) {
    const first = host.send(this, kept, 'INVITE');
    if (first === undefined) this.fail(500, 'Server Internal Error');
    else this.sent.add(first);
  }

  onReply(leg: Leg, reply: EntityReply, sent: SentRequest): void {
    if (this.phase === 'done' || !this.sent.has(sent) || reply.status < 200) return;
    if (reply.status >= 300) {
      this.fail(reply.status, reply.reason);
      return;
    }
    switch (this.phase) {
      case 'asking-kept':
        if (leg === this.kept) this.keptOffered(leg, reply);
        return;
      case 'offering-moved':
        if (leg === this.moved) this.movedAnswered(leg, reply);
        return;
      default: {
        const never: never = this.phase;
        throw new Error(`unknown two-calls phase ${String(never)}`);
      }
    }
  }

  private keptOffered(leg: Leg, reply: EntityReply): void {
    const offer = bodyOf(reply.response);
    leg.inSdp = offer;
    if (offer === undefined) {
      leg.entity.sendAck();
      this.fail(488, 'Not Acceptable Here');
      return;
    }
    this.transition('offering-moved');
    const next = this.host.send(this, this.moved, 'INVITE', { body: offer });
    if (next === undefined) {
      leg.entity.sendAck();
      this.fail(500, 'Server Internal Error');
      return;
    }
    this.moved.outSdp = offer;
    this.sent.add(next);
  }

  private movedAnswered(leg: Leg, reply: EntityReply): void {
    const answer = bodyOf(reply.response);
    leg.inSdp = answer;
    this.kept.outSdp = answer;
    this.transition('done');
    this.kept.entity.sendAck(answer === undefined ? {} : { body: answer });
    leg.entity.sendAck();
    this.host.completed(this, this.kept, this.moved, maxDurationMs(this.host.services.config));
  }

  onRequest(leg: Leg, request: ReceivedRequest): boolean {
    if (this.phase === 'done' || request.request.method !== 'BYE' || (leg !== this.kept && leg !== this.moved)) return false;
    request.entity.reply(request, 200);
    this.fail(487, 'Request Terminated');
    return true;
  }

  onAck(): boolean { return false; }
  onCancel(): boolean { return false; }

  onLegEnded(leg: Leg, reason: EntityEndReason): void {
    if (this.phase !== 'done' && (leg === this.kept || leg === this.moved)) this.fail(500, `party ended: ${reason}`);
  }

  retry(): boolean { return false; }
  owns(sent: SentRequest): boolean { return this.sent.has(sent); }

  private fail(status: number, reason: string): void {
    if (this.phase === 'done') return;
    this.transition('done');
    endParty(this.kept);
    endParty(this.moved);
    this.host.failed(this, { status, reason, endSession: true });
  }

  /** The one place the step changes: recorded in the debug log. */
  private transition(to: Phase): void {
    const from = this.phase;
    this.phase = to;
    this.host.services.logger.debug({ key: this.host.session.key, procedure: this.kind, from, to }, 'b2b procedure step');
  }
}

export function twoCallsProcedure(host: ProcedureHost, start: { readonly kept: Leg; readonly moved: Leg }): MediaProcedure {
  return new TwoCallsProcedure(host, start.kept, start.moved);
}
