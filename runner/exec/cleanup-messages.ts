/**
 * Messages the executor writes itself, outside the scenario: the 200 for auto-answered or stray
 * requests (SIPp's default "200"), and the CANCEL, ACK and BYE that clean up the peer after a
 * failed call (SIPp -default_behaviors bye): RFC 3261 §9.1, §13.2.2.4, §15.1.1, §17.1.1.3.
 */
import type { SipRequest, SipResponse } from '../../engine/sip';
import { formatUri } from '../../engine/sip';

export interface LocalAddress {
  readonly host: string;
  readonly port: number;
  readonly protocol: 'udp' | 'tcp';
}

function lines(message: SipRequest | SipResponse, key: string, name: string): string {
  let out = '';
  for (const h of message.headers) if (h.key === key) out += `${name}: ${h.value}\r\n`;
  return out;
}

function via(local: LocalAddress, branch: string): string {
  const host = local.host.includes(':') ? `[${local.host}]` : local.host;
  return `Via: SIP/2.0/${local.protocol.toUpperCase()} ${host}:${local.port};branch=${branch}\r\n`;
}

function contact(local: LocalAddress): string {
  const host = local.host.includes(':') ? `[${local.host}]` : local.host;
  return `Contact: <sip:${host}:${local.port};transport=${local.protocol}>\r\n`;
}

/** 200 OK to `request` (§8.2.6: Via, From, Call-ID, CSeq copied; To gets our tag when it has none). */
export function ok200(request: SipRequest, local: LocalAddress, toTag: string): string {
  const to = request.header('to') ?? '';
  const tagged = request.toTag === undefined ? `${to};tag=${toTag}` : to;
  return 'SIP/2.0 200 OK\r\n'
    + `${lines(request, 'via', 'Via')}From: ${request.header('from') ?? ''}\r\nTo: ${tagged}\r\n`
    + `Call-ID: ${request.callId}\r\nCSeq: ${request.cseq.seq} ${request.cseq.method}\r\n${contact(local)}Content-Length: 0\r\n\r\n`;
}

/** §9.1: CANCEL copies Request-URI, the top Via (same branch), From, To, Call-ID, CSeq number and Route. */
export function cancelFor(invite: SipRequest): string {
  return `CANCEL ${invite.uriText} SIP/2.0\r\nVia: ${invite.headerValues('via')[0] ?? ''}\r\n`
    + `From: ${invite.header('from') ?? ''}\r\nTo: ${invite.header('to') ?? ''}\r\nCall-ID: ${invite.callId}\r\n`
    + `CSeq: ${invite.cseq.seq} CANCEL\r\n${lines(invite, 'route', 'Route')}Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n`;
}

/** §17.1.1.3: the ACK to a non-2xx final response shares the INVITE's branch and takes the response's To. */
export function ackForNon2xx(invite: SipRequest, response: SipResponse): string {
  return `ACK ${invite.uriText} SIP/2.0\r\nVia: ${invite.headerValues('via')[0] ?? ''}\r\n`
    + `From: ${invite.header('from') ?? ''}\r\nTo: ${response.header('to') ?? ''}\r\nCall-ID: ${invite.callId}\r\n`
    + `CSeq: ${invite.cseq.seq} ACK\r\n${lines(invite, 'route', 'Route')}Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n`;
}

/** §12.1.2: the remote target is the 2xx's Contact; the route set is its Record-Route reversed. */
function dialogTarget(invite: SipRequest, response: SipResponse): { uri: string; routes: string } {
  const c = response.contact;
  const first = c !== undefined && !c.star ? c.contacts[0] : undefined;
  const uri = first === undefined ? invite.uriText : formatUri(first.uri);
  const rr = [...response.headerValues('record-route')].reverse();
  return { uri, routes: rr.length === 0 ? '' : `Route: ${rr.join(', ')}\r\n` };
}

/** §13.2.2.4: the ACK for a 2xx is a new transaction (own branch) within the dialog. */
export function ackFor2xx(invite: SipRequest, response: SipResponse, local: LocalAddress, branch: string): string {
  const target = dialogTarget(invite, response);
  return `ACK ${target.uri} SIP/2.0\r\n${via(local, branch)}From: ${invite.header('from') ?? ''}\r\n`
    + `To: ${response.header('to') ?? ''}\r\nCall-ID: ${invite.callId}\r\nCSeq: ${invite.cseq.seq} ACK\r\n`
    + `${target.routes}Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n`;
}

/** §15.1.1: BYE within the dialog the 2xx set up, with a CSeq above every one used so far. */
export function byeFor(invite: SipRequest, response: SipResponse, local: LocalAddress, branch: string, seq: number): string {
  const target = dialogTarget(invite, response);
  return `BYE ${target.uri} SIP/2.0\r\n${via(local, branch)}From: ${invite.header('from') ?? ''}\r\n`
    + `To: ${response.header('to') ?? ''}\r\nCall-ID: ${invite.callId}\r\nCSeq: ${seq} BYE\r\n`
    + `${target.routes}${contact(local)}Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n`;
}
