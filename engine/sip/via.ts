/** One Via value (RFC 3261 §20.42, §18.2.1 received, RFC 3581 rport; sent-by with IPv6 references §25.1). */
import type { Params, Via } from './types';
import { formatParams, parseParams, EMPTY_PARAMS } from './params';
import { TOKEN_CHARS, parseDecimal, skipWs } from './text-scan';
import { formatHost, parseHostPort } from './uri';

type MutableVia = { -readonly [K in keyof Via]: Via[K] };

/** Parses a single via-parm (split the header on commas first); undefined when malformed. */
export function parseVia(text: string): Via | undefined {
  const n = text.length;
  let protocol: string;
  let i: number;
  if (text.startsWith('SIP/2.0/')) {
    // The spelling nearly every Via uses: no token scan, no string built for the protocol.
    protocol = 'SIP/2.0';
    i = skipWs(text, 8);
  } else {
    const nameStart = skipWs(text, 0);
    const nameEnd = tokenEnd(text, nameStart);
    if (nameEnd === nameStart) return undefined;
    i = skipWs(text, nameEnd);
    if (text.charCodeAt(i) !== 47) return undefined;
    const versionStart = skipWs(text, i + 1);
    const versionEnd = tokenEnd(text, versionStart);
    if (versionEnd === versionStart) return undefined;
    i = skipWs(text, versionEnd);
    if (text.charCodeAt(i) !== 47) return undefined;
    protocol = `${text.slice(nameStart, nameEnd)}/${text.slice(versionStart, versionEnd)}`;
    i = skipWs(text, i + 1);
  }
  const transportStart = i;
  const transportEnd = tokenEnd(text, transportStart);
  if (transportEnd === transportStart) return undefined;
  i = skipWs(text, transportEnd);
  if (i === transportEnd || i >= n) return undefined;
  const sentBy = readSentBy(text, i);
  if (sentBy === undefined) return undefined;
  const hostPort = parseHostPort(sentBy.text);
  if (hostPort === undefined) return undefined;
  i = skipWs(text, sentBy.end);
  const params = i >= n ? EMPTY_PARAMS : parseParams(text, i);
  if (params === undefined) return undefined;
  const via: MutableVia = {
    protocol,
    transport: upperTransport(text.slice(transportStart, transportEnd)),
    host: hostPort.host,
    params,
  };
  if (hostPort.port !== undefined) via.port = hostPort.port;
  return params.size === 0 ? via : withNamedParams(via, params);
}

function upperTransport(token: string): string {
  switch (token) {
    case 'UDP': case 'TCP': case 'TLS': case 'SCTP': case 'WS': case 'WSS': return token;
    default: return token.toUpperCase();
  }
}

function withNamedParams(via: MutableVia, params: Params): Via | undefined {
  const branch = params.get('branch');
  if (branch === null) return undefined;
  if (branch !== undefined) via.branch = branch;
  const received = params.get('received');
  if (received === null) return undefined;
  if (received !== undefined) via.received = received;
  const maddr = params.get('maddr');
  if (maddr === null) return undefined;
  if (maddr !== undefined) via.maddr = maddr;
  const rport = params.get('rport');
  if (rport === null) via.rport = true;
  else if (rport !== undefined) {
    const port = parseDecimal(rport, 65535);
    if (port === undefined) return undefined;
    via.rport = port;
  }
  const ttl = params.get('ttl');
  if (ttl !== undefined) {
    const value = ttl === null ? undefined : parseDecimal(ttl, 255);
    if (value === undefined) return undefined;
    via.ttl = value;
  }
  return via;
}

interface Span {
  readonly text: string;
  readonly end: number;
}

function tokenEnd(text: string, i: number): number {
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c >= 128 || TOKEN_CHARS[c] === 0) break;
    i++;
  }
  return i;
}

/** sent-by = host [ COLON port ], whitespace tolerated around the colon (RFC 4475 §3.1.1.1). */
function readSentBy(text: string, i: number): Span | undefined {
  const n = text.length;
  const start = i;
  if (text.charCodeAt(i) === 91) {
    const close = text.indexOf(']', i);
    if (close < 0) return undefined;
    i = close + 1;
  } else {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 58 || c === 59 || c === 32 || c === 9 || c === 13 || c === 10) break;
      i++;
    }
  }
  const hostEnd = i;
  const j = skipWs(text, i);
  if (text.charCodeAt(j) !== 58) return { text: text.slice(start, hostEnd), end: hostEnd };
  const portStart = skipWs(text, j + 1);
  let k = portStart;
  while (k < n && text.charCodeAt(k) >= 48 && text.charCodeAt(k) <= 57) k++;
  if (k === portStart) return undefined;
  return { text: `${text.slice(start, hostEnd)}:${text.slice(portStart, k)}`, end: k };
}

/**
 * Writes a Via. The named fields win over the params map (so `{ ...via, received }` formats the new value);
 * params keep their order, named fields absent from the map are appended.
 */
export function formatVia(via: Via): string {
  let out = `${via.protocol}/${via.transport} ${formatHost(via.host, via.host.indexOf(':') >= 0)}`;
  if (via.port !== undefined) out += `:${via.port}`;
  const named = namedParams(via);
  const params = new Map<string, string | null>(via.params);
  for (const [name, value] of named) {
    if (value === undefined) params.delete(name);
    else params.set(name, value);
  }
  return out + formatParams(params);
}

function namedParams(via: Via): Array<readonly [string, string | null | undefined]> {
  return [
    ['branch', via.branch],
    ['received', via.received],
    ['rport', via.rport === undefined ? undefined : via.rport === true ? null : String(via.rport)],
    ['maddr', via.maddr],
    ['ttl', via.ttl === undefined ? undefined : String(via.ttl)],
  ];
}

/** RFC 3261 §8.1.1.7: branches of RFC 3261 elements start with the magic cookie. */
export function isMagicCookieBranch(branch: string | undefined): boolean {
  return branch !== undefined && branch.startsWith('z9hG4bK');
}
