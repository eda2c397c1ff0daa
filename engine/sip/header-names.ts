/** Header name table: compact forms (RFC 3261 §7.3.3 and the extensions' registrations), canonical spellings, and which headers are comma lists (§7.3.1). */

const COMPACT: Readonly<Record<string, string>> = {
  i: 'call-id', m: 'contact', e: 'content-encoding', l: 'content-length', c: 'content-type',
  f: 'from', s: 'subject', k: 'supported', t: 'to', v: 'via', r: 'refer-to', b: 'referred-by',
  o: 'event', u: 'allow-events', x: 'session-expires', a: 'accept-contact', j: 'reject-contact',
  d: 'request-disposition', y: 'identity', n: 'identity-info',
};

const CANONICAL: Readonly<Record<string, string>> = {
  'call-id': 'Call-ID', cseq: 'CSeq', 'www-authenticate': 'WWW-Authenticate', rack: 'RAck', rseq: 'RSeq',
  'min-se': 'Min-SE', 'mime-version': 'MIME-Version', 'p-asserted-identity': 'P-Asserted-Identity',
  'p-preferred-identity': 'P-Preferred-Identity', 'sip-etag': 'SIP-ETag', 'sip-if-match': 'SIP-If-Match',
};

/**
 * Headers whose values are comma-separated lists and may be split (§7.3.1). Everything else, notably the
 * authentication family (one challenge or credential per line, commas inside), Date and Retry-After, is not.
 */
const LIST_HEADERS: ReadonlySet<string> = new Set([
  'via', 'route', 'record-route', 'contact', 'allow', 'supported', 'require', 'proxy-require', 'unsupported',
  'accept', 'accept-encoding', 'accept-language', 'allow-events', 'alert-info', 'call-info', 'error-info',
  'in-reply-to', 'content-encoding', 'content-language', 'reason', 'warning', 'path', 'service-route',
  'p-asserted-identity', 'p-preferred-identity', 'history-info', 'accept-contact', 'reject-contact',
  'request-disposition', 'security-client', 'security-server', 'security-verify', 'p-associated-uri',
  'accept-resource-priority', 'resource-priority', 'recv-info', 'permission-missing', 'trigger-consent',
]);

const keyCache = new Map<string, string>();
const KEY_CACHE_LIMIT = 4096;

/** The lookup key for a header name: lower-cased long form ("v" and "VIA" both give "via"). */
export function headerKey(name: string): string {
  const cached = keyCache.get(name);
  if (cached !== undefined) return cached;
  const lower = name.toLowerCase();
  const key = lower.length === 1 ? (COMPACT[lower] ?? lower) : lower;
  if (keyCache.size < KEY_CACHE_LIMIT) keyCache.set(name, key);
  return key;
}

/** The conventional spelling of a header key ("call-id" -> "Call-ID", "x-foo-bar" -> "X-Foo-Bar"). */
export function canonicalHeaderName(key: string): string {
  const known = CANONICAL[key];
  if (known !== undefined) return known;
  return key.split('-').map((part) => (part.length === 0 ? part : part[0]!.toUpperCase() + part.slice(1))).join('-');
}

export function isListHeader(key: string): boolean {
  return LIST_HEADERS.has(key);
}
