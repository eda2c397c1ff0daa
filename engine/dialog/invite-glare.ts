/** re-INVITE glare on one dialog (RFC 3261 §14.1 UAC retry timer, §14.2 491 and 500 + Retry-After). */
import type { Random } from '../ports/random';

export type GlareVerdict =
  | { readonly accept: true }
  | { readonly accept: false; readonly status: 491; readonly reason: 'Request Pending' }
  | { readonly accept: false; readonly status: 500; readonly reason: string; readonly retryAfterS: number };

/** Tracks the INVITE transactions in progress on one dialog, in each direction. */
export class InviteGlare {
  private outgoing = false;
  private incoming = false;

  get outgoingPending(): boolean {
    return this.outgoing;
  }

  get incomingPending(): boolean {
    return this.incoming;
  }

  /** Decides on an incoming INVITE on this dialog; when accepted it is pending until `incomingAnswered`. */
  checkIncoming(random: Random): GlareVerdict {
    if (this.incoming) {
      // §14.2: a second INVITE before our final response to the first MUST get 500 with Retry-After 0–10 s.
      return { accept: false, status: 500, reason: 'Previous INVITE Pending', retryAfterS: Math.floor(random.nextFloat() * 11) };
    }
    // §14.2: an INVITE received while ours is in progress MUST get 491.
    if (this.outgoing) return { accept: false, status: 491, reason: 'Request Pending' };
    this.incoming = true;
    return { accept: true };
  }

  incomingAnswered(): void {
    this.incoming = false;
  }

  /** Whether we may send a re-INVITE now (§14.1: not while another INVITE is in progress either way). */
  canSend(): boolean {
    return !this.outgoing && !this.incoming;
  }

  outgoingStarted(): void {
    this.outgoing = true;
  }

  outgoingFinished(): void {
    this.outgoing = false;
  }
}

/**
 * §14.1: after a 491 the UAC retries after 2.1–4 s (in 10 ms units) if it owns the Call-ID
 * (it sent the dialog-creating request), otherwise after 0–2 s.
 */
export function glareRetryDelayMs(random: Random, ownsCallId: boolean): number {
  const base = ownsCallId ? 2100 : 0;
  const span = ownsCallId ? 1900 : 2000;
  return base + Math.floor(random.nextFloat() * (span / 10 + 1)) * 10;
}
