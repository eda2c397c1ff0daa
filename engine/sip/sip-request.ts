/** A SIP request (RFC 3261 §7.1, §8.1): parsed or built, readonly; derivations return new requests sharing unchanged lines. */
import type { SipRequest } from './message';
import type { RawHeader, Uri } from './types';
import type { CoreHeaders } from './core-headers';
import { SipBuildError } from './build-error';
import { coreAfterEdit, headersForBody } from './derive';
import { addHeader, removeHeader, removeTopVia, setHeaderValues } from './header-edit';
import { MessageBase } from './message-base';
import { isToken } from './text-scan';
import { formatUri, isSipUri, parseUri } from './uri';

export class SipRequestImpl extends MessageBase implements SipRequest {
  readonly kind = 'request' as const;

  constructor(
    readonly method: string,
    readonly uri: Uri,
    readonly uriText: string,
    headers: readonly RawHeader[],
    body: Uint8Array,
    core: CoreHeaders,
    wire?: Uint8Array,
  ) {
    super(headers, body, core, wire);
  }

  private derive(headers: readonly RawHeader[], changed: string | undefined, body: Uint8Array = this.body): SipRequestImpl {
    return new SipRequestImpl(this.method, this.uri, this.uriText, headers, body, coreAfterEdit(this.core, headers, changed));
  }

  withHeader(name: string, value: string, position: 'append' | 'prepend' = 'append'): SipRequest {
    return this.derive(addHeader(this.headers, name, value, position), name);
  }

  withHeaderValues(name: string, values: readonly string[]): SipRequest {
    return this.derive(setHeaderValues(this.headers, name, values), name);
  }

  withoutHeader(name: string): SipRequest {
    return this.derive(removeHeader(this.headers, name), name);
  }

  withoutTopVia(): SipRequest {
    return this.derive(removeTopVia(this.headers), 'via');
  }

  withBody(body: Uint8Array, contentType?: string): SipRequest {
    return this.derive(headersForBody(this.headers, body, contentType), undefined, body);
  }

  withUri(uri: Uri | string): SipRequest {
    const { parsed, text } = requestUri(uri);
    return new SipRequestImpl(this.method, parsed, text, this.headers, this.body, this.core);
  }

  withMethod(method: string): SipRequest {
    if (!isToken(method)) throw new SipBuildError('bad-method', `method ${JSON.stringify(method)} is not a token`);
    return new SipRequestImpl(method, this.uri, this.uriText, this.headers, this.body, this.core);
  }
}

/** A Request-URI from code: text is parsed (and kept verbatim), a value is formatted. */
export function requestUri(uri: Uri | string): { parsed: Uri; text: string } {
  const parsed = typeof uri === 'string' ? parseUri(uri) : uri;
  if (parsed === undefined) throw new SipBuildError('bad-uri', `Request-URI ${JSON.stringify(uri)} does not parse`);
  // §19.1.1 table: a Request-URI carries no ?headers (the parser rejects them too).
  if (isSipUri(parsed) && parsed.headers.size > 0) throw new SipBuildError('bad-uri', 'a Request-URI cannot carry ?headers');
  return { parsed, text: typeof uri === 'string' ? uri : formatUri(parsed) };
}
