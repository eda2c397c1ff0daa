/**
 * Blind transfer (REFER) done by the B2BUA (opensips-b2b.md §6.5, SIPssert 03–24): when either party
 * sends REFER, the B2BUA itself calls the Refer-To target and connects it to the other party; the
 * transferor never sees the new call.
 *
 * Parameters (`script_params:` in b2bkit.yaml):
 *   bridge_flags    b2b_bridge flags as OpenSIPS spells them, e.g. `notify,rollback-failed`, `hold`,
 *                   `no-late-sdp`, `max_duration=3600` (default: none)
 *   prov_media_uri  a media server (ringback) the other party hears while the target is called
 *   retry_uri       when the target refuses, connect the other party here instead (a failure
 *                   announcement) with b2b_bridge_retry
 */
import { defineScript, retarget, type LogicReplyB2b, type LogicRequestB2b, type ReplyView, type RequestView } from '../../engine/script';

/** The session's request route: everything is relayed except REFER, which the B2BUA acts on. */
function transferRequest(msg: RequestView, b2b: LogicRequestB2b): void {
  if (msg.method !== 'REFER') return b2b.passRequest();
  const referTo = msg.header('Refer-To');
  if (referTo === undefined) return b2b.sendReply(400, 'Bad Request', { headers: { Warning: '399 b2bkit "missing Refer-To"' } });
  // An attended transfer (Refer-To with Replaces) is left to the parties: the REFER is relayed, with the
  // Replaces naming our dialog rewritten to the peer's (opensips-b2b.md §1.7).
  if (/[?&]replaces=/i.test(referTo)) return b2b.passRequest();
  const flags = b2b.param('bridge_flags') ?? '';
  b2b.sendReply(202, 'Accepted');
  // Without `notify` the transferor is not told how the transfer goes: hang it up now. With it, it
  // gets NOTIFYs (100 Trying, then the target's final status) and is hung up once the target answers.
  if (!flagList(flags).includes('notify')) b2b.endDlgLeg();
  b2b.clientNew('referee', addressOf(referTo));
  // "peer" = the party the transferor was talking to: it is kept, and bridged to the target.
  const provMedia = b2b.param('prov_media_uri');
  b2b.bridge('peer', 'referee', { ...(provMedia !== undefined && provMedia !== '' ? { provMedia } : {}), ...(flags !== '' ? { flags } : {}) });
}

/**
 * The session's reply route, installed only when `retry_uri` is set: a reply route must hand every
 * reply on with handleReply, except the target's refusal, which is replaced by a call to retry_uri.
 */
function transferReply(msg: ReplyView, b2b: LogicReplyB2b): void {
  const retry = b2b.param('retry_uri');
  if (retry !== undefined && b2b.method === 'INVITE' && msg.status >= 300 && b2b.entityId === 'referee') {
    b2b.clientNew('retry', retry);
    b2b.bridgeRetry('retry');
    return;
  }
  b2b.handleReply();
}

/** `"X" <sip:x@h;p?h=v>;q=1` or `sip:x@h` → `sip:x@h;p`: the URI to call, without its header part. */
function addressOf(nameAddr: string): string {
  const open = nameAddr.indexOf('<');
  const close = nameAddr.indexOf('>', open + 1);
  const uri = open < 0 ? nameAddr.split(';')[0]! : nameAddr.slice(open + 1, close < 0 ? undefined : close);
  return uri.split('?')[0]!.trim();
}

function flagList(csv: string): string[] {
  return csv.split(',').map((f) => f.trim()).filter((f) => f !== '');
}

export default defineScript({
  request(msg, b2b) {
    if (msg.method === 'OPTIONS') return b2b.reply(200, 'OK');
    if (msg.method !== 'INVITE') return b2b.reply(msg.method === 'BYE' ? 481 : 405, msg.method === 'BYE' ? 'Call/Transaction Does Not Exist' : 'Method Not Allowed');
    if (msg.toTag !== undefined) return b2b.reply(481, 'Call/Transaction Does Not Exist');
    // Addressed to the engine itself: the callee is the configured upstream (same user part).
    if (b2b.isLocal(msg.uri)) {
      if (b2b.upstream === undefined) return b2b.reply(404, 'Not Found');
      msg.setRequestUri(retarget(msg.uri, b2b.upstream));
    }
    // A custom scenario with the same two parties as top hiding, but with routes of our own, so that
    // REFER reaches the script instead of being relayed.
    b2b.serverNew('caller');
    b2b.clientNew('callee', msg.ruri);
    const retry = b2b.param('retry_uri');
    b2b.initRequest('transfer', '', { request: transferRequest, ...(retry !== undefined && retry !== '' ? { reply: transferReply } : {}) });
  },
});
