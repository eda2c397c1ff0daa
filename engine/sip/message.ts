/**
 * The readonly SIP message contract (RFC 3261 §7): what every layer above engine/sip may rely on.
 * Parsed messages keep their raw header lines in order and parse typed values on first access;
 * the derivation methods return a new message and never touch the receiver.
 */
import type {
  AuthValue, CSeq, ContactValue, NameAddr, RAck, RawHeader, ReasonValue, ReplacesValue, Uri, ValueWithParams, Via,
} from './types';

export interface SipMessageBase {
  readonly headers: readonly RawHeader[];
  readonly body: Uint8Array;

  /** First value of a header, looked up by long or compact name, case-insensitively. */
  header(name: string): string | undefined;
  /** Every value of a header, across repeated lines and split on top-level commas where the header is a list. */
  headerValues(name: string): readonly string[];
  hasHeader(name: string): boolean;

  // Mandatory headers: validated when the message is parsed (or built), so these never fail on a message you hold.
  readonly vias: readonly Via[];
  readonly topVia: Via;
  readonly from: NameAddr;
  readonly fromTag: string | undefined;
  readonly to: NameAddr;
  readonly toTag: string | undefined;
  readonly callId: string;
  readonly cseq: CSeq;

  // Optional headers: `undefined` when absent or unparseable (a malformed optional header never fails the message).
  readonly maxForwards: number | undefined;
  readonly contact: ContactValue | undefined;
  readonly routes: readonly NameAddr[];
  readonly recordRoutes: readonly NameAddr[];
  readonly contentType: ValueWithParams | undefined;
  readonly contentLength: number;
  readonly require: readonly string[];
  readonly supported: readonly string[];
  readonly allow: readonly string[];
  readonly proxyRequire: readonly string[];
  readonly rseq: number | undefined;
  readonly rack: RAck | undefined;
  readonly referTo: NameAddr | undefined;
  readonly referredBy: NameAddr | undefined;
  readonly replaces: ReplacesValue | undefined;
  readonly event: ValueWithParams | undefined;
  readonly subscriptionState: ValueWithParams | undefined;
  readonly sessionExpires: ValueWithParams | undefined;
  readonly minSe: number | undefined;
  readonly reasons: readonly ReasonValue[];
  readonly retryAfter: ValueWithParams | undefined;
  readonly wwwAuthenticate: readonly AuthValue[];
  readonly proxyAuthenticate: readonly AuthValue[];
  readonly authorization: readonly AuthValue[];
  readonly proxyAuthorization: readonly AuthValue[];
}

export interface SipRequest extends SipMessageBase {
  readonly kind: 'request';
  readonly method: string;
  readonly uri: Uri;
  /** The Request-URI exactly as it appears on the request line. */
  readonly uriText: string;

  /** A copy with one more header line at the end (or, for `prepend`, before the first line of that header). */
  withHeader(name: string, value: string, position?: 'append' | 'prepend'): SipRequest;
  /** A copy where every line of that header is replaced by the given values (none removes it). */
  withHeaderValues(name: string, values: readonly string[]): SipRequest;
  withoutHeader(name: string): SipRequest;
  /** A copy with the first Via removed (a proxy or a B2BUA leg stripping its own Via). */
  withoutTopVia(): SipRequest;
  withBody(body: Uint8Array, contentType?: string): SipRequest;
  withUri(uri: Uri | string): SipRequest;
  withMethod(method: string): SipRequest;
}

export interface SipResponse extends SipMessageBase {
  readonly kind: 'response';
  readonly status: number;
  readonly reason: string;

  withHeader(name: string, value: string, position?: 'append' | 'prepend'): SipResponse;
  withHeaderValues(name: string, values: readonly string[]): SipResponse;
  withoutHeader(name: string): SipResponse;
  withoutTopVia(): SipResponse;
  withBody(body: Uint8Array, contentType?: string): SipResponse;
}

export type SipMessage = SipRequest | SipResponse;
