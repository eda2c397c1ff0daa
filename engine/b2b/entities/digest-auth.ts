/**
 * Answering a 401/407 challenge on a request we sent (RFC 3261 §22.2–22.3, RFC 2617 §3.2.2, RFC 7616
 * §3.4): MD5 / SHA-256 digest with or without qop=auth, from the configured credentials (uac_auth's
 * credential list, opensips-b2b.md §1.6). node:crypto computes hashes only; it does no I/O.
 */
import { createHash } from 'node:crypto';
import { formatAuth } from '../../sip';
import type { SipRequest, SipResponse } from '../../sip/message';
import type { AuthValue } from '../../sip/types';
import type { DigestCredential } from './entity-types';

const ALGORITHMS: Readonly<Record<string, string>> = { md5: 'md5', 'sha-256': 'sha256' };

function digest(algorithm: string, text: string): string {
  return createHash(algorithm).update(text, 'utf8').digest('hex');
}

export interface DigestInput {
  readonly method: string;
  readonly digestUri: string;
  readonly challenge: AuthValue;
  readonly credential: DigestCredential;
  readonly cnonce: string;
  readonly nc: number;
}

/** The Authorization / Proxy-Authorization value for one challenge, or undefined when we cannot answer it. */
export function digestCredentials(input: DigestInput): string | undefined {
  const { challenge, credential } = input;
  if (challenge.scheme.toLowerCase() !== 'digest') return undefined;
  const realm = challenge.params.get('realm');
  const nonce = challenge.params.get('nonce');
  if (realm === undefined || nonce === undefined) return undefined;
  const algorithmName = challenge.params.get('algorithm') ?? 'MD5';
  const algorithm = ALGORITHMS[algorithmName.toLowerCase()];
  if (algorithm === undefined) return undefined;
  const qops = (challenge.params.get('qop') ?? '').split(',').map((q) => q.trim().toLowerCase()).filter((q) => q !== '');
  // RFC 7616 §3.4.3: auth-int needs the body hash; we answer only challenges offering plain auth (or none).
  if (qops.length > 0 && !qops.includes('auth')) return undefined;
  const ha1 = digest(algorithm, `${credential.username}:${realm}:${credential.password}`);
  const ha2 = digest(algorithm, `${input.method}:${input.digestUri}`);
  const nc = input.nc.toString(16).padStart(8, '0');
  const response = qops.length > 0
    ? digest(algorithm, `${ha1}:${nonce}:${nc}:${input.cnonce}:auth:${ha2}`)
    : digest(algorithm, `${ha1}:${nonce}:${ha2}`);
  const params = new Map<string, string>([
    ['username', credential.username], ['realm', realm], ['nonce', nonce], ['uri', input.digestUri], ['response', response],
    ['algorithm', algorithmName],
  ]);
  const opaque = challenge.params.get('opaque');
  if (opaque !== undefined) params.set('opaque', opaque);
  if (qops.length > 0) {
    params.set('qop', 'auth');
    params.set('nc', nc);
    params.set('cnonce', input.cnonce);
  }
  return formatAuth({ scheme: 'Digest', params }, 'credentials');
}

/**
 * The header to add when `response` challenges `request` and a credential fits one of its challenges
 * (§22.2: 401 → Authorization, §22.3: 407 → Proxy-Authorization); undefined otherwise.
 */
export function answerChallenge(
  request: SipRequest, response: SipResponse, credentials: readonly DigestCredential[], cnonce: string,
): readonly [string, string] | undefined {
  if (credentials.length === 0) return undefined;
  const proxy = response.status === 407;
  if (!proxy && response.status !== 401) return undefined;
  const challenges = proxy ? response.proxyAuthenticate : response.wwwAuthenticate;
  for (const challenge of challenges) {
    const realm = challenge.params.get('realm');
    const credential = credentials.find((c) => c.realm === realm) ?? credentials.find((c) => c.realm === '*');
    if (credential === undefined) continue;
    const value = digestCredentials({ method: request.method, digestUri: request.uriText, challenge, credential, cnonce, nc: 1 });
    if (value !== undefined) return [proxy ? 'Proxy-Authorization' : 'Authorization', value];
  }
  return undefined;
}
