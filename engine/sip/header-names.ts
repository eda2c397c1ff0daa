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

/** Frequent long-form keys by length, tried before the cache so the parser's hot path computes no string hash. */
const FREQUENT_BY_LENGTH: ReadonlyArray<readonly string[] | undefined> = (() => {
  const keys = ['via', 'from', 'to', 'call-id', 'cseq', 'contact', 'content-length', 'content-type', 'max-forwards', 'route',
    'record-route', 'allow', 'supported', 'require', 'user-agent', 'server', 'expires', 'event', 'subscription-state',
    'session-expires', 'min-se', 'rseq', 'rack', 'refer-to', 'referred-by', 'reason', 'authorization', 'proxy-authorization',
    'www-authenticate', 'proxy-authenticate', 'accept', 'allow-events', 'date', 'timestamp', 'p-asserted-identity'];
  const out: string[][] = [];
  for (const key of keys) (out[key.length] ??= []).push(key);
  return out;
})();

/**
 * The key of `text.slice(from, to)` when it spells a frequent long-form name in any case, else undefined.
 * A match is necessarily a valid token (letters, digits, '-'), so the caller can skip its token check.
 */
export function frequentHeaderKey(text: string, from: number, to: number): string | undefined {
  const len = to - from;
  const candidates = len > 1 ? FREQUENT_BY_LENGTH[len] : undefined;
  if (candidates === undefined) return undefined;
  for (const key of candidates) {
    let i = 0;
    for (; i < len; i++) {
      const c = text.charCodeAt(from + i);
      const k = key.charCodeAt(i);
      // For a lower-case letter k, c | 0x20 === k holds only for that letter in either case; '-' must match exactly.
      if (c !== k && (k < 97 || (c | 0x20) !== k)) break;
    }
    if (i === len) return key;
  }
  return undefined;
}
