/**
 * A received message as a route sees it: readonly typed reads plus header/body edits (OpenSIPS lumps),
 * applied at once to an immutable copy so the logic later builds the other leg from the edited message.
 */
import type { SipRequest, SipResponse } from '../sip/message';
import { headerKey } from '../sip/header-names';
import { parseUri } from '../sip/uri';
import type { CSeq, NameAddr, Uri } from '../sip/types';
import { ScriptError } from './script-error';
import type { MessageView, ReplyView, RequestView } from './script-types';

/** Headers that make the message what it is: a route must not remove or replace them. */
const PROTECTED = new Set(['via', 'from', 'to', 'call-id', 'cseq', 'content-length']);
const decoder = new TextDecoder();
const encoder = new TextEncoder();

type Editable = SipRequest | SipResponse;

abstract class EditableMessage<M extends Editable> implements MessageView {
  constructor(protected current: M) {}

  get callId(): string { return this.current.callId; }
  get from(): NameAddr { return this.current.from; }
  get fromTag(): string | undefined { return this.current.fromTag; }
  get to(): NameAddr { return this.current.to; }
  get toTag(): string | undefined { return this.current.toTag; }
  get cseq(): CSeq { return this.current.cseq; }
  get body(): Uint8Array { return this.current.body; }
  get bodyText(): string { return this.current.body.length === 0 ? '' : decoder.decode(this.current.body); }
  get contentType(): string | undefined { return this.current.header('content-type'); }

  header(name: string): string | undefined { return this.current.header(name); }
  headers(name: string): readonly string[] { return this.current.headerValues(name); }
  hasHeader(name: string): boolean { return this.current.hasHeader(name); }

  addHeader(name: string, value: string, position: 'append' | 'prepend' = 'append'): void {
    this.guard(name);
    this.current = this.current.withHeader(name, value, position) as M;
  }

  setHeader(name: string, value: string): void {
    this.guard(name);
    this.current = this.current.withHeaderValues(name, [value]) as M;
  }

  removeHeader(name: string): void {
    this.guard(name);
    this.current = this.current.withoutHeader(name) as M;
  }

  setBody(body: string | Uint8Array, contentType?: string): void {
    const bytes = typeof body === 'string' ? encoder.encode(body) : body;
    this.current = this.current.withBody(bytes, contentType) as M;
  }

  private guard(name: string): void {
    if (PROTECTED.has(headerKey(name))) {
      throw new ScriptError('protected-header', `${name} cannot be changed by a script (the B2B layers own Via, From, To, Call-ID, CSeq, Content-Length)`);
    }
  }
}

export class EditableRequest extends EditableMessage<SipRequest> implements RequestView {
  get method(): string { return this.current.method; }
  get uri(): Uri { return this.current.uri; }
  get ruri(): string { return this.current.uriText; }
  set ruri(uri: string) { this.setRequestUri(uri); }
  get sip(): SipRequest { return this.current; }

  setRequestUri(uri: string): void {
    const parsed = parseUri(uri.trim());
    if (parsed === undefined) throw new ScriptError('bad-uri', `"${uri}" is not a URI`);
    this.current = this.current.withUri(parsed);
  }
}

export class EditableReply extends EditableMessage<SipResponse> implements ReplyView {
  get status(): number { return this.current.status; }
  get reason(): string { return this.current.reason; }
  get sip(): SipResponse { return this.current; }
}

/** Parses a URI a script handed us, or throws the script's error. */
export function scriptUri(text: string | Uri, what: string): Uri {
  if (typeof text !== 'string') return text;
  const uri = parseUri(text.trim().replace(/^<(.*)>$/, '$1'));
  if (uri === undefined) throw new ScriptError('bad-uri', `${what}: "${text}" is not a URI`);
  return uri;
}
