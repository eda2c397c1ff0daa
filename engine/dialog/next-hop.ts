/**
 * Where a request goes first (RFC 3261 §8.1.2, RFC 3263 §4 reduced to IP literals): the URI's host
 * and port, its `transport` parameter, sips → TLS. Name resolution belongs above (a resolver can be injected).
 */
import type { TransportProtocol } from '../ports/transport';
import type { Uri } from '../sip/types';
import type { Destination } from '../transport/transport-layer';

const PROTOCOLS: Readonly<Record<string, TransportProtocol>> = { udp: 'udp', tcp: 'tcp', tls: 'tls', ws: 'ws', wss: 'wss' };

/** Resolves a URI to a destination, or undefined when it is not a sip/sips URI with an IP host we can use. */
export type NextHopResolver = (uri: Uri) => Destination | undefined;

export const literalNextHop: NextHopResolver = (uri) => {
  if (uri.scheme !== 'sip' && uri.scheme !== 'sips') return undefined;
  if (!('host' in uri)) return undefined;
  const maddr = uri.params.get('maddr');
  const host = typeof maddr === 'string' && maddr !== '' ? maddr : uri.host;
  const param = uri.params.get('transport');
  let protocol: TransportProtocol | undefined = typeof param === 'string' ? PROTOCOLS[param.toLowerCase()] : undefined;
  if (typeof param === 'string' && protocol === undefined) return undefined;
  // RFC 3263 §4.1: sips without a transport parameter means TLS.
  if (protocol === undefined) protocol = uri.scheme === 'sips' ? 'tls' : 'udp';
  const port = uri.port ?? (protocol === 'tls' || protocol === 'wss' ? 5061 : 5060);
  return { protocol, address: { host, port } };
};
