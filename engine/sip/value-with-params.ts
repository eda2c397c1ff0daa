/** Generic `value;param=x` headers (RFC 3261 §7.3.1): Content-Type, Event, Subscription-State, Session-Expires, Retry-After … */
import type { ValueWithParams } from './types';
import { EMPTY_PARAMS, formatParams, parseParams } from './params';

/**
 * Parses `value *(;param)`. The value is everything before the first `;` (trimmed, case kept); a
 * Retry-After comment `(…)` after the value is dropped (§20.33).
 */
export function parseValueWithParams(text: string): ValueWithParams | undefined {
  const semi = text.indexOf(';');
  let value = (semi < 0 ? text : text.slice(0, semi)).trim();
  const paren = value.indexOf('(');
  if (paren > 0) value = value.slice(0, paren).trim();
  if (value.length === 0) return undefined;
  if (semi < 0) return { value, params: EMPTY_PARAMS };
  const params = parseParams(text, semi);
  return params === undefined ? undefined : { value, params };
}

export function formatValueWithParams(v: ValueWithParams): string {
  return v.value + formatParams(v.params);
}
