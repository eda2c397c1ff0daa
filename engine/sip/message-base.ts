/**
 * The shared half of parsed and built messages (RFC 3261 §7): raw header lines in order, mandatory
 * headers validated up front, every other typed value parsed on first access and cached.
 */
import type {
  AuthValue, CSeq, ContactValue, NameAddr, RAck, RawHeader, ReasonValue, ReplacesValue, ValueWithParams, Via,
} from './types';
import type { CoreHeaders } from './core-headers';
import { parseAuth } from './auth';
import { parseContactValues } from './contact';
import { parseRAck, parseRSeq } from './cseq';
import { headerKey, isListHeader } from './header-names';
import { paramValue, parseNameAddr } from './name-addr';
import { parseReason } from './reason';
import { parseReplaces } from './replaces';
import { splitHeaderList } from './split-header-list';
import { parseDecimal } from './text-scan';
import { parseValueWithParams } from './value-with-params';
import { parseVia } from './via';

interface LazyValues {
  vias: readonly Via[];
  maxForwards: number | undefined;
  contact: ContactValue | undefined;
  routes: readonly NameAddr[];
  recordRoutes: readonly NameAddr[];
  contentType: ValueWithParams | undefined;
  require: readonly string[];
  supported: readonly string[];
  allow: readonly string[];
  proxyRequire: readonly string[];
  rseq: number | undefined;
  rack: RAck | undefined;
  referTo: NameAddr | undefined;
  referredBy: NameAddr | undefined;
  replaces: ReplacesValue | undefined;
  event: ValueWithParams | undefined;
  subscriptionState: ValueWithParams | undefined;
  sessionExpires: ValueWithParams | undefined;
  minSe: number | undefined;
  reasons: readonly ReasonValue[];
  retryAfter: ValueWithParams | undefined;
  wwwAuthenticate: readonly AuthValue[];
  proxyAuthenticate: readonly AuthValue[];
  authorization: readonly AuthValue[];
  proxyAuthorization: readonly AuthValue[];
}

function defined<T>(values: readonly (T | undefined)[]): T[] {
  const out: T[] = [];
  for (const v of values) if (v !== undefined) out.push(v);
  return out;
}

function optional<T>(text: string | undefined, parse: (text: string) => T | undefined): T | undefined {
  return text === undefined ? undefined : parse(text);
}

export abstract class MessageBase {
  /**
   * Serialized bytes, once known: the received bytes when they were already canonical, or the first
   * serialization. Internal to engine/sip (serializeMessage reads and fills it); treat it as read-only.
   */
  wire: Uint8Array | undefined;
  private memo: Partial<LazyValues> | undefined;

  constructor(
    readonly headers: readonly RawHeader[],
    readonly body: Uint8Array,
    protected readonly core: CoreHeaders,
    wire: Uint8Array | undefined,
  ) {
    this.wire = wire;
  }

  private lazy<K extends keyof LazyValues>(key: K, compute: () => LazyValues[K]): LazyValues[K] {
    const memo = (this.memo ??= {});
    if (key in memo) return memo[key] as LazyValues[K];
    const value = compute();
    memo[key] = value;
    return value;
  }

  header(name: string): string | undefined {
    const key = headerKey(name);
    for (const h of this.headers) if (h.key === key) return h.value;
    return undefined;
  }

  headerValues(name: string): readonly string[] {
    const key = headerKey(name);
    const list = isListHeader(key);
    const out: string[] = [];
    for (const h of this.headers) {
      if (h.key !== key) continue;
      if (list) out.push(...splitHeaderList(h.value));
      else out.push(h.value);
    }
    return out;
  }

  hasHeader(name: string): boolean {
    const key = headerKey(name);
    return this.headers.some((h) => h.key === key);
  }

  get topVia(): Via { return this.core.topVia; }
  get from(): NameAddr { return this.core.from; }
  get fromTag(): string | undefined { return paramValue(this.core.from.params, 'tag'); }
  get to(): NameAddr { return this.core.to; }
  get toTag(): string | undefined { return paramValue(this.core.to.params, 'tag'); }
  get callId(): string { return this.core.callId; }
  get cseq(): CSeq { return this.core.cseq; }
  /** Always the body length: the serializer writes it, whatever the Content-Length line said. */
  get contentLength(): number { return this.body.length; }

