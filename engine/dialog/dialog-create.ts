/** Creating dialogs from the messages that establish them (RFC 3261 §12.1.1 UAS, §12.1.2 UAC). */
import type { SipRequest, SipResponse } from '../sip/message';
import type { NameAddr, Uri } from '../sip/types';
import { Dialog } from './dialog';

/** The first Contact URI of a message, if it has a usable one. */
export function contactUri(message: SipRequest | SipResponse): Uri | undefined {
  const contact = message.contact;
  if (contact === undefined || contact.star) return undefined;
  return contact.contacts[0]?.uri;
}

/** Whether a dialog must be secure: a sips Request-URI (§12.1.1; TLS without sips is the caller's call). */
function isSecure(request: SipRequest, overTls: boolean): boolean {
  return overTls && request.uri.scheme === 'sips';
}

export interface UasDialogOptions {
  /** Our To tag (the one in `response`). */
  readonly localTag: string;
  readonly localContact: string;
  /** Whether the request came over TLS (§12.1.1: secure needs TLS and a sips Request-URI). */
  readonly overTls?: boolean;
}

/**
 * A dialog created by our 1xx (with To tag) or 2xx to `request` (§12.1.1): route set from
 * Record-Route in order, remote target from Contact, remote sequence from the request's CSeq.
 * Returns undefined when the request has no Contact we can target (§12.1.1 requires one).
 */
export function createUasDialog(request: SipRequest, status: number, options: UasDialogOptions): Dialog | undefined {
  const remoteTag = request.fromTag;
  const target = contactUri(request);
  if (remoteTag === undefined || target === undefined) return undefined;
  return new Dialog({
    id: { callId: request.callId, localTag: options.localTag, remoteTag },
    role: 'uas',
    state: status >= 200 ? 'confirmed' : 'early',
    localUri: withoutTag(request.to),
    remoteUri: withoutTag(request.from),
    remoteTarget: target,
    routeSet: request.recordRoutes,
    localSeq: undefined,
    remoteSeq: request.cseq.seq,
    secure: isSecure(request, options.overTls ?? false),
    localContact: options.localContact,
  });
}

export interface UacDialogOptions {
  readonly localContact: string;
  readonly overTls?: boolean;
}

/**
 * A dialog created by a 101–199 with a To tag (early) or a 2xx (confirmed) to our `request`
 * (§12.1.2): route set from Record-Route reversed, remote target from Contact, local sequence from
 * our CSeq, remote sequence empty. Undefined when the response cannot create a dialog.
 */
export function createUacDialog(request: SipRequest, response: SipResponse, options: UacDialogOptions): Dialog | undefined {
  const localTag = request.fromTag;
  const remoteTag = response.toTag;
  if (localTag === undefined || remoteTag === undefined) return undefined;
  if (response.status <= 100 || response.status >= 300) return undefined;
  // §12.1.2: a response without a Contact still makes a dialog whose target stays the Request-URI (lenient for broken peers).
  const target = contactUri(response) ?? request.uri;
  return new Dialog({
    id: { callId: request.callId, localTag, remoteTag },
    role: 'uac',
    state: response.status >= 200 ? 'confirmed' : 'early',
    localUri: withoutTag(request.from),
    remoteUri: withoutTag(request.to),
    remoteTarget: target,
    routeSet: [...response.recordRoutes].reverse(),
    localSeq: request.cseq.seq,
    remoteSeq: undefined,
    secure: isSecure(request, options.overTls ?? false),
    localContact: options.localContact,
  });
}

/**
 * Applies a later response to an early UAC dialog: a 2xx confirms it and recomputes the route set
 * (§13.2.2.4 MUST); any 1xx/2xx with a Contact refreshes the remote target (§12.1.2, §13.2.2.4).
 */
export function updateUacDialogFromResponse(dialog: Dialog, response: SipResponse): void {
  if (dialog.isTerminated) return;
  const target = contactUri(response);
  if (dialog.state === 'early') {
    if (target !== undefined) dialog.remoteTarget = target;
    if (response.status >= 200 && response.status < 300) {
      // §13.2.2.4: the route set MUST be recomputed from the 2xx.
      dialog.routeSet = [...response.recordRoutes].reverse();
      dialog.transition('confirmed', 'final-2xx');
    }
  }
}

function withoutTag(nameAddr: NameAddr): NameAddr {
  if (!nameAddr.params.has('tag')) return nameAddr;
  const params = new Map(nameAddr.params);
  params.delete('tag');
  return { ...nameAddr, params };
}
