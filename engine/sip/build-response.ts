/** createResponse: a UAS response to a request (RFC 3261 §8.2.6; 100 Trying §8.2.6.1; Record-Route in dialog-creating responses §12.1.1). */
import type { SipRequest, SipResponse } from './message';
import type { RawHeader } from './types';
import type { HeaderList } from './create-message';
import { SipBuildError } from './build-error';
import { requireCore } from './derive';
import { makeRawHeader } from './header-edit';
import { reasonPhrase } from './reason-phrases';
import { SipResponseImpl } from './sip-response';
import { isToken } from './text-scan';

export interface CreateResponseOptions {
  /** Added to To when the request's To has no tag (§8.2.6.2); ignored for 100 and when a tag is present. */
  readonly toTag?: string | undefined;
  /** Extra header lines, after the copied ones. */
  readonly headers?: HeaderList | undefined;
  readonly body?: Uint8Array | undefined;
  readonly contentType?: string | undefined;
}

/** Methods whose 1xx/2xx responses may create a dialog, so they carry the Record-Route set back (§12.1.1, RFC 6665 §4.2.1). */
const DIALOG_CREATING = new Set(['INVITE', 'SUBSCRIBE', 'REFER', 'NOTIFY']);
const EMPTY_BODY = new Uint8Array(0);

export function createResponse(request: SipRequest, status: number, reason?: string, opts: CreateResponseOptions = {}): SipResponse {
  if (!Number.isInteger(status) || status < 100 || status > 699) throw new SipBuildError('bad-status', `status ${status} is not 100-699`);
  const phrase = reason ?? reasonPhrase(status);
  if (/[\r\n]/.test(phrase)) throw new SipBuildError('bad-reason', 'reason phrase contains a line break');
  const copyRecordRoute = status > 100 && status < 300 && DIALOG_CREATING.has(request.method);
  const lines: RawHeader[] = [];
  // §8.2.6.2: Via lines in order, From, To, Call-ID and CSeq copied from the request.
  for (const h of request.headers) {
    switch (h.key) {
      case 'via': case 'from': case 'call-id': case 'cseq':
        lines.push(h);
        break;
      case 'to':
        lines.push(withToTag(h, request, status, opts.toTag));
        break;
      case 'timestamp':
        // §8.2.6.1: a 100 Trying copies Timestamp.
        if (status === 100) lines.push(h);
        break;
      case 'record-route':
        if (copyRecordRoute) lines.push(h);
        break;
      default:
        break;
    }
  }
  for (const [name, value] of opts.headers ?? []) lines.push(makeRawHeader(name, value));
  const body = opts.body ?? EMPTY_BODY;
  if (opts.contentType !== undefined) lines.push(makeRawHeader('Content-Type', opts.contentType));
  lines.push(makeRawHeader('Content-Length', String(body.length)));
  return new SipResponseImpl(status, phrase, lines, body, requireCore(lines, undefined));
}

function withToTag(line: RawHeader, request: SipRequest, status: number, toTag: string | undefined): RawHeader {
  if (toTag === undefined || status === 100 || request.toTag !== undefined) return line;
  if (!isToken(toTag)) throw new SipBuildError('bad-header', `To tag ${JSON.stringify(toTag)} is not a token`);
  return { name: line.name, key: line.key, value: `${line.value};tag=${toTag}` };
}
