/** Where a response goes (RFC 3261 §18.2.2, RFC 3581 §4): chosen from its top Via and the request's receive context. */
import type { SocketAddress, TransportProtocol } from '../ports/transport';
import type { Via } from '../sip/types';
import { isIpLiteral } from './address';
import { defaultPort } from './listen-point';
import type { ReceiveContext } from './transport-layer';

export type ResponseRoute =
  | {
    readonly ok: true;
    readonly protocol: TransportProtocol;
    /** §18.2.2 / RFC 3581 §4: the response leaves from the address and port the request came in on. */
    readonly local: SocketAddress;
    readonly destination: SocketAddress;
    /** Reliable transports: the connection the request came on, used while it is still open. */
    readonly connectionId?: string;
  }
  | { readonly ok: false; readonly code: 'no-route'; readonly reason: string };

export function routeResponse(via: Via, context: ReceiveContext, reliable: boolean): ResponseRoute {
  const protocol = context.protocol;
  const sentByPort = via.port ?? defaultPort(protocol);
  if (reliable) {
    // §18.2.2: reuse the request's connection; if it closed, connect to received (else sent-by) at the sent-by port.
    const host = via.received ?? via.host;
    return {
      ok: true, protocol, local: context.local, destination: { host, port: sentByPort },
      ...(context.connectionId !== undefined ? { connectionId: context.connectionId } : {}),
    };
  }
  if (via.maddr !== undefined) {
    // §18.2.2: maddr present, send there at the sent-by port (or 5060); no resolver here, so only IP literals.
    if (!isIpLiteral(via.maddr)) return noRoute(`maddr "${via.maddr}" is not an IP address`);
    return { ok: true, protocol, local: context.local, destination: { host: via.maddr, port: sentByPort } };
  }
  // RFC 3581 §4: received + rport send to that address and port; §18.2.2: received alone uses the sent-by port.
  const host = via.received ?? via.host;
  if (!isIpLiteral(host)) return noRoute(`sent-by "${host}" is a name and the request left no received address`);
  const port = typeof via.rport === 'number' ? via.rport : sentByPort;
  return { ok: true, protocol, local: context.local, destination: { host, port } };
}

function noRoute(reason: string): ResponseRoute {
  return { ok: false, code: 'no-route', reason };
}
