/** name-addr / addr-spec with header parameters (RFC 3261 §20.10, §25.1): From, To, Contact, Route, Record-Route, Refer-To … */
import type { NameAddr, Params } from './types';
import { EMPTY_PARAMS, formatParams, parseParams } from './params';
import { TOKEN_CHARS, quote, readQuoted, skipWs } from './text-scan';
import { formatUri, parseUri } from './uri';

/**
 * Parses one name-addr or addr-spec followed by header params. In the addr-spec form the URI ends at the
 * first `;` or whitespace, so `sip:a@b;tag=1` carries `tag` as a header param (§20.10). Never throws.
 */
export function parseNameAddr(text: string): NameAddr | undefined {
  const start = skipWs(text, 0);
  if (start >= text.length) return undefined;
  if (text.charCodeAt(start) === 34) {
    const q = readQuoted(text, start);
    if (q === undefined) return undefined;
    const lt = skipWs(text, q.end);
    if (text.charCodeAt(lt) !== 60) return undefined;
    return angleForm(text, lt, q.value);
  }
  const lt = text.indexOf('<', start);
  if (lt >= 0) {
    const display = text.slice(start, lt).trim();
    if (display.length === 0) return angleForm(text, lt, undefined);
    if (isDisplayTokens(display)) return angleForm(text, lt, display.replace(/[ \t\r\n]+/g, ' '));
  }
  return addrSpecForm(text, start);
}

function angleForm(text: string, lt: number, displayName: string | undefined): NameAddr | undefined {
  const gt = text.indexOf('>', lt + 1);
  if (gt < 0) return undefined;
  const uri = parseUri(text.slice(lt + 1, gt).trim());
  if (uri === undefined) return undefined;
  const params = trailingParams(text, gt + 1);
  if (params === undefined) return undefined;
  return displayName === undefined ? { uri, params } : { displayName, uri, params };
}

function addrSpecForm(text: string, start: number): NameAddr | undefined {
  let end = start;
  const n = text.length;
  while (end < n) {
    const c = text.charCodeAt(end);
    if (c === 59 || c === 32 || c === 9 || c === 13 || c === 10) break;
    end++;
  }
  const uriText = text.slice(start, end);
  // §20: a URI holding `?`, `,` or `;` MUST be in <> (RFC 4475 §3.1.2.13 regbadct); without them it is not a URI we may guess at.
  if (uriText.indexOf('?') >= 0) return undefined;
  const uri = parseUri(uriText);
  if (uri === undefined) return undefined;
  const params = trailingParams(text, end);
  return params === undefined ? undefined : { uri, params };
}

function trailingParams(text: string, from: number): Params | undefined {
  const i = skipWs(text, from);
  if (i >= text.length) return EMPTY_PARAMS;
  return parseParams(text, i);
}

/** §25.1 display-name as *(token LWS): tokens separated by whitespace. */
function isDisplayTokens(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 13 || c === 10) continue;
    if (c >= 128 || TOKEN_CHARS[c] === 0) return false;
  }
  return true;
}

/** Always writes the name-addr form with <>, so URI params and header params cannot be confused. */
export function formatNameAddr(value: NameAddr): string {
  const uri = `<${formatUri(value.uri)}>`;
  const head = value.displayName === undefined ? uri : `${quote(value.displayName)} ${uri}`;
  return value.params.size === 0 ? head : head + formatParams(value.params);
}

/** A header param without quotes (tag, expires …): the value, or undefined when absent or a flag. */
export function paramValue(params: Params, name: string): string | undefined {
  const v = params.get(name);
  return v === null ? undefined : v;
}
