/** Building requests and responses from scratch (RFC 3261 §8.1.1, §8.2.6): mandatory headers checked, SipBuildError when code gets them wrong. */
import type { SipRequest, SipResponse } from './message';
import type { RawHeader, Uri } from './types';
import { SipBuildError } from './build-error';
import { requireCore } from './derive';
import { makeRawHeader, withContentLength } from './header-edit';
import { SipRequestImpl, requestUri } from './sip-request';
import { SipResponseImpl } from './sip-response';
import { isToken } from './text-scan';

export type HeaderList = ReadonlyArray<readonly [string, string]>;

export interface RequestSpec {
  readonly method: string;
  readonly uri: Uri | string;
  readonly headers: HeaderList;
  readonly body?: Uint8Array | undefined;
}

export interface ResponseSpec {
  readonly status: number;
  readonly reason: string;
  readonly headers: HeaderList;
  readonly body?: Uint8Array | undefined;
}

const EMPTY_BODY = new Uint8Array(0);

export function toRawHeaders(headers: HeaderList): RawHeader[] {
  return headers.map(([name, value]) => makeRawHeader(name, value));
}

/** §8.1.1: Via, From, To, Call-ID and CSeq must be present and well formed, and the CSeq method must match. */
export function createRequest(spec: RequestSpec): SipRequest {
  if (!isToken(spec.method)) throw new SipBuildError('bad-method', `method ${JSON.stringify(spec.method)} is not a token`);
  const { parsed, text } = requestUri(spec.uri);
  const body = spec.body ?? EMPTY_BODY;
  const headers = withContentLength(toRawHeaders(spec.headers), body.length);
  const core = requireCore(headers, spec.method);
  return new SipRequestImpl(spec.method, parsed, text, headers, body, core);
}

/** §7.2: a 3-digit status 100-699 and a reason phrase without line breaks. */
export function createResponseMessage(spec: ResponseSpec): SipResponse {
  if (!Number.isInteger(spec.status) || spec.status < 100 || spec.status > 699) {
    throw new SipBuildError('bad-status', `status ${spec.status} is not 100-699`);
  }
  if (/[\r\n]/.test(spec.reason)) throw new SipBuildError('bad-reason', 'reason phrase contains a line break');
  const body = spec.body ?? EMPTY_BODY;
  const headers = withContentLength(toRawHeaders(spec.headers), body.length);
  const core = requireCore(headers, undefined);
  return new SipResponseImpl(spec.status, spec.reason, headers, body, core);
}
