/** Maps Node socket errors onto the Transport port's failure kinds (RFC 3261 §18.4 error handling). */
import type { TransportErrorKind } from '../ports/transport';

export function failureKind(error: Error): TransportErrorKind {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection-refused';
    case 'EMSGSIZE':
      return 'too-large';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
    case 'ENETDOWN':
    case 'ETIMEDOUT':
    case 'EADDRNOTAVAIL':
    case 'EAFNOSUPPORT':
    case 'EINVAL':
      return 'unreachable';
    default:
      return 'connection-closed';
  }
}

export function errorDetail(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code !== undefined ? `${code}: ${error.message}` : error.message;
}

/** Dual-stack sockets report IPv4 peers as ::ffff:a.b.c.d; the engine wants the plain IPv4 form. */
export function normalizeAddress(host: string): string {
  return host.startsWith('::ffff:') && host.indexOf('.') > 0 ? host.slice(7) : host;
}
