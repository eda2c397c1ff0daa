/** Reason header values (RFC 3326 §2): `protocol ;cause=N ;text="…"`. */
import type { ReasonValue } from './types';
import { formatParams, parseParams, unquoteParam } from './params';
import { isToken, parseDecimal, quote } from './text-scan';

type MutableReason = { -readonly [K in keyof ReasonValue]: ReasonValue[K] };

export function parseReason(text: string): ReasonValue | undefined {
  const semi = text.indexOf(';');
  const protocol = (semi < 0 ? text : text.slice(0, semi)).trim();
  if (!isToken(protocol)) return undefined;
  const params = semi < 0 ? new Map<string, string | null>() : parseParams(text, semi);
  if (params === undefined) return undefined;
  const reason: MutableReason = { protocol, params };
  const cause = params.get('cause');
  if (cause !== undefined) {
    const n = cause === null ? undefined : parseDecimal(cause, 65535);
    if (n === undefined) return undefined;
    reason.cause = n;
  }
  const reasonText = params.get('text');
  if (typeof reasonText === 'string') reason.text = unquoteParam(reasonText);
  return reason;
}

/** Writes cause and text from the named fields, other params from the map. */
export function formatReason(reason: ReasonValue): string {
  const params = new Map(reason.params);
  params.delete('cause');
  params.delete('text');
  let out = reason.protocol;
  if (reason.cause !== undefined) out += `;cause=${reason.cause}`;
  if (reason.text !== undefined) out += `;text=${quote(reason.text)}`;
  return out + formatParams(params);
}
