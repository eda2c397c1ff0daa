/**
 * The SIP value types every layer shares (RFC 3261 §19, §20, §25; RFC 3966 for tel).
 * This file is the contract between the message layer and the layers above it:
 * all values are readonly; a layer that changes one builds a new one.
 */

export type Params = ReadonlyMap<string, string | null>;

/** sip: and sips: URIs (RFC 3261 §19.1). Host is an IPv4 literal, a domain, or an IPv6 literal WITHOUT brackets. */
export interface SipUri {
  readonly scheme: 'sip' | 'sips';
  /** Unescaped user part, if any. */
  readonly user?: string;
  readonly password?: string;
  readonly host: string;
  readonly isIpv6: boolean;
  readonly port?: number;
  /** uri-parameters; names lower-cased, values unescaped; `null` for a flag such as `;lr`. */
  readonly params: Params;
  /** ?headers, names as written, values unescaped. */
  readonly headers: ReadonlyMap<string, string>;
}

/** tel: URIs (RFC 3966). */
export interface TelUri {
  readonly scheme: 'tel';
  readonly number: string;
  readonly params: Params;
}

/** Any other absolute URI (http:, urn:, im: …) is kept as text. */
export interface OtherUri {
  readonly scheme: string;
  readonly text: string;
}

export type Uri = SipUri | TelUri | OtherUri;

/** name-addr or addr-spec with header parameters: From, To, Contact, Route, Record-Route, Refer-To … (§20). */
export interface NameAddr {
  readonly displayName?: string;
  readonly uri: Uri;
  /** header params (after the URI); `tag`, `expires`, `q`… live here. */
  readonly params: Params;
}

/** One Via value (§20.42, RFC 3581 for rport). */
export interface Via {
  /** "SIP/2.0" normally. */
  readonly protocol: string;
  /** Upper-case transport token: UDP, TCP, TLS, SCTP, WS, WSS … */
  readonly transport: string;
  /** sent-by host, IPv6 without brackets. */
  readonly host: string;
  readonly port?: number;
  readonly branch?: string;
  readonly received?: string;
  /** `true` when present without a value (a request asking for it), a number once filled. */
  readonly rport?: number | true;
  readonly maddr?: string;
  readonly ttl?: number;
  readonly params: Params;
}

export interface CSeq {
  readonly seq: number;
  readonly method: string;
}

/** Contact is either `*` (only in REGISTER) or a list of name-addrs. */
export type ContactValue = { readonly star: true } | { readonly star: false; readonly contacts: readonly NameAddr[] };

/** A challenge or credentials (WWW-Authenticate, Proxy-Authenticate, Authorization, Proxy-Authorization; §25.1). */
export interface AuthValue {
  readonly scheme: string;
  /** auth-params, names lower-cased, quoted values unquoted. */
  readonly params: ReadonlyMap<string, string>;
}

/** Generic "value;param=x" headers: Event, Subscription-State, Session-Expires, Retry-After, Content-Type … */
export interface ValueWithParams {
  readonly value: string;
  readonly params: Params;
}

/** Reason (RFC 3326). */
export interface ReasonValue {
  readonly protocol: string;
  readonly cause?: number;
  readonly text?: string;
  readonly params: Params;
}

/** RAck (RFC 3262 §7.2). */
export interface RAck {
  readonly rseq: number;
  readonly cseq: number;
  readonly method: string;
}

/** Replaces (RFC 3891). */
export interface ReplacesValue {
  readonly callId: string;
  readonly toTag: string;
  readonly fromTag: string;
  readonly earlyOnly: boolean;
  readonly params: Params;
}

/** One raw header line as received or built: the unit the message keeps in order. */
export interface RawHeader {
  /** The name as written (compact or long, any case). */
  readonly name: string;
  /** Lower-cased long form: the key for lookup ("v" -> "via"). */
  readonly key: string;
  /** The value with folding collapsed to single spaces and outer whitespace trimmed. */
  readonly value: string;
}
