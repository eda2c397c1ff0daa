/** SIP/SIPS URIs (RFC 3261 §19.1, escaping §19.1.2 and §25.1), tel URIs (RFC 3966) and other absolute URIs kept as text. */
import type { OtherUri, Params, SipUri, TelUri, Uri } from './types';
import { HEADER_CHARS, PARAM_CHARS, PASSWORD_CHARS, USER_CHARS, escapePercent, parseDecimal, unescapePercent } from './text-scan';

/** Parses a URI; undefined when it is not a well-formed absolute URI. Never throws. */
export function parseUri(text: string): Uri | undefined {
  const colon = text.indexOf(':');
  if (colon <= 0 || !isScheme(text, colon)) return undefined;
  const scheme = colon === 3 && text.startsWith('sip') ? 'sip' : colon === 4 && text.startsWith('sips') ? 'sips' : text.slice(0, colon).toLowerCase();
  const rest = text.slice(colon + 1);
  if (scheme === 'sip' || scheme === 'sips') return parseSipUri(scheme, rest);
  if (scheme === 'tel') return parseTelUri(rest);
  return hasBadUriChar(rest) ? undefined : ({ scheme, text } satisfies OtherUri);
}

function isScheme(text: string, end: number): boolean {
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i) | 0x20;
    const alpha = c >= 97 && c <= 122;
    if (i === 0 ? !alpha : !(alpha || (c >= 48 && c <= 57) || c === 0x2b || c === 0x2d || c === 0x2e)) return false;
  }
  return true;
}

function hasBadUriChar(text: string): boolean {
  if (text.length === 0) return true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 32 || c === 34 || c === 60 || c === 62 || c === 127) return true;
  }
  return false;
}

function parseSipUri(scheme: 'sip' | 'sips', rest: string): SipUri | undefined {
  if (hasBadUriChar(rest)) return undefined;
  let user: string | undefined;
  let password: string | undefined;
  let i = 0;
  const at = rest.indexOf('@');
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    const pw = userinfo.indexOf(':');
    const rawUser = pw < 0 ? userinfo : userinfo.slice(0, pw);
    if (rawUser.length === 0) return undefined;
    user = unescapePercent(rawUser);
    if (user === undefined) return undefined;
    if (pw >= 0) {
      password = unescapePercent(userinfo.slice(pw + 1));
      if (password === undefined) return undefined;
    }
    i = at + 1;
  }
  const hostEnd = endOfHostPort(rest, i);
  const hostPort = parseHostPort(rest.slice(i, hostEnd));
  if (hostPort === undefined) return undefined;
  const q = rest.indexOf('?', hostEnd);
  const paramText = rest.slice(hostEnd, q < 0 ? rest.length : q);
  const params = parseUriParams(paramText);
  if (params === undefined) return undefined;
  const headers = q < 0 ? EMPTY_HEADERS : parseUriHeaders(rest.slice(q + 1));
  if (headers === undefined) return undefined;
  const uri: { -readonly [K in keyof SipUri]: SipUri[K] } = { scheme, host: hostPort.host, isIpv6: hostPort.isIpv6, params, headers };
  if (user !== undefined) uri.user = user;
  if (password !== undefined) uri.password = password;
  if (hostPort.port !== undefined) uri.port = hostPort.port;
  return uri;
}

const EMPTY_HEADERS: ReadonlyMap<string, string> = new Map();

function endOfHostPort(text: string, i: number): number {
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 59 || c === 63) break;
    i++;
  }
  return i;
}

export interface HostPort {
  readonly host: string;
  readonly isIpv6: boolean;
  readonly port?: number;
}

/** `host[:port]` with host a domain, IPv4 or `[IPv6]` (§25.1 hostport); the IPv6 host is returned without brackets. */
export function parseHostPort(text: string): HostPort | undefined {
  let host: string;
  let isIpv6 = false;
  let portText: string | undefined;
  if (text.charCodeAt(0) === 91) {
    const close = text.indexOf(']');
    if (close < 0) return undefined;
    host = text.slice(1, close);
    if (!isIpv6Text(host)) return undefined;
    isIpv6 = true;
    const after = text.slice(close + 1);
    if (after.length > 0) {
      if (after.charCodeAt(0) !== 58) return undefined;
      portText = after.slice(1);
    }
  } else {
    const colon = text.indexOf(':');
    host = colon < 0 ? text : text.slice(0, colon);
    if (colon >= 0) portText = text.slice(colon + 1);
    if (!isHostName(host)) return undefined;
  }
  if (portText === undefined) return { host, isIpv6 };
  const port = parseDecimal(portText, 65535);
  return port === undefined ? undefined : { host, isIpv6, port };
}

