/** `[authentication]`: Digest MD5 credentials for a stored challenge (RFC 2617 §3.2.2, RFC 3261 §22.4), as SIPp builds them. */
import { createHash } from 'node:crypto';
import { parseAuth } from '../../engine/sip';

export interface Challenge {
  /** 401 → Authorization, 407 → Proxy-Authorization (RFC 3261 §22.2, §22.3). */
  readonly status: 401 | 407;
  /** The WWW-/Proxy-Authenticate value. */
  readonly value: string;
}

const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

/** The full header line; `cnonce` comes from the caller's Random so runs stay reproducible. */
export function digestHeaderLine(
  challenge: Challenge, user: string, password: string, method: string, uri: string, cnonce: string,
): string {
  const name = challenge.status === 401 ? 'Authorization' : 'Proxy-Authorization';
  const parsed = parseAuth(challenge.value);
  const params = parsed?.params ?? new Map<string, string>();
  const realm = params.get('realm') ?? '';
  const nonce = params.get('nonce') ?? '';
  const opaque = params.get('opaque');
  const qops = (params.get('qop') ?? '').split(',').map((q) => q.trim());
  const ha1 = md5(`${user}:${realm}:${password}`);
  const ha2 = md5(`${method}:${uri}`);
  const parts = [`username="${user}"`, `realm="${realm}"`, `nonce="${nonce}"`, `uri="${uri}"`];
  if (qops.includes('auth')) {
    const nc = '00000001';
    parts.push(`response="${md5(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`)}"`, 'algorithm=MD5', `cnonce="${cnonce}"`, 'qop=auth', `nc=${nc}`);
  } else {
    parts.push(`response="${md5(`${ha1}:${nonce}:${ha2}`)}"`, 'algorithm=MD5');
  }
  if (opaque !== undefined) parts.push(`opaque="${opaque}"`);
  return `${name}: Digest ${parts.join(', ')}`;
}
