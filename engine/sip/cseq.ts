/** CSeq (RFC 3261 §20.16, §8.1.1.5: the number MUST be less than 2^31) and RSeq / RAck (RFC 3262 §7). */
import type { CSeq, RAck } from './types';
import { isToken, parseDecimal } from './text-scan';

export const MAX_SEQ = 2 ** 31 - 1;

function words(text: string): string[] {
  const trimmed = text.trim();
  const sp = trimmed.indexOf(' ');
  // Fast path for the common "1 INVITE"; anything else goes through the general split.
  if (sp > 0 && trimmed.indexOf(' ', sp + 1) < 0 && trimmed.indexOf('\t') < 0) return [trimmed.slice(0, sp), trimmed.slice(sp + 1)];
  return trimmed.split(/[ \t\r\n]+/);
}

export function parseCSeq(text: string): CSeq | undefined {
  const parts = words(text);
  if (parts.length !== 2) return undefined;
  const seq = parseDecimal(parts[0]!, MAX_SEQ);
  const method = parts[1]!;
  if (seq === undefined || !isToken(method)) return undefined;
  return { seq, method };
}

export function formatCSeq(cseq: CSeq): string {
  return `${cseq.seq} ${cseq.method}`;
}

/** RSeq (RFC 3262 §7.1): 1 to 2^31-1. */
export function parseRSeq(text: string): number | undefined {
  const v = parseDecimal(text.trim(), MAX_SEQ);
  return v === undefined || v === 0 ? undefined : v;
}

/** RAck = response-num LWS CSeq-num LWS Method (RFC 3262 §7.2). */
export function parseRAck(text: string): RAck | undefined {
  const parts = words(text);
  if (parts.length !== 3) return undefined;
  const rseq = parseDecimal(parts[0]!, MAX_SEQ);
  const cseq = parseDecimal(parts[1]!, MAX_SEQ);
  const method = parts[2]!;
  if (rseq === undefined || cseq === undefined || !isToken(method)) return undefined;
  return { rseq, cseq, method };
}

export function formatRAck(rack: RAck): string {
  return `${rack.rseq} ${rack.cseq} ${rack.method}`;
}
