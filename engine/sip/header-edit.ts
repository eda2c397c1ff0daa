/** Pure edits of a header line list (RFC 3261 §7.3: order of same-named lines is significant); the unchanged lines are shared. */
import type { RawHeader } from './types';
import { SipBuildError } from './build-error';
import { headerKey } from './header-names';
import { splitHeaderList } from './split-header-list';
import { isToken } from './text-scan';

/** A header line from code: the name must be a token and the value must not smuggle line breaks. */
export function makeRawHeader(name: string, value: string): RawHeader {
  if (!isToken(name)) throw new SipBuildError('bad-header', `header name ${JSON.stringify(name)} is not a token`);
  if (/[\r\n]/.test(value)) throw new SipBuildError('bad-header', `value of ${name} contains a line break`);
  return { name, key: headerKey(name), value: value.trim() };
}

export function addHeader(headers: readonly RawHeader[], name: string, value: string, position: 'append' | 'prepend'): RawHeader[] {
  const line = makeRawHeader(name, value);
  const out = headers.slice();
  if (position === 'prepend') {
    const first = out.findIndex((h) => h.key === line.key);
    if (first >= 0) {
      out.splice(first, 0, line);
      return out;
    }
  }
  out.push(line);
  return out;
}

/** Replaces every line of a header with one line per value, where the first line was (or at the end). */
export function setHeaderValues(headers: readonly RawHeader[], name: string, values: readonly string[]): RawHeader[] {
  const key = headerKey(name);
  const out: RawHeader[] = [];
  let at = -1;
  for (const h of headers) {
    if (h.key !== key) out.push(h);
    else if (at < 0) at = out.length;
  }
  const lines = values.map((v) => makeRawHeader(name, v));
  out.splice(at < 0 ? out.length : at, 0, ...lines);
  return out;
}

export function removeHeader(headers: readonly RawHeader[], name: string): RawHeader[] {
  const key = headerKey(name);
  return headers.filter((h) => h.key !== key);
}

/** Drops the first Via value: the whole first line, or its first element when the line holds several. */
export function removeTopVia(headers: readonly RawHeader[]): RawHeader[] {
  const index = headers.findIndex((h) => h.key === 'via');
  if (index < 0) throw new SipBuildError('missing-header', 'no Via to remove');
  const out = headers.slice();
  const line = headers[index]!;
  const rest = splitHeaderList(line.value).slice(1);
  if (rest.length === 0) out.splice(index, 1);
  else out[index] = { name: line.name, key: line.key, value: rest.join(', ') };
  return out;
}

/** Keeps the Content-Length line in step with a new body (the serializer recomputes it anyway). */
export function withContentLength(headers: readonly RawHeader[], length: number): RawHeader[] {
  const value = String(length);
  return headers.map((h) => (h.key === 'content-length' && h.value !== value ? { name: h.name, key: h.key, value } : h));
}
