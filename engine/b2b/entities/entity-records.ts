/** The request records an entity hands its owner (opensips-b2b.md §1.2 step 4): received ones awaiting a reply, sent ones awaiting replies. */
import type { SipRequest } from '../../sip/message';
import type { NameAddr } from '../../sip/types';
import type { ServerTransaction } from '../../transaction/transaction-types';
import type { Entity, ReceivedRequest, SentRequest } from './entity-types';

export class ReceivedRequestRecord implements ReceivedRequest {
  answered = false;

  constructor(
    /** What the owner sees (after the script hook). */
    readonly request: SipRequest,
    readonly entity: Entity,
    /** The transaction it arrived in: responses are built from `tx.request`, never from a hooked copy. */
    readonly tx: ServerTransaction,
    /** The dialog-creating INVITE of a server entity. */
    readonly initial: boolean,
  ) {}
}

export class SentRequestRecord implements SentRequest {
  cause?: unknown;
  /** A final response (or a synthesised one) reached the owner. */
  finalSeen = false;

  constructor(readonly method: string, readonly request: SipRequest, readonly entity: Entity) {}
}

export function withoutTag(nameAddr: NameAddr): NameAddr {
  if (!nameAddr.params.has('tag')) return nameAddr;
  const params = new Map(nameAddr.params);
  params.delete('tag');
  return { ...nameAddr, params };
}

/** Whether a header list asks for `100rel` in Require (RFC 3262 §3). */
export function requires100rel(headers: ReadonlyArray<readonly [string, string]>): boolean {
  return headers.some(([name, value]) => name.toLowerCase() === 'require' && value.split(',').some((tag) => tag.trim().toLowerCase() === '100rel'));
}

/** The header list without `100rel` in Require (dropping an emptied Require) and without RSeq: the entity numbers its own (RFC 3262 §3). */
export function withoutReliability(headers: ReadonlyArray<readonly [string, string]>): ReadonlyArray<readonly [string, string]> {
  const out: (readonly [string, string])[] = [];
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    if (lower === 'rseq') continue;
    if (lower === 'require') {
      const rest = value.split(',').map((tag) => tag.trim()).filter((tag) => tag !== '' && tag.toLowerCase() !== '100rel');
      if (rest.length > 0) out.push([name, rest.join(', ')]);
      continue;
    }
    out.push([name, value]);
  }
  return out;
}

/** A body's own Content-Type wins over one the owner copied into the header list (one Content-Type per message, §20.15). */
export function withoutContentType(headers: ReadonlyArray<readonly [string, string]>): ReadonlyArray<readonly [string, string]> {
  return headers.some(([name]) => isContentType(name)) ? headers.filter(([name]) => !isContentType(name)) : headers;
}

function isContentType(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === 'content-type' || lower === 'c';
}

/** The owner's header list for a message carrying `body` (its Content-Type comes from the body). */
export function headersFor(options: { readonly headers?: ReadonlyArray<readonly [string, string]>; readonly body?: unknown }): ReadonlyArray<readonly [string, string]> | undefined {
  return options.body === undefined ? options.headers : withoutContentType(options.headers ?? []);
}
