/** Header parameters `;name[=value]` (RFC 3261 §7.3.1 generic-param, §25.1): names lower-cased, quoted values kept with their quotes. */
import type { Params } from './types';
import { TOKEN_CHARS, skipQuoted, skipWs } from './text-scan';

export const EMPTY_PARAMS: Params = new Map<string, string | null>();

/**
 * Parses `;a=1;b;c="x y"` from `start` to the end of `text`; undefined when anything is malformed
 * (an empty name or value, a stray character, an unterminated quote). Leading whitespace is allowed.
 */
export function parseParams(text: string, start: number): Map<string, string | null> | undefined {
  const params = new Map<string, string | null>();
  const n = text.length;
  let i = skipWs(text, start);
  while (i < n) {
    if (text.charCodeAt(i) !== 59) return undefined;
    i = skipWs(text, i + 1);
    const nameStart = i;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c >= 128 || TOKEN_CHARS[c] === 0) break;
      i++;
    }
    if (i === nameStart) return undefined;
    const name = text.slice(nameStart, i).toLowerCase();
    i = skipWs(text, i);
    let value: string | null = null;
    if (i < n && text.charCodeAt(i) === 61) {
      i = skipWs(text, i + 1);
      const valueStart = i;
      if (i < n && text.charCodeAt(i) === 34) {
        i = skipQuoted(text, i);
        if (i < 0) return undefined;
      } else {
        i = valueEnd(text, i);
      }
      if (i === valueStart) return undefined;
      value = text.slice(valueStart, i);
      i = skipWs(text, i);
    }
    if (!params.has(name)) params.set(name, value);
  }
  return params;
}

/** End of an unquoted param value: token chars plus the host / IPv6 characters `:` `[` `]`. */
function valueEnd(text: string, i: number): number {
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 59 || c === 44 || c === 34 || c === 32 || c === 9 || c === 13 || c === 10) break;
    i++;
  }
  return i;
}

export function formatParams(params: Params): string {
  let out = '';
  for (const [name, value] of params) out += value === null ? `;${name}` : `;${name}=${value}`;
  return out;
}

/** Strips one level of quotes from a param value written as a quoted-string, undoing quoted-pairs. */
export function unquoteParam(value: string): string {
  if (value.length < 2 || value.charCodeAt(0) !== 34 || value.charCodeAt(value.length - 1) !== 34) return value;
  const inner = value.slice(1, -1);
  return inner.indexOf('\\') < 0 ? inner : inner.replace(/\\(.)/g, '$1');
}
