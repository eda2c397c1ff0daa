/**
 * What an entity does with an in-dialog request before its owner sees it (opensips-b2b.md §1.6;
 * RFC 3261 §14.2, RFC 3311 §5.2, RFC 3262 §3): drop it on an unconfirmed dialog, 491 on glare with our
 * own offer, 500 + Retry-After while another request of the peer is still unanswered, the BYE
 * exception, and PRACKs answered locally. Pure, so the verdict table is testable on its own.
 */

export interface IncomingContext {
  readonly method: string;
  /** The dialog is confirmed (a 2xx went out / came in). */
  readonly confirmed: boolean;
  /** Requests of the peer on this entity still unanswered (the initial INVITE included). */
  readonly openCount: number;
  /** The open requests are only the initial INVITE (still unanswered). */
  readonly onlyInitialInviteOpen: boolean;
  /** An INVITE of the peer is unanswered (initial or re-INVITE). */
  readonly inviteOpen: boolean;
  /** We have a re-INVITE or UPDATE of our own in progress on this dialog. */
  readonly ownOfferPending: boolean;
  readonly passthruPrack: boolean;
}

export type IncomingVerdict =
  | { readonly kind: 'accept' }
  | { readonly kind: 'drop' }
  | { readonly kind: 'prack-local' }
  | { readonly kind: 'bye-over-pending' }
  | { readonly kind: 'reject'; readonly status: 491 | 500; readonly reason: string; readonly retryAfter: boolean };

const ACCEPT: IncomingVerdict = { kind: 'accept' };
const DROP: IncomingVerdict = { kind: 'drop' };
const PRACK_LOCAL: IncomingVerdict = { kind: 'prack-local' };
const BYE_OVER_PENDING: IncomingVerdict = { kind: 'bye-over-pending' };
const PENDING_491: IncomingVerdict = { kind: 'reject', status: 491, reason: 'Request Pending', retryAfter: false };
const OVERLAP_500: IncomingVerdict = { kind: 'reject', status: 500, reason: 'Overlapping Requests', retryAfter: true };

export function incomingVerdict(c: IncomingContext): IncomingVerdict {
  const method = c.method;
  // §1.6 / RFC 3262: with passthru_prack off every PRACK is answered here, never shown to the owner.
  if (method === 'PRACK' && !c.passthruPrack) return PRACK_LOCAL;
  if (method === 'BYE') {
    // §1.6 exception: BYE is answered 200 at once and the pending INVITE gets 487 (RFC 3261 §15.1.2).
    return c.inviteOpen ? BYE_OVER_PENDING : ACCEPT;
  }
  const earlyAllowed = method === 'UPDATE' || method === 'PRACK';
  // §1.6: on a dialog not yet confirmed only UPDATE (and PRACK) are taken; the rest is dropped silently.
  if (!c.confirmed && !earlyAllowed) return DROP;
  // RFC 3261 §14.2, RFC 3311 §5.2: an offer arriving while ours is in progress MUST get 491.
  if ((method === 'INVITE' || method === 'UPDATE') && c.ownOfferPending) return PENDING_491;
  if (c.openCount > 0 && !(earlyAllowed && c.onlyInitialInviteOpen)) {
    // §1.6 / RFC 3261 §14.2: a second request while one is unanswered gets 500 with Retry-After.
    return OVERLAP_500;
  }
  return ACCEPT;
}

/** §14.2: Retry-After 0–10 s; OpenSIPS draws 0–9. */
export function retryAfterSeconds(draw: number): number {
  return Math.min(9, Math.floor(draw * 10));
}
