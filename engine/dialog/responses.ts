/** Building the UA core's responses (RFC 3261 §8.2.6; Contact in 2xx/1xx to INVITE §12.1.1, Allow/Supported §20). */
import { createResponse } from '../sip';
import type { SipRequest, SipResponse } from '../sip/message';
import type { BodyPart } from './request-factory';
import { ALLOWED_METHODS, SUPPORTED_EXTENSIONS } from './request-factory';

export interface ResponseOptions {
  readonly reason?: string;
  readonly toTag?: string;
  /** Our Contact: required in responses that create or refresh a dialog (§12.1.1, §13.3.1.4). */
  readonly contact?: string;
  readonly headers?: ReadonlyArray<readonly [string, string]>;
  readonly body?: BodyPart;
}

export function buildResponse(request: SipRequest, status: number, options: ResponseOptions = {}): SipResponse {
  const headers: (readonly [string, string])[] = [];
  if (options.contact !== undefined) headers.push(['Contact', options.contact]);
  if (status >= 200 && status < 300 && (request.method === 'INVITE' || request.method === 'OPTIONS')) {
    headers.push(['Allow', ALLOWED_METHODS], ['Supported', SUPPORTED_EXTENSIONS.join(', ')]);
  }
  if (status === 405) headers.push(['Allow', ALLOWED_METHODS]);
  if (options.headers) headers.push(...options.headers);
  return createResponse(request, status, options.reason, {
    toTag: options.toTag,
    headers,
    body: options.body?.body,
    contentType: options.body?.contentType,
  });
}
