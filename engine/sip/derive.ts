/** Shared steps of the derivation methods: re-validate the mandatory headers only when an edit touched them (RFC 3261 §8.1.1). */
import type { RawHeader } from './types';
import { SipBuildError } from './build-error';
import { CORE_KEYS, extractCore, type CoreHeaders } from './core-headers';
import { headerKey } from './header-names';
import { removeHeader, setHeaderValues, withContentLength } from './header-edit';

export function coreAfterEdit(core: CoreHeaders, headers: readonly RawHeader[], changedName: string | undefined): CoreHeaders {
  if (changedName !== undefined && !CORE_KEYS.has(headerKey(changedName))) return core;
  return requireCore(headers, undefined);
}

export function requireCore(headers: readonly RawHeader[], requestMethod: string | undefined): CoreHeaders {
  const result = extractCore(headers, requestMethod);
  if (!result.ok) throw new SipBuildError(result.code, result.reason);
  return result.core;
}

/** Headers for a new body: Content-Length follows; Content-Type set when given, dropped with an empty body. */
export function headersForBody(headers: readonly RawHeader[], body: Uint8Array, contentType: string | undefined): RawHeader[] {
  let out = withContentLength(headers, body.length);
  if (contentType !== undefined) out = setHeaderValues(out, 'Content-Type', [contentType]);
  else if (body.length === 0) out = removeHeader(out, 'content-type');
  return out;
}
