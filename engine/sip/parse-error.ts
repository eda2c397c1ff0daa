/** What parseMessage returns for bad input (RFC 3261 §8.2, §16.3, §18.3): a plain value with a stable code, never an exception. */
import type { SipMessage } from './message';

export type SipParseErrorCode =
  | 'empty' | 'no-empty-line' | 'too-large' | 'too-many-headers' | 'line-too-long'
  | 'bad-start-line' | 'bad-version' | 'bad-method' | 'bad-uri' | 'bad-status'
  | 'bad-header' | 'duplicate-header' | 'missing-header'
  | 'bad-via' | 'bad-from' | 'bad-to' | 'bad-call-id' | 'bad-cseq' | 'cseq-method-mismatch'
  | 'bad-content-length' | 'truncated-body' | 'internal';

/**
 * The raw header values a 400 copies (§8.2.6.1 via §21.4.1): every Via line and CSeq, plus From, To and
 * Call-ID when present (RFC 4475 §3.3.1: a request missing them still gets a 400 when Via and CSeq parse).
 */
export interface ReplyContext {
  readonly vias: readonly string[];
  readonly from?: string;
  readonly to?: string;
  readonly callId?: string;
  readonly cseq: string;
}

export interface SipParseError {
  readonly code: SipParseErrorCode;
  /** Human text naming the header or field at fault. */
  readonly reason: string;
  /** A request whose Via, From, To, Call-ID and CSeq lines were all found, or whose top Via and CSeq parse, so a 400 can be sent. */
  readonly canReply: boolean;
  /** Known when the start line showed which kind of message this was. */
  readonly isRequest?: boolean;
  readonly replyContext?: ReplyContext;
}

export type ParseResult = { readonly ok: true; readonly message: SipMessage } | { readonly ok: false; readonly error: SipParseError };
