/** Dialog identifiers (RFC 3261 §12): Call-ID plus local and remote tags, seen from our side. */
import type { SipRequest, SipResponse } from '../sip/message';

export interface DialogId {
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
}

/** The map key of a dialog; tags are compared case-sensitively as opaque tokens (§19.3). */
export function dialogKey(id: DialogId): string {
  return `${id.callId}\u0000${id.localTag}\u0000${id.remoteTag}`;
}

/** The dialog an incoming request names, as its UAS sees it (§12.2.2): local = To tag, remote = From tag. */
export function dialogIdOfIncomingRequest(request: SipRequest): DialogId | undefined {
  const localTag = request.toTag;
  const remoteTag = request.fromTag;
  if (localTag === undefined || remoteTag === undefined) return undefined;
  return { callId: request.callId, localTag, remoteTag };
}

/** The dialog a response to our request names (§12.1.2): local = From tag, remote = To tag. */
export function dialogIdOfResponse(response: SipResponse): DialogId | undefined {
  const localTag = response.fromTag;
  const remoteTag = response.toTag;
  if (localTag === undefined || remoteTag === undefined) return undefined;
  return { callId: response.callId, localTag, remoteTag };
}
