/**
 * The Via edits of the transport layer: received/rport on inbound requests (RFC 3261 §18.2.1,
 * RFC 3581 §4) and sent-by/transport/rport on outbound requests (§18.1.1, RFC 3581 §3).
 */
import type { SocketAddress, TransportProtocol } from '../ports/transport';
import type { SipRequest } from '../sip/message';
import { isIpLiteral, sameHost } from './address';
import { viaTransportToken, type ListenPoint } from './listen-point';
import { formatSentBy, joinVia, splitVia, withViaParams } from './via-edit';

/**
 * Stamps the top Via of a received request. Returns the request itself when nothing changes,
 * which is the common case on a LAN without rport.
 */
export function stampReceived(request: SipRequest, source: SocketAddress): SipRequest {
  const via = request.topVia;
  const wantsRport = via.rport === true;
  // §18.2.1: a domain sent-by, or an IP differing from the packet source, MUST get received.
  const differs = !isIpLiteral(via.host) || !sameHost(via.host, source.host);
  if (!differs && !wantsRport) return request;
  // RFC 3581 §4: when rport is asked for, received is added even if it equals sent-by.
  const updates: Array<readonly [string, string | null | undefined]> = [['received', source.host]];
  if (wantsRport) updates.push(['rport', String(source.port)]);
  return replaceTopVia(request, (value) => {
    const parts = splitVia(value);
    return parts === undefined ? undefined : joinVia(withViaParams(parts, updates));
  });
}

/** Fills the top Via of an outgoing request with our transport and advertised sent-by; adds `;rport` if asked. */
export function stampSentBy(request: SipRequest, protocol: TransportProtocol, point: ListenPoint, addRport: boolean): SipRequest {
  const via = request.topVia;
  const token = viaTransportToken(protocol);
  const host = point.advertised.host;
  const port = point.advertised.port;
  const rportOk = !addRport || via.rport !== undefined;
  if (via.transport === token && via.port === port && sameHost(via.host, host) && rportOk) return request;
  return replaceTopVia(request, (value) => {
    const parts = splitVia(value);
    if (parts === undefined) return undefined;
    const filled = { ...parts, transport: token, sentBy: formatSentBy(host, port) };
    return joinVia(addRport && via.rport === undefined ? withViaParams(filled, [['rport', null]]) : filled);
  });
}

function replaceTopVia(request: SipRequest, edit: (value: string) => string | undefined): SipRequest {
  const values = request.headerValues('via');
  const first = values[0];
  if (first === undefined) return request;
  const edited = edit(first);
  if (edited === undefined) return request;
  const next = values.slice();
  next[0] = edited;
  return request.withHeaderValues('Via', next);
}
