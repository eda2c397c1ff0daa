/** Parses socket specs such as `udp:127.0.0.1:5060`, `tcp:[::1]:5060` or `udp:0.0.0.0:5060 as 203.0.113.5:5060` (OpenSIPS `socket=` style). */
import { addressFamily, isIpLiteral } from '../transport/address';

export type SocketProtocol = 'udp' | 'tcp';

export interface ListenSpec {
  readonly protocol: SocketProtocol;
  /** The address to bind: an IPv4 or IPv6 literal (no brackets). */
  readonly host: string;
  readonly family: 4 | 6;
  /** 0 asks the OS for a free port. */
  readonly port: number;
  /** Host and port to advertise in Via; undefined: the bound address (and the bound port once known). */
  readonly advertisedHost?: string;
  readonly advertisedPort?: number;
}

export type ListenSpecResult =
  | { readonly ok: true; readonly spec: ListenSpec }
  | { readonly ok: false; readonly code: ListenSpecErrorCode; readonly reason: string };

export type ListenSpecErrorCode =
  | 'bad-syntax' | 'unsupported-protocol' | 'bad-host' | 'bad-port' | 'wildcard-needs-advertise';

const SUPPORTED: readonly string[] = ['udp', 'tcp'];

export function parseListenSpec(text: string): ListenSpecResult {
  const trimmed = text.trim();
  const asMatch = /^(\S+)(?:\s+as\s+(\S+))?$/i.exec(trimmed);
  if (!asMatch) return fail('bad-syntax', `"${text}": expected protocol:host:port [as host[:port]]`);
  const colon = asMatch[1]!.indexOf(':');
  if (colon <= 0) return fail('bad-syntax', `"${text}": expected protocol:host:port, e.g. udp:127.0.0.1:5060`);
  const protocol = asMatch[1]!.slice(0, colon).toLowerCase();
  if (!SUPPORTED.includes(protocol)) {
    return fail('unsupported-protocol', `"${text}": protocol "${protocol}" is not supported (use ${SUPPORTED.join(' or ')})`);
  }
  const bind = splitHostPort(asMatch[1]!.slice(colon + 1));
  if (!bind.ok) return fail(bind.code, `"${text}": ${bind.reason}`);
  if (bind.port === undefined) return fail('bad-port', `"${text}": the bind port is required (0 picks a free one)`);
  const family = addressFamily(bind.host);
  if (family === undefined) return fail('bad-host', `"${text}": bind host "${bind.host}" must be an IPv4 or IPv6 literal`);
  let advertisedHost: string | undefined;
  let advertisedPort: number | undefined;
  if (asMatch[2] !== undefined) {
    const adv = splitHostPort(asMatch[2]);
    if (!adv.ok) return fail(adv.code, `"${text}" (after "as"): ${adv.reason}`);
    advertisedHost = adv.host;
    advertisedPort = adv.port;
  } else if (bind.host === '0.0.0.0' || bind.host === '::') {
    return fail('wildcard-needs-advertise', `"${text}": a wildcard bind needs "as <host>" to know what to put in Via`);
  }
  const spec: ListenSpec = { protocol: protocol as SocketProtocol, host: bind.host, family, port: bind.port };
  return {
    ok: true,
    spec: {
      ...spec,
      ...(advertisedHost !== undefined ? { advertisedHost } : {}),
      ...(advertisedPort !== undefined ? { advertisedPort } : {}),
    },
  };
}

type HostPort =
  | { readonly ok: true; readonly host: string; readonly port: number | undefined }
  | { readonly ok: false; readonly code: ListenSpecErrorCode; readonly reason: string };

/** `host`, `host:port`, `[v6]`, `[v6]:port`; a bare IPv6 literal without brackets takes no port. */
function splitHostPort(text: string): HostPort {
  let host: string;
  let portText: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return { ok: false, code: 'bad-syntax', reason: `unclosed "[" in "${text}"` };
    host = text.slice(1, close);
    const rest = text.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) return { ok: false, code: 'bad-syntax', reason: `unexpected "${rest}" after "]"` };
      portText = rest.slice(1);
    }
    if (addressFamily(host) !== 6) return { ok: false, code: 'bad-host', reason: `"${host}" is not an IPv6 literal` };
  } else {
    const colons = text.split(':').length - 1;
    if (colons > 1) return { ok: false, code: 'bad-syntax', reason: `IPv6 addresses go in brackets: "[${text}]"` };
    const colon = text.indexOf(':');
    host = colon < 0 ? text : text.slice(0, colon);
    portText = colon < 0 ? undefined : text.slice(colon + 1);
    if (host === '' || !(isIpLiteral(host) || /^[A-Za-z0-9.-]+$/.test(host))) {
      return { ok: false, code: 'bad-host', reason: `"${host}" is not a host` };
    }
  }
  if (portText === undefined) return { ok: true, host, port: undefined };
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) {
    return { ok: false, code: 'bad-port', reason: `port "${portText}" must be 0-65535` };
  }
  return { ok: true, host, port: Number(portText) };
}

function fail(code: ListenSpecErrorCode, reason: string): ListenSpecResult {
  return { ok: false, code, reason };
}
