/** Whether a URI names this engine: a sip/sips URI whose host and port are one of our listen points (like OpenSIPS `uri == myself`). */
import type { Uri } from '../sip/types';
import { sameHost } from '../transport/address';
import { defaultPort, type ListenPoint } from '../transport/listen-point';

export function isLocalUri(uri: Uri, points: readonly ListenPoint[]): boolean {
  if (uri.scheme !== 'sip' && uri.scheme !== 'sips') return false;
  if (!('host' in uri)) return false;
  const transport = uri.params.get('transport');
  const protocol = typeof transport === 'string' ? transport.toLowerCase() : uri.scheme === 'sips' ? 'tls' : 'udp';
  const port = uri.port ?? defaultPort(protocol);
  for (const point of points) {
    if (port !== point.advertised.port && port !== point.local.port) continue;
    if (sameHost(uri.host, point.advertised.host) || sameHost(uri.host, point.local.host)) return true;
  }
  return false;
}
