/** A SIP response (RFC 3261 §7.2, §8.2.6): parsed or built, readonly; derivations return new responses sharing unchanged lines. */
import type { SipResponse } from './message';
import type { RawHeader } from './types';
import type { CoreHeaders } from './core-headers';
import { coreAfterEdit, headersForBody } from './derive';
import { addHeader, removeHeader, removeTopVia, setHeaderValues } from './header-edit';
import { MessageBase } from './message-base';

export class SipResponseImpl extends MessageBase implements SipResponse {
  readonly kind = 'response' as const;

  constructor(
    readonly status: number,
    readonly reason: string,
    headers: readonly RawHeader[],
    body: Uint8Array,
    core: CoreHeaders,
    wire?: Uint8Array,
  ) {
    super(headers, body, core, wire);
  }

  private derive(headers: readonly RawHeader[], changed: string | undefined, body: Uint8Array = this.body): SipResponseImpl {
    return new SipResponseImpl(this.status, this.reason, headers, body, coreAfterEdit(this.core, headers, changed));
  }

  withHeader(name: string, value: string, position: 'append' | 'prepend' = 'append'): SipResponse {
    return this.derive(addHeader(this.headers, name, value, position), name);
  }

  withHeaderValues(name: string, values: readonly string[]): SipResponse {
    return this.derive(setHeaderValues(this.headers, name, values), name);
  }

  withoutHeader(name: string): SipResponse {
    return this.derive(removeHeader(this.headers, name), name);
  }

  withoutTopVia(): SipResponse {
    return this.derive(removeTopVia(this.headers), 'via');
  }

  withBody(body: Uint8Array, contentType?: string): SipResponse {
    return this.derive(headersForBody(this.headers, body, contentType), undefined, body);
  }
}
