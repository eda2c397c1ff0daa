/** Receiving requests inside a dialog (RFC 3261 §12.2.2; target refresh §12.2, RFC 3311 §5.2 for UPDATE). */
import type { SipRequest, SipResponse } from '../sip/message';
import type { Dialog } from './dialog';
import { contactUri } from './dialog-create';

export type InDialogCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly status: number; readonly reason: string };

/** Requests that refresh the remote target when they carry a Contact (§12.2, RFC 3311, RFC 6665). */
const TARGET_REFRESH = new Set(['INVITE', 'UPDATE', 'SUBSCRIBE', 'NOTIFY', 'REFER']);

export function isTargetRefresh(method: string): boolean {
  return TARGET_REFRESH.has(method);
}

/**
 * Checks an incoming in-dialog request (not ACK or CANCEL, which reuse the INVITE's number)
 * against the remote sequence, then records its number and refreshes the target.
 */
export function receiveInDialogRequest(dialog: Dialog, request: SipRequest): InDialogCheck {
  const seq = request.cseq.seq;
  if (dialog.remoteSeq !== undefined && seq < dialog.remoteSeq) {
    // §12.2.2: a lower CSeq than the remote sequence is out of order and MUST be rejected with 500.
    return { ok: false, status: 500, reason: 'Out Of Order CSeq' };
  }
  dialog.remoteSeq = seq;
  if (isTargetRefresh(request.method)) {
    // §12.2.2: a target refresh request MUST replace the remote target with its Contact, if present.
    const target = contactUri(request);
    if (target !== undefined) dialog.remoteTarget = target;
  }
  return { ok: true };
}

/** §12.2.1.2: a 2xx to our target refresh request replaces the remote target with its Contact. */
export function refreshTargetFromResponse(dialog: Dialog, method: string, response: SipResponse): void {
  if (response.status < 200 || response.status >= 300 || !isTargetRefresh(method)) return;
  const target = contactUri(response);
  if (target !== undefined) dialog.remoteTarget = target;
}
