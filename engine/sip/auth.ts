/** Authentication challenges and credentials (RFC 3261 §20.27, §20.44, §25.1; RFC 7616 Digest): one per header line. */
import type { AuthValue } from './types';
import { TOKEN_CHARS, quote, readQuoted, skipWs } from './text-scan';

/** Parses `Digest realm="x", nonce="y", qop="auth,auth-int"`; quoted values are unquoted, names lower-cased. */
export function parseAuth(text: string): AuthValue | undefined {
  let i = skipWs(text, 0);
  const schemeStart = i;
  i = tokenEnd(text, i);
  if (i === schemeStart) return undefined;
  const scheme = text.slice(schemeStart, i);
  const params = new Map<string, string>();
  const n = text.length;
  i = skipWs(text, i);
  while (i < n) {
    const nameStart = i;
    i = tokenEnd(text, i);
    if (i === nameStart) return undefined;
    const name = text.slice(nameStart, i).toLowerCase();
    i = skipWs(text, i);
    if (text.charCodeAt(i) !== 61) return token68(scheme, text, nameStart);
    i = skipWs(text, i + 1);
    let value: string;
    if (text.charCodeAt(i) === 34) {
      const q = readQuoted(text, i);
      if (q === undefined) return undefined;
      value = q.value;
      i = q.end;
    } else {
      const valueStart = i;
      while (i < n && text.charCodeAt(i) !== 44 && text.charCodeAt(i) !== 32 && text.charCodeAt(i) !== 9) i++;
      if (i === valueStart) return undefined;
      value = text.slice(valueStart, i);
    }
    if (!params.has(name)) params.set(name, value);
    i = skipWs(text, i);
    if (i < n) {
      if (text.charCodeAt(i) !== 44) return undefined;
      i = skipWs(text, i + 1);
    }
  }
  return { scheme, params };
}

/** `Basic dXNlcg==` style credentials: kept whole under the empty param name. */
function token68(scheme: string, text: string, start: number): AuthValue | undefined {
  const rest = text.slice(start).trim();
  if (rest.length === 0 || /[ \t,]/.test(rest)) return undefined;
  return { scheme, params: new Map([['', rest]]) };
}

function tokenEnd(text: string, i: number): number {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c >= 128 || TOKEN_CHARS[c] === 0) break;
    i++;
  }
  return i;
}

/** Params that RFC 7616 §3.3/§3.4 write unquoted; everything else is quoted. */
const UNQUOTED_CHALLENGE = new Set(['algorithm', 'stale']);
const UNQUOTED_CREDENTIALS = new Set(['algorithm', 'nc', 'qop']);

/** qop is a quoted list in a challenge but a bare token in credentials, hence `kind`. */
export function formatAuth(value: AuthValue, kind: 'challenge' | 'credentials' = 'challenge'): string {
  const unquoted = kind === 'challenge' ? UNQUOTED_CHALLENGE : UNQUOTED_CREDENTIALS;
  const token = value.params.get('');
  if (token !== undefined && value.params.size === 1) return `${value.scheme} ${token}`;
  const parts: string[] = [];
  for (const [name, v] of value.params) {
    if (name === '') continue;
    parts.push(`${name}=${unquoted.has(name) ? v : quote(v)}`);
  }
  return `${value.scheme} ${parts.join(', ')}`;
}
