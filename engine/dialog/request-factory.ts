/** Turning dialog-built parts into messages (RFC 3261 §8.1.1: Via with a fresh branch, Max-Forwards 70) and new requests outside a dialog. */
import { createRequest, formatNameAddr } from '../sip';
import type { SipRequest } from '../sip/message';
import type { NameAddr, Uri } from '../sip/types';
import type { Random } from '../ports/random';
import type { InDialogRequestParts } from './in-dialog-request';

export interface BodyPart {
  readonly body: Uint8Array;
  readonly contentType: string;
}

/** Methods and extensions this UA core handles; advertised in Allow and Supported (§20.5, §20.37). */
export const ALLOWED_METHODS = 'INVITE, ACK, CANCEL, BYE, OPTIONS, PRACK, UPDATE, INFO, MESSAGE, NOTIFY, REFER';
export const SUPPORTED_EXTENSIONS: readonly string[] = ['100rel'];

/** §8.1.1.7: a branch starting with the RFC 3261 magic cookie; the transport layer fills in sent-by. */
export function newBranch(random: Random): string {
  return `z9hG4bK${random.token(16)}`;
}

export function placeholderVia(random: Random): string {
  return `SIP/2.0/UDP 0.0.0.0;branch=${newBranch(random)};rport`;
}

export function requestFromParts(parts: InDialogRequestParts, random: Random, body?: BodyPart): SipRequest {
  // A B2BUA relaying a request passes the received Max-Forwards − 1 (opensips-b2b.md §1.7): keep a caller-given one.
  const given = parts.headers.some(([name]) => name.length === 12 && name.toLowerCase() === 'max-forwards');
  const headers: (readonly [string, string])[] = given
    ? [['Via', placeholderVia(random)], ...parts.headers]
    : [['Via', placeholderVia(random)], ['Max-Forwards', '70'], ...parts.headers];
  if (body !== undefined) headers.push(['Content-Type', body.contentType]);
  return createRequest({ method: parts.method, uri: parts.uri, headers, body: body?.body });
}

export interface OutOfDialogRequestSpec {
  readonly method: string;
  readonly uri: Uri;
  readonly from: NameAddr;
  readonly to: NameAddr;
  readonly contact: string;
  readonly callId?: string;
  readonly cseq?: number;
  readonly headers?: ReadonlyArray<readonly [string, string]>;
  readonly body?: BodyPart;
}

/** A request that starts something (§8.1.1): new Call-ID and From tag from Random, no To tag. */
export function createOutOfDialogRequest(spec: OutOfDialogRequestSpec, random: Random): SipRequest {
  const from: NameAddr = { ...spec.from, params: new Map([...spec.from.params, ['tag', random.token(10)]]) };
  const headers: (readonly [string, string])[] = [
    ['Via', placeholderVia(random)],
    ['Max-Forwards', '70'],
    ['From', formatNameAddr(from)],
    ['To', formatNameAddr(spec.to)],
    ['Call-ID', spec.callId ?? random.token(20)],
    ['CSeq', `${spec.cseq ?? 1} ${spec.method}`],
    ['Contact', spec.contact],
    ['Allow', ALLOWED_METHODS],
    ['Supported', SUPPORTED_EXTENSIONS.join(', ')],
    ...(spec.headers ?? []),
  ];
  if (spec.body !== undefined) headers.push(['Content-Type', spec.body.contentType]);
  return createRequest({ method: spec.method, uri: spec.uri, headers, body: spec.body?.body });
}
