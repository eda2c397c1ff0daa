/** Request-Line and Status-Line (RFC 3261 §7.1, §7.2, §25.1; strictness per RFC 4475 §3.1.2.7–3.1.2.11, 3.1.2.16, 3.1.2.19). */
import type { Uri } from './types';
import type { SipParseErrorCode } from './parse-error';
import { isToken } from './text-scan';
import { isSipUri, parseUri } from './uri';

export type StartLine =
  | { readonly kind: 'request'; readonly method: string; readonly uri: Uri; readonly uriText: string; readonly canonical: boolean }
  | { readonly kind: 'response'; readonly status: number; readonly reason: string; readonly canonical: boolean };

export interface StartLineError {
  readonly kind: 'error';
  readonly code: SipParseErrorCode;
  readonly reason: string;
  readonly isRequest?: boolean;
}

/** SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT, case-insensitive on receipt (§7.1). */
const VERSION = /^SIP\/\d+\.\d+$/i;

function error(code: SipParseErrorCode, reason: string, isRequest: boolean | undefined): StartLineError {
  return isRequest === undefined ? { kind: 'error', code, reason } : { kind: 'error', code, reason, isRequest };
}

function checkVersion(version: string, isRequest: boolean): StartLineError | undefined {
  if (!VERSION.test(version)) return error('bad-start-line', `malformed SIP version ${JSON.stringify(version)}`, isRequest);
  // §8.2 / §21.5.6: only SIP/2.0 is understood (RFC 4475 §3.1.2.16 badvers).
  if (version.toUpperCase() !== 'SIP/2.0') return error('bad-version', `unsupported version ${version}`, isRequest);
  return undefined;
}

export function parseStartLine(line: string): StartLine | StartLineError {
  if (line.length >= 4 && line.slice(0, 4).toUpperCase() === 'SIP/') return parseStatusLine(line);
  return parseRequestLine(line);
}

function parseStatusLine(line: string): StartLine | StartLineError {
  const sp = line.indexOf(' ');
  if (sp < 0) return error('bad-start-line', 'Status-Line has no status code', false);
  const bad = checkVersion(line.slice(0, sp), false);
  if (bad !== undefined) return bad;
  const codeText = line.slice(sp + 1, sp + 4);
  const after = line.length === sp + 4 ? 32 : line.charCodeAt(sp + 4);
  // §7.2: Status-Code is exactly 3 digits (RFC 4475 §3.1.2.19 bigcode).
  if (!/^[1-6]\d\d$/.test(codeText) || after !== 32) return error('bad-status', `bad status code in ${JSON.stringify(line.slice(0, 40))}`, false);
  const reason = line.slice(sp + 5);
  const canonical = sp === 7 && line.startsWith('SIP/2.0') && line.length > sp + 4;
  return { kind: 'response', status: Number(codeText), reason, canonical };
}

function parseRequestLine(line: string): StartLine | StartLineError {
  const sp1 = line.indexOf(' ');
  const sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
  const sp3 = sp2 < 0 ? -1 : line.indexOf(' ', sp2 + 1);
  // §7.1: exactly single SPs between three elements (RFC 4475 §3.1.2.8–3.1.2.10: lwsruri, lwsstart, trws).
  if (sp1 <= 0 || sp2 <= sp1 + 1 || sp3 >= 0 || sp2 === line.length - 1) {
    const looksLikeRequest = /\sSIP\/\S*\s*$/i.test(line);
    return error('bad-start-line', 'Request-Line must be "Method SP Request-URI SP SIP-Version"', looksLikeRequest ? true : undefined);
  }
  const method = line.slice(0, sp1);
  const uriText = line.slice(sp1 + 1, sp2);
  const version = line.slice(sp2 + 1);
  const canonical = version === 'SIP/2.0';
  if (!canonical) {
    const bad = checkVersion(version, true);
    if (bad !== undefined) return bad;
  }
  if (!isToken(method)) return error('bad-method', `method ${JSON.stringify(method)} is not a token`, true);
  const uri = parseUri(uriText);
  if (uri === undefined) return error('bad-uri', `malformed Request-URI ${JSON.stringify(uriText.slice(0, 80))}`, true);
  // §19.1.1 table: headers are not allowed in a Request-URI (RFC 4475 §3.1.2.11 escruri).
  if (isSipUri(uri) && uri.headers.size > 0) return error('bad-uri', 'Request-URI carries ?headers', true);
  return { kind: 'request', method, uri, uriText, canonical };
}
