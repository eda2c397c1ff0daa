/**
 * Third-party call control with two new clients (opensips-b2b.md §2.1 b2b_trigger_scenario, §2.4 MI
 * trigger_scenario, §6.3; RFC 3725 §4.1 flow I): a late INVITE to the first party, its 2xx offer in an
 * INVITE to the second, the second's 2xx answer in the ACK to the first.
 */
import type { NameAddr } from '../../../sip/types';
import type { EntityEndReason, EntityReply, ReceivedRequest, SentRequest } from '../../entities/entity-types';
import { maxDurationMs } from '../logic-services';
import type { Leg } from '../session';
import type { ClientDeclaration, MediaProcedure, ProcedureHost, ThirdPartyStart } from '../scripted-types';
import { bodyOf, endParty, markConfirmed, notifyLeg } from './starter-helpers';

type Phase = 'calling-first' | 'calling-second' | 'done';

/** §1.7: in 3PCC each leg gets the other party's URI as From (its own from_dname as display name). */
function fromFor(self: ClientDeclaration, other: ClientDeclaration): NameAddr {
  return self.fromDname === undefined ? { uri: other.uri, params: new Map() } : { displayName: self.fromDname, uri: other.uri, params: new Map() };
}

class ThirdPartyProcedure implements MediaProcedure {
  readonly kind = 'third-party' as const;
  private phase: Phase = 'calling-first';
  private readonly first: Leg;
  private second: Leg | undefined;
  private readonly sent = new Set<SentRequest>();

  constructor(private readonly host: ProcedureHost, private readonly start: ThirdPartyStart) {
    const notify = start.notify;
    if (notify !== undefined) this.track(notifyLeg(notify.leg, 100, 'Trying', notify.referCseq));
    this.first = host.startClient(this, start.first, { from: fromFor(start.first, start.second) });
    this.trackInvite(this.first);
  }

  onReply(leg: Leg, reply: EntityReply, sent: SentRequest): void {
    if (sent.method !== 'INVITE' || reply.status < 200) return;
    switch (this.phase) {
      case 'calling-first':
        if (leg === this.first) this.firstAnswered(reply);
        return;
      case 'calling-second':
        if (leg === this.second) this.secondAnswered(reply);
        return;
      case 'done':
        return;
      default: {
        const never: never = this.phase;
        throw new Error(`unknown 3PCC phase ${String(never)}`);
      }
    }
  }

  /** §1.4: a BYE from either party while the call is being set up ends it; the module answers it. */
  onRequest(leg: Leg, request: ReceivedRequest): boolean {
    if (this.phase === 'done' || request.request.method !== 'BYE' || (leg !== this.first && leg !== this.second)) return false;
    request.entity.reply(request, 200);
    this.fail(487, 'Request Terminated');
    return true;
  }

  onAck(): boolean { return false; }
  onCancel(): boolean { return false; }

  onLegEnded(leg: Leg, reason: EntityEndReason): void {
    if (this.phase === 'done' || (leg !== this.first && leg !== this.second)) return;
    this.fail(leg.finalStatus !== undefined && leg.finalStatus >= 300 ? leg.finalStatus : 500, `party ended: ${reason}`);
  }

  retry(): boolean { return false; }

  owns(sent: SentRequest): boolean { return this.sent.has(sent); }

  private firstAnswered(reply: EntityReply): void {
    const first = this.first;
    first.finalStatus = reply.status;
    if (reply.status >= 300) {
      this.fail(reply.status, reply.reason);
      return;
    }
    const services = this.host.services;
    markConfirmed(first, services.clock.nowMs());
    // §6.8: no expiry while the first party is called; max_duration once a leg answers.
    services.setLifetime(this.host.session, maxDurationMs(services.config));
    const offer = bodyOf(reply.response);
    if (offer === undefined) {
      // RFC 3264 §5: a 2xx to an offerless INVITE must carry the offer; without one there is nothing to bridge.
      this.fail(488, 'Not Acceptable Here');
      return;
    }
    first.inSdp = offer;
    this.transition('calling-second');
    const second = this.host.startClient(this, this.start.second, { body: offer, from: fromFor(this.start.second, this.start.first) });
    second.outSdp = offer;
    this.second = second;
    this.trackInvite(second);
  }

  private secondAnswered(reply: EntityReply): void {
    const second = this.second!;
    second.finalStatus = reply.status;
    if (reply.status >= 300) {
      this.fail(reply.status, reply.reason);
      return;
    }
    markConfirmed(second, this.host.services.clock.nowMs());
    const answer = bodyOf(reply.response);
    second.inSdp = answer;
    this.transition('done');
    this.first.outSdp = answer;
    this.first.entity.sendAck(answer === undefined ? {} : { body: answer });
    second.entity.sendAck();
    this.notifyFinal(200, 'OK');
    this.host.completed(this, this.first, second, maxDurationMs(this.host.services.config));
  }

  /** Ends both parties (whatever state they are in) and the session. */
  private fail(status: number, reason: string): void {
    if (this.phase === 'done') return;
    this.transition('done');
    endParty(this.first);
    if (this.second !== undefined) endParty(this.second);
    this.notifyFinal(status, reason);
    this.host.failed(this, { status, reason, endSession: true });
  }

  /** The notified leg (another session's) is told the outcome and is not terminated afterwards (§2.1). */
  private notifyFinal(status: number, reason: string): void {
    const notify = this.start.notify;
    if (notify !== undefined) notifyLeg(notify.leg, status, reason, notify.referCseq);
  }

  private trackInvite(leg: Leg): void {
    const entity = leg.entity;
    if (entity.kind === 'client' && 'invite' in entity) this.track(entity.invite as SentRequest);
  }

  private track(sent: SentRequest | undefined): void {
    if (sent !== undefined) this.sent.add(sent);
  }

  /** The one place the step changes: recorded in the debug log. */
  private transition(to: Phase): void {
    const from = this.phase;
    this.phase = to;
    this.host.services.logger.debug({ key: this.host.session.key, procedure: this.kind, from, to }, 'b2b procedure step');
  }
}

export function thirdPartyProcedure(host: ProcedureHost, start: ThirdPartyStart): MediaProcedure {
  return new ThirdPartyProcedure(host, start);
}
