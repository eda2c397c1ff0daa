/**
 * Where the 400 for an unparseable request goes: the §18.2.2 route computed from the Via the 400
 * copied, stamped with received/rport as §18.2.1 and RFC 3581 would have; the packet source when
 * even that Via cannot be read (the only address known to be live).
 */
import type { ParseLimits } from '../sip';
import { parseMessage } from '../sip';
import type { Via } from '../sip/types';
import { isIpLiteral, sameHost } from './address';
import { routeResponse, type ResponseRoute } from './response-route';
import type { ReceiveContext } from './transport-layer';

type Route = Extract<ResponseRoute, { ok: true }>;

export function badRequestRoute(bytes: Uint8Array, context: ReceiveContext, reliable: boolean, limits: Partial<ParseLimits> | undefined): Route {
  const toSource: Route = {
    ok: true, protocol: context.protocol, local: context.local, destination: context.source,
    ...(context.connectionId !== undefined ? { connectionId: context.connectionId } : {}),
  };
  const parsed = parseMessage(bytes, limits);
  if (!parsed.ok) return toSource;
  const route = routeResponse(stampedVia(parsed.message.topVia, context), context, reliable);
  return route.ok ? route : toSource;
}

function stampedVia(via: Via, context: ReceiveContext): Via {
  const wantsRport = via.rport === true;
  const differs = !isIpLiteral(via.host) || !sameHost(via.host, context.source.host);
  if (!differs && !wantsRport) return via;
  return { ...via, received: context.source.host, ...(wantsRport ? { rport: context.source.port } : {}) };
}
