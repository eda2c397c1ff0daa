/** ACK for a non-2xx final response (RFC 3261 §17.1.1.3) and CANCEL (§9.1), both built from the INVITE as sent. */
import type { SipRequest, SipResponse } from './message';
import type { RawHeader } from './types';
import { SipBuildError } from './build-error';
import { requireCore } from './derive';
import { makeRawHeader } from './header-edit';
import { SipRequestImpl } from './sip-request';

const EMPTY_BODY = new Uint8Array(0);

function topViaLine(invite: SipRequest): RawHeader {
  const first = invite.headers.find((h) => h.key === 'via');
  const value = invite.headerValues('via')[0];
  if (first === undefined || value === undefined) throw new SipBuildError('missing-header', 'INVITE has no Via');
  return value === first.value ? first : { name: first.name, key: 'via', value };
}

function linesOf(msg: SipRequest | SipResponse, key: string): RawHeader[] {
  return msg.headers.filter((h) => h.key === key);
}

function maxForwards(invite: SipRequest): RawHeader {
  return makeRawHeader('Max-Forwards', String(invite.maxForwards ?? 70));
}

function build(invite: SipRequest, method: 'ACK' | 'CANCEL', to: readonly RawHeader[]): SipRequest {
  const lines: RawHeader[] = [
    topViaLine(invite),
    maxForwards(invite),
    ...linesOf(invite, 'route'),
    ...linesOf(invite, 'from'),
    ...to,
    ...linesOf(invite, 'call-id'),
    makeRawHeader('CSeq', `${invite.cseq.seq} ${method}`),
    makeRawHeader('Content-Length', '0'),
  ];
  return new SipRequestImpl(method, invite.uri, invite.uriText, lines, EMPTY_BODY, requireCore(lines, method));
}

/**
 * §17.1.1.3: same Request-URI, Call-ID, From and CSeq number as the INVITE (method ACK), only the top
 * Via, To from the response (it carries the tag), and the INVITE's Route lines.
 */
export function createAckForNon2xx(invite: SipRequest, response: SipResponse): SipRequest {
  if (invite.method !== 'INVITE') throw new SipBuildError('bad-method', `ACK for a ${invite.method}: only INVITE is acknowledged`);
  if (response.status < 300) throw new SipBuildError('bad-status', `createAckForNon2xx called with ${response.status}; a 2xx ACK belongs to the dialog (§13.2.2.4)`);
  return build(invite, 'ACK', linesOf(response, 'to'));
}

/**
 * §9.1: same Request-URI, Call-ID, To, From and CSeq number (method CANCEL), a single Via equal to the
 * INVITE's top Via, the INVITE's Route lines.
 */
export function createCancel(invite: SipRequest): SipRequest {
  if (invite.method !== 'INVITE') throw new SipBuildError('bad-method', `CANCEL built from a ${invite.method}: only INVITE is cancelled here`);
  return build(invite, 'CANCEL', linesOf(invite, 'to'));
}
