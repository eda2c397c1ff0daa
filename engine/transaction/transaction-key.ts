/**
 * Transaction matching keys (RFC 3261 §17.1.3 for responses, §17.2.3 for requests incl. the RFC 2543
 * fallback, §9.2 for CANCEL). Keys are plain strings for one Map lookup each; the separators cannot
 * occur inside the tokens they join (branch, method and host are tokens; parsed values hold no LF).
 */
import type { SipRequest, SipResponse } from '../sip/message';

export const MAGIC_COOKIE = 'z9hG4bK';

/** §8.1.1.7: a branch starting with the magic cookie was built by an RFC 3261 element and is unique. */
export function isRfc3261Branch(branch: string | undefined): branch is string {
  return branch !== undefined && branch.startsWith(MAGIC_COOKIE);
}

/** §17.1.3: a client transaction is named by the branch of the top Via and the CSeq method. */
export function clientTransactionKey(branch: string, method: string): string {
  return branch + ' ' + method;
}

/** The client transaction a response belongs to, or undefined when its top Via has no branch. */
export function responseKey(response: SipResponse): string | undefined {
  const branch = response.topVia.branch;
  return branch === undefined ? undefined : branch + ' ' + response.cseq.method;
}

/**
 * The server transaction a request belongs to (§17.2.3). An ACK names the INVITE transaction it
 * acknowledges; `methodOverride` lets a CANCEL name the INVITE it cancels (§9.2).
 */
export function serverTransactionKey(request: SipRequest, methodOverride?: string): string {
  const method = methodOverride ?? (request.method === 'ACK' ? 'INVITE' : request.method);
  const via = request.topVia;
  const branch = via.branch;
  if (isRfc3261Branch(branch)) {
    return via.port === undefined ? branch + ' ' + via.host + ' ' + method : branch + ' ' + via.host + ':' + via.port + ' ' + method;
  }
  return rfc2543Key(request, method, request.toTag);
}

/**
 * The string a server transaction is filed under in the table: the branch for RFC 3261 requests
 * (sent-by and method are checked on the candidates), the whole RFC 2543 key otherwise.
 */
export function serverPrimaryKey(request: SipRequest, method: string): string {
  const branch = request.topVia.branch;
  return isRfc3261Branch(branch) ? branch : rfc2543Key(request, method, request.toTag);
}

/** The method of the server transaction a request belongs to: an ACK belongs to its INVITE (§17.2.3). */
export function serverMatchMethod(request: SipRequest): string {
  return request.method === 'ACK' ? 'INVITE' : request.method;
}

/** The key of the INVITE server transaction a CANCEL targets (§9.2: same matching, method INVITE). */
export function cancelTargetKey(cancel: SipRequest): string {
  return serverTransactionKey(cancel, 'INVITE');
}

/**
 * For an RFC 2543 ACK whose INVITE carried no To tag: the INVITE's key (the ACK's To tag is the one
 * from our response, so the caller must also check that tag, §17.2.3). Undefined for RFC 3261 ACKs.
 */
export function rfc2543AckKeyWithoutToTag(ack: SipRequest): string | undefined {
  if (isRfc3261Branch(ack.topVia.branch) || ack.toTag === undefined) return undefined;
  return rfc2543Key(ack, 'INVITE', undefined);
}

/**
 * §17.2.3 for requests without the magic cookie: Request-URI, To tag, From tag, Call-ID, CSeq number
 * and the top Via (its sent-by, transport and branch; received/rport are ours, stamped on arrival).
 */
function rfc2543Key(request: SipRequest, method: string, toTag: string | undefined): string {
  const via = request.topVia;
  return '2543\n' + request.uriText + '\n' + (toTag ?? '') + '\n' + (request.fromTag ?? '') + '\n' + request.callId
    + '\n' + request.cseq.seq + '\n' + via.transport + ' ' + via.host + ':' + (via.port ?? '') + ';' + (via.branch ?? '')
    + '\n' + method;
}
