/** Small steps shared by the session starters' procedures (pickup, 3PCC, two calls; opensips-b2b.md §1.4, §2.1, §6.3). */
import type { SipMessage } from '../../../sip/message';
import type { BodyPart } from '../../../dialog/request-factory';
import type { SentRequest, ServerEntity } from '../../entities/entity-types';
import type { Leg } from '../session';

/** The message's body as a part to send on, or undefined when it has none. */
export function bodyOf(message: SipMessage | undefined): BodyPart | undefined {
  if (message === undefined || message.body.length === 0) return undefined;
  return { body: message.body, contentType: message.headerValues('Content-Type')[0] ?? 'application/sdp' };
}

/** Records an answered leg as the logic's view expects it (§1.4 CONFIRMED, per-entity setup time). */
export function markConfirmed(leg: Leg, nowMs: number): void {
  leg.state = 'confirmed';
  if (leg.stats.setupMs === undefined) leg.stats.setupMs = nowMs;
}

/** Unpairs a leg and marks it disconnected (§1.4), so no later message of it is relayed. */
export function detach(leg: Leg): void {
  if (leg.peer !== undefined && leg.peer.peer === leg) leg.peer.peer = undefined;
  leg.peer = undefined;
  leg.disconnected = true;
}

/**
 * Ends a party the way its state requires (§2.1 b2b_bridge_request): an unanswered server leg gets
 * `status reason` (480 "Temporarily Unavailable - answered elsewhere" for pickup), the rest BYE or CANCEL.
 */
export function endParty(leg: Leg, unanswered?: { readonly status: number; readonly reason: string }): void {
  detach(leg);
  if (leg.ended || leg.entity.state === 'terminated') return;
  const entity = leg.entity;
  if (entity.kind === 'server' && entity.state !== 'confirmed') {
    const server = entity as ServerEntity;
    const status = unanswered ?? { status: 487, reason: 'Request Terminated' };
    if (!server.invite.answered) server.reply(server.invite, status.status, { reason: status.reason });
    return;
  }
  entity.terminate();
}

/** RFC 3515 NOTIFY straight on a leg of any session (its reply goes to that session, which ignores it). */
export function notifyLeg(leg: Leg, status: number, reason: string, referCseq: number | undefined): SentRequest | undefined {
  if (leg.ended || leg.entity.state !== 'confirmed') return undefined;
  const final = status >= 200;
  return leg.entity.sendRequest('NOTIFY', {
    headers: [
      ['Event', referCseq === undefined ? 'refer' : `refer;id=${referCseq}`],
      // RFC 3515 §2.4.7: the final NOTIFY terminates the implicit subscription.
      ['Subscription-State', final ? 'terminated;reason=noresource' : 'active;expires=60'],
    ],
    body: { body: new TextEncoder().encode(`SIP/2.0 ${status} ${reason}\r\n`), contentType: 'message/sipfrag;version=2.0' },
  });
}
