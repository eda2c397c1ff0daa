/** Address helpers for the transport layer: IP literal detection and comparison (RFC 3261 §18.2.1 "differs from the source address"). */

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIpv4(host: string): boolean {
  return IPV4.test(host);
}

/** A loose IPv6 literal check (brackets already stripped): hex groups, colons, optional embedded IPv4. */
export function isIpv6(host: string): boolean {
  if (host.indexOf(':') < 0) return false;
  return /^[0-9a-fA-F:.]+(%[0-9A-Za-z._~-]+)?$/.test(host) && expandIpv6(host) !== undefined;
}

export function isIpLiteral(host: string): boolean {
  return isIpv4(host) || isIpv6(host);
}

export function addressFamily(host: string): 4 | 6 | undefined {
  if (isIpv4(host)) return 4;
  if (isIpv6(host)) return 6;
  return undefined;
}

/** Eight lower-case, zero-padded groups, or undefined when the text is not an IPv6 address. */
export function expandIpv6(text: string): string | undefined {
  const zone = text.indexOf('%');
  let host = zone >= 0 ? text.slice(0, zone) : text;
  let tail: string[] | undefined;
  const lastColon = host.lastIndexOf(':');
  const last = host.slice(lastColon + 1);
  if (last.indexOf('.') >= 0) {
    if (!isIpv4(last)) return undefined;
    const o = last.split('.').map(Number);
    tail = [((o[0]! << 8) | o[1]!).toString(16), ((o[2]! << 8) | o[3]!).toString(16)];
    host = host.slice(0, lastColon + 1) + '0';
  }
  // An embedded IPv4 address stands for two groups; its placeholder counts as one.
  const want = tail ? 7 : 8;
  const halves = host.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] === '' ? [] : halves[0]!.split(':');
  let groups: string[];
  if (halves.length === 2) {
    const rest = halves[1] === '' ? [] : halves[1]!.split(':');
    const missing = want - head.length - rest.length;
    if (missing < 1) return undefined;
    groups = [...head, ...new Array<string>(missing).fill('0'), ...rest];
  } else {
    groups = head;
  }
  if (groups.length !== want) return undefined;
  if (tail) groups.splice(want - 1, 1, ...tail);
  for (const g of groups) if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
  return groups.map((g) => g.toLowerCase().padStart(4, '0')).join(':');
}

/** Whether two hosts are the same: IPv6 compared in expanded form, names case-insensitively. */
export function sameHost(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  if (la === lb) return true;
  if (la.indexOf(':') >= 0 && lb.indexOf(':') >= 0) {
    const ea = expandIpv6(la);
    return ea !== undefined && ea === expandIpv6(lb);
  }
  return false;
}

/** host:port with IPv6 in brackets, for logs and keys. */
export function formatHostPort(host: string, port: number | undefined): string {
  const h = host.indexOf(':') >= 0 ? `[${host}]` : host;
  return port === undefined ? h : `${h}:${port}`;
}
