/** The 400 (or 505) for a request that failed to parse (RFC 3261 §8.2, §16.3, §21.4.1; §21.5.6 for the version). */
import type { SipParseError } from './parse-error';
import { parseNameAddr } from './name-addr';
import { reasonPhrase } from './reason-phrases';

/**
 * Builds the response from the raw Via/From/To/Call-ID/CSeq lines the parser found (whichever exist); undefined when the
 * error does not allow a reply. The To tag, needed because the response is final (§8.2.6.2), is a hash
 * of the request's identifiers so that a retransmitted bad request gets the same answer.
 */
export function createBadRequestResponse(error: SipParseError): Uint8Array | undefined {
  const ctx = error.replyContext;
  if (!error.canReply || error.isRequest === false || ctx === undefined) return undefined;
  const status = error.code === 'bad-version' ? 505 : 400;
  const phrase = `${reasonPhrase(status)} - ${printable(error.reason)}`;
  let text = `SIP/2.0 ${status} ${phrase}\r\n`;
  for (const via of ctx.vias) text += `Via: ${via}\r\n`;
  if (ctx.from !== undefined) text += `From: ${ctx.from}\r\n`;
  // RFC 4475 §3.3.1: the 400 copies only what the request had; a missing To gets none (no To to add a tag to).
  if (ctx.to !== undefined) {
    text += `To: ${hasTag(ctx.to) ? ctx.to : `${ctx.to};tag=${hashTag((ctx.callId ?? '') + ctx.cseq + (ctx.vias[0] ?? '') + (ctx.from ?? ''))}`}\r\n`;
  }
  if (ctx.callId !== undefined) text += `Call-ID: ${ctx.callId}\r\n`;
  text += `CSeq: ${ctx.cseq}\r\nContent-Length: 0\r\n\r\n`;
  return Buffer.from(text, 'utf8');
}

function printable(reason: string): string {
  const cleaned = reason.replace(/[\x00-\x1f\x7f]/g, ' ');
  return cleaned.length > 120 ? `${cleaned.slice(0, 117)}...` : cleaned;
}

function hasTag(to: string): boolean {
  const parsed = parseNameAddr(to);
  return parsed !== undefined ? parsed.params.has('tag') : /;\s*tag\s*=/i.test(to);
}

/** FNV-1a, 32 bits, as 8 hex digits. */
function hashTag(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
