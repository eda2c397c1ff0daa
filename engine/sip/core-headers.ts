/** The mandatory headers every message must carry (RFC 3261 §8.1.1, §20), validated once when a message is parsed or built. */
import type { CSeq, NameAddr, RawHeader, Via } from './types';
import type { SipParseErrorCode } from './parse-error';
import { HeaderCollector } from './header-collector';
import { parseCSeq } from './cseq';
import { parseNameAddr } from './name-addr';
import { splitHeaderList } from './split-header-list';
import { parseVia } from './via';

export interface CoreHeaders {
  readonly topVia: Via;
  readonly from: NameAddr;
  readonly to: NameAddr;
  readonly callId: string;
  readonly cseq: CSeq;
}

export type CoreResult =
  | { readonly ok: true; readonly core: CoreHeaders }
  | { readonly ok: false; readonly code: SipParseErrorCode; readonly reason: string };

/** Header keys whose edit invalidates CoreHeaders. */
export const CORE_KEYS: ReadonlySet<string> = new Set(['via', 'from', 'to', 'call-id', 'cseq']);

function bad(code: SipParseErrorCode, reason: string): CoreResult {
  return { ok: false, code, reason };
}

/** `requestMethod` is set for requests: §8.1.1.5 and RFC 4475 §3.1.2.17 make a CSeq method differing from the request method invalid. */
export function validateCore(c: HeaderCollector, requestMethod: string | undefined): CoreResult {
  const firstVia = c.vias[0];
  if (firstVia === undefined) return bad('missing-header', 'missing Via');
  if (c.from === undefined) return bad('missing-header', 'missing From');
  if (c.to === undefined) return bad('missing-header', 'missing To');
  if (c.callId === undefined) return bad('missing-header', 'missing Call-ID');
  if (c.cseq === undefined) return bad('missing-header', 'missing CSeq');
  // §7.3.1 / RFC 4475 §3.1.2.19: these headers are single-valued; several lines make the message invalid.
  if (c.fromCount > 1) return bad('duplicate-header', 'more than one From');
  if (c.toCount > 1) return bad('duplicate-header', 'more than one To');
  if (c.callIdCount > 1) return bad('duplicate-header', 'more than one Call-ID');
  if (c.cseqCount > 1) return bad('duplicate-header', 'more than one CSeq');
  const viaText = splitHeaderList(firstVia)[0];
  const topVia = viaText === undefined ? undefined : parseVia(viaText);
  if (topVia === undefined) return bad('bad-via', 'malformed top Via');
  const from = parseNameAddr(c.from);
  if (from === undefined) return bad('bad-from', 'malformed From');
  const to = parseNameAddr(c.to);
  if (to === undefined) return bad('bad-to', 'malformed To');
  const callId = c.callId;
  if (callId.length === 0 || callId.indexOf(' ') >= 0 || callId.indexOf('\t') >= 0) return bad('bad-call-id', 'malformed Call-ID');
  const cseq = parseCSeq(c.cseq);
  if (cseq === undefined) return bad('bad-cseq', 'malformed CSeq (number must be below 2^31, then a method)');
  if (requestMethod !== undefined && cseq.method !== requestMethod) {
    return bad('cseq-method-mismatch', `CSeq method ${cseq.method} does not match request method ${requestMethod}`);
  }
  return { ok: true, core: { topVia, from, to, callId, cseq } };
}

export function extractCore(headers: readonly RawHeader[], requestMethod: string | undefined): CoreResult {
  return validateCore(HeaderCollector.of(headers), requestMethod);
}
