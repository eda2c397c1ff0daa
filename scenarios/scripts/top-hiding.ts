/**
 * The shipped b2bkit script: OpenSIPS's "top hiding" B2BUA (opensips-b2b.md §2.7) as routes.
 * `b2bkit start` runs it when no other script is configured. Copy it as the start of your own.
 */
import { defineScript, retarget } from '../../engine/script';

/** What we answer in Allow: the methods a top-hiding B2BUA handles. */
const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, INFO, PRACK';

export default defineScript({
  /**
   * The main route: every request that belongs to no call yet (in-dialog requests never come here;
   * the B2B layers match them to their call and relay them).
   */
  request(msg, b2b) {
    switch (msg.method) {
      case 'INVITE': {
        // A To-tag means the caller thinks it is inside a dialog we do not know (we restarted, or it is confused).
        if (msg.toTag !== undefined) return b2b.reply(481, 'Call/Transaction Does Not Exist');
        // An INVITE addressed to the engine itself goes to the configured upstream (keeping the user part);
        // any other R-URI is where the caller wants to go.
        if (b2b.isLocal(msg.uri)) {
          if (b2b.upstream === undefined) return b2b.reply(404, 'Not Found', { headers: { 'X-Reason': 'no upstream configured' } });
          msg.setRequestUri(retarget(msg.uri, b2b.upstream));
        }
        // Starts the call: a new dialog toward the R-URI, nothing of this side (Via, Record-Route,
        // Contact, Call-ID, tags) reaching the other. Flags as in OpenSIPS, e.g. "setup-timeout=30".
        b2b.initRequest('top hiding');
        return;
      }
      case 'OPTIONS':
        // Keep-alive pings from proxies and SBCs: answer them ourselves.
        return b2b.reply(200, 'OK', { headers: { Allow: ALLOW, Accept: 'application/sdp' } });
      case 'BYE':
      case 'UPDATE':
      case 'INFO':
      case 'PRACK':
        // In-dialog methods that matched no call.
        return b2b.reply(481, 'Call/Transaction Does Not Exist');
      default:
        // REGISTER, MESSAGE, SUBSCRIBE …: not a service of this script.
        return b2b.reply(405, 'Method Not Allowed', { headers: { Allow: ALLOW } });
    }
  },
});
