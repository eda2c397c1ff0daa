/** A local socket the transport layer sends from and receives on, with the address it advertises in Via (RFC 3261 §18.1.1). */
import type { SocketAddress, TransportProtocol } from '../ports/transport';
import { sameHost } from './address';

export interface ListenPoint {
  readonly protocol: TransportProtocol;
  /** The bound address (host may be a wildcard such as 0.0.0.0 or ::). */
  readonly local: SocketAddress;
  /** What goes in Via sent-by: a public address or name when the socket sits behind NAT. */
  readonly advertised: { readonly host: string; readonly port: number };
}

/** The default port of a transport when a URI or Via leaves it out (RFC 3261 §19.1.2, §18.2.2). */
export function defaultPort(protocol: TransportProtocol | string): number {
  const p = protocol.toLowerCase();
  return p === 'tls' || p === 'wss' ? 5061 : 5060;
}

/** The Via transport token for a protocol (§20.42: upper case). */
export function viaTransportToken(protocol: TransportProtocol): string {
  return protocol.toUpperCase();
}

/** Maps a Via transport token back to a protocol we know, or undefined (SCTP and unknown tokens). */
export function protocolFromViaToken(token: string): TransportProtocol | undefined {
  switch (token.toUpperCase()) {
    case 'UDP': return 'udp';
    case 'TCP': return 'tcp';
    case 'TLS': return 'tls';
    case 'WS': return 'ws';
    case 'WSS': return 'wss';
    default: return undefined;
  }
}

/** Whether a Via sent-by (host and optional port) names one of our listen points (§18.1.2). */
export function sentByMatches(points: readonly ListenPoint[], host: string, port: number | undefined): boolean {
  for (const point of points) {
    const effectivePort = port ?? defaultPort(point.protocol);
    if (effectivePort === point.advertised.port && sameHost(host, point.advertised.host)) return true;
  }
  return false;
}