function isHostName(host: string): boolean {
  if (host.length === 0) return false;
  for (let i = 0; i < host.length; i++) {
    const c = host.charCodeAt(i);
    const ok = (c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 122) || c === 45 || c === 46 || c === 95;
    if (!ok) return false;
  }
  return true;
}

function isIpv6Text(host: string): boolean {
  if (host.length < 2 || host.indexOf(':') < 0) return false;
  for (let i = 0; i < host.length; i++) {
    const c = host.charCodeAt(i);
    const ok = (c >= 48 && c <= 58) || ((c | 0x20) >= 97 && (c | 0x20) <= 102) || c === 46;
    if (!ok) return false;
  }
  return true;
}

function parseUriParams(text: string): Params | undefined {
  if (text.length === 0) return EMPTY_PARAMS_MAP;
  const params = new Map<string, string | null>();
  const n = text.length;
  // text starts with ';' (endOfHostPort stops there); each part runs to the next ';'.
  let from = 1;
  while (from <= n) {
    let to = text.indexOf(';', from);
    if (to < 0) to = n;
    const eq = text.indexOf('=', from);
    const hasValue = eq >= 0 && eq < to;
    const name = unescapePercent(text.slice(from, hasValue ? eq : to));
    if (name === undefined || name.length === 0) return undefined;
    const value = hasValue ? unescapePercent(text.slice(eq + 1, to)) : null;
    if (value === undefined) return undefined;
    const key = name.toLowerCase();
    if (!params.has(key)) params.set(key, value);
    from = to + 1;
  }
  return params;
}

const EMPTY_PARAMS_MAP: Params = new Map();

function parseUriHeaders(text: string): ReadonlyMap<string, string> | undefined {
  const headers = new Map<string, string>();
  if (text.length === 0) return headers;
  for (const part of text.split('&')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return undefined;
    const name = unescapePercent(part.slice(0, eq));
    const value = unescapePercent(part.slice(eq + 1));
    if (name === undefined || value === undefined) return undefined;
    headers.set(name, value);
  }
  return headers;
}

function parseTelUri(rest: string): TelUri | undefined {
  if (hasBadUriChar(rest)) return undefined;
  const semi = rest.indexOf(';');
  const number = semi < 0 ? rest : rest.slice(0, semi);
  if (number.length === 0) return undefined;
  const params = new Map<string, string | null>();
  if (semi >= 0) {
    for (const part of rest.slice(semi + 1).split(';')) {
      const eq = part.indexOf('=');
      const name = (eq < 0 ? part : part.slice(0, eq)).toLowerCase();
      if (name.length === 0) return undefined;
      if (!params.has(name)) params.set(name, eq < 0 ? null : part.slice(eq + 1));
    }
  }
  return { scheme: 'tel', number, params };
}

export function isSipUri(uri: Uri): uri is SipUri {
  return uri.scheme === 'sip' || uri.scheme === 'sips';
}

export function isTelUri(uri: Uri): uri is TelUri {
  return uri.scheme === 'tel' && 'number' in uri;
}

export function formatHost(host: string, isIpv6: boolean): string {
  return isIpv6 ? `[${host}]` : host;
}

/** Writes a URI back to text, escaping per §19.1.2; parseUri(formatUri(u)) gives back u. */
export function formatUri(uri: Uri): string {
  if (isSipUri(uri)) return formatSipUri(uri);
  if (isTelUri(uri)) {
    let out = `tel:${uri.number}`;
    for (const [name, value] of uri.params) out += value === null ? `;${name}` : `;${name}=${value}`;
    return out;
  }
  return (uri as OtherUri).text;
}

function formatSipUri(uri: SipUri): string {
  let out = `${uri.scheme}:`;
  if (uri.user !== undefined) {
    out += escapePercent(uri.user, USER_CHARS);
    if (uri.password !== undefined) out += `:${escapePercent(uri.password, PASSWORD_CHARS)}`;
    out += '@';
  }
  out += formatHost(uri.host, uri.isIpv6);
  if (uri.port !== undefined) out += `:${uri.port}`;
  for (const [name, value] of uri.params) {
    out += `;${escapePercent(name, PARAM_CHARS)}`;
    if (value !== null) out += `=${escapePercent(value, PARAM_CHARS)}`;
  }
  let sep = '?';
  for (const [name, value] of uri.headers) {
    out += `${sep}${escapePercent(name, HEADER_CHARS)}=${escapePercent(value, HEADER_CHARS)}`;
    sep = '&';
  }
  return out;
}