  /** Every Via, top first; a malformed Via below the (validated) top one is skipped. */
  get vias(): readonly Via[] {
    return this.lazy('vias', () => {
      const all = this.headerValues('via').map(parseVia);
      all[0] = this.core.topVia;
      return defined(all);
    });
  }

  /** §20.22: 0-255; anything else reads as absent (RFC 4475 §3.1.2.4 lets a UAS ignore a bad one). */
  get maxForwards(): number | undefined {
    return this.lazy('maxForwards', () => optional(this.header('max-forwards'), (t) => parseDecimal(t, 255)));
  }
  get contact(): ContactValue | undefined {
    return this.lazy('contact', () => (this.hasHeader('contact') ? parseContactValues(this.headerValues('contact')) : undefined));
  }
  get routes(): readonly NameAddr[] { return this.lazy('routes', () => this.nameAddrList('route')); }
  get recordRoutes(): readonly NameAddr[] { return this.lazy('recordRoutes', () => this.nameAddrList('record-route')); }
  get contentType(): ValueWithParams | undefined {
    return this.lazy('contentType', () => optional(this.header('content-type'), parseValueWithParams));
  }
  get require(): readonly string[] { return this.lazy('require', () => this.headerValues('require')); }
  get supported(): readonly string[] { return this.lazy('supported', () => this.headerValues('supported')); }
  get allow(): readonly string[] { return this.lazy('allow', () => this.headerValues('allow')); }
  get proxyRequire(): readonly string[] { return this.lazy('proxyRequire', () => this.headerValues('proxy-require')); }
  get rseq(): number | undefined { return this.lazy('rseq', () => optional(this.header('rseq'), parseRSeq)); }
  get rack(): RAck | undefined { return this.lazy('rack', () => optional(this.header('rack'), parseRAck)); }
  get referTo(): NameAddr | undefined { return this.lazy('referTo', () => optional(this.header('refer-to'), parseNameAddr)); }
  get referredBy(): NameAddr | undefined {
    return this.lazy('referredBy', () => optional(this.header('referred-by'), parseNameAddr));
  }
  get replaces(): ReplacesValue | undefined { return this.lazy('replaces', () => optional(this.header('replaces'), parseReplaces)); }
  get event(): ValueWithParams | undefined { return this.lazy('event', () => optional(this.header('event'), parseValueWithParams)); }
  get subscriptionState(): ValueWithParams | undefined {
    return this.lazy('subscriptionState', () => optional(this.header('subscription-state'), parseValueWithParams));
  }
  get sessionExpires(): ValueWithParams | undefined {
    return this.lazy('sessionExpires', () => optional(this.header('session-expires'), parseValueWithParams));
  }
  /** RFC 4028 §5: delta-seconds, params ignored. */
  get minSe(): number | undefined {
    return this.lazy('minSe', () => optional(this.header('min-se'), (t) => {
      const v = parseValueWithParams(t);
      return v === undefined ? undefined : parseDecimal(v.value, 2 ** 32 - 1);
    }));
  }
  get reasons(): readonly ReasonValue[] {
    return this.lazy('reasons', () => defined(this.headerValues('reason').map(parseReason)));
  }
  get retryAfter(): ValueWithParams | undefined {
    return this.lazy('retryAfter', () => optional(this.header('retry-after'), parseValueWithParams));
  }
  get wwwAuthenticate(): readonly AuthValue[] { return this.lazy('wwwAuthenticate', () => this.authList('www-authenticate')); }
  get proxyAuthenticate(): readonly AuthValue[] { return this.lazy('proxyAuthenticate', () => this.authList('proxy-authenticate')); }
  get authorization(): readonly AuthValue[] { return this.lazy('authorization', () => this.authList('authorization')); }
  get proxyAuthorization(): readonly AuthValue[] { return this.lazy('proxyAuthorization', () => this.authList('proxy-authorization')); }

  /** Route / Record-Route: a malformed element is skipped rather than failing the message. */
  private nameAddrList(key: string): NameAddr[] {
    return defined(this.headerValues(key).map(parseNameAddr));
  }

  private authList(key: string): AuthValue[] {
    return defined(this.headerValues(key).map(parseAuth));
  }
}
