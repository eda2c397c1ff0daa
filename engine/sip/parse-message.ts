/**
 * parseMessage: bytes to a readonly SipRequest/SipResponse (RFC 3261 §7, §7.3.1 folding, §7.3.3 compact
 * forms, §7.5 leading CRLFs, §18.3 Content-Length framing on datagrams). Never throws on any input.
 */
import type { RawHeader } from './types';
import type { ParseResult, SipParseError, SipParseErrorCode } from './parse-error';
import { HeaderCollector } from './header-collector';
import { validateCore } from './core-headers';
import { frequentHeaderKey, headerKey } from './header-names';
import { resolveParseLimits, type ParseLimits } from './parse-limits';
import { SipRequestImpl } from './sip-request';
import { SipResponseImpl } from './sip-response';
import { parseStartLine } from './start-line';
import { TOKEN_CHARS, parseDecimal } from './text-scan';

const CRLFCRLF = Buffer.from('\r\n\r\n');
const LFLF = Buffer.from('\n\n');
/** Messages up to this size are decoded whole in one call (cheaper than a byte search plus a second decode). */
const WHOLE_DECODE_LIMIT = 16384;

export function parseMessage(data: Uint8Array | string, limits?: Partial<ParseLimits>): ParseResult {
  try {
    return parseBuffer(toBuffer(data), resolveParseLimits(limits));
  } catch (err) {
    // Last resort only: the normal path returns errors; reaching here is a parser bug, reported not thrown.
    return failure({ code: 'internal', reason: `parser failure: ${String(err)}`, canReply: false });
  }
}

function toBuffer(data: Uint8Array | string): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (Buffer.isBuffer(data)) return data;
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

function failure(error: SipParseError): ParseResult {
  return { ok: false, error };
}

interface FirstError {
  code: SipParseErrorCode;
  reason: string;
}

/** Result of walking the header section. */
interface HeaderSection {
  startLine: string;
  headers: RawHeader[];
  collector: HeaderCollector;
  canonical: boolean;
  error: FirstError | undefined;
}

function parseBuffer(buf: Buffer, limits: ParseLimits): ParseResult {
  const total = buf.length;
  if (total > limits.maxMessageBytes) {
    return failure({ code: 'too-large', reason: `message of ${total} bytes exceeds the ${limits.maxMessageBytes}-byte limit`, canReply: false });
  }
  let start = 0;
  // §7.5: CRLFs before the start line are ignored.
  while (start < total && (buf[start] === 13 || buf[start] === 10)) start++;
  if (start === total) return failure({ code: 'empty', reason: 'no start line', canReply: false });

  // Fast path: decode once; when every character came from one byte (ASCII, or lone invalid bytes that
  // became U+FFFD), character offsets are byte offsets and the header section is searched in the string.
  let text = total <= WHOLE_DECODE_LIMIT ? buf.toString('utf8') : '';
  const oneBytePerChar = text.length === total;
  let headEnd = oneBytePerChar ? text.indexOf('\r\n\r\n', start) : buf.indexOf(CRLFCRLF, start);
  let bodyStart: number;
  let canonical = true;
  let missingBlankLine = false;
  if (headEnd >= 0) {
    bodyStart = headEnd + 4;
  } else {
    canonical = false;
    headEnd = oneBytePerChar ? text.indexOf('\n\n', start) : buf.indexOf(LFLF, start);
    if (headEnd >= 0) bodyStart = headEnd + 2;
    else {
      // No empty line: tolerated when the datagram ends right after a header line (nothing can follow).
      bodyStart = total;
      headEnd = total;
      if (buf[headEnd - 1] === 10) headEnd--;
      if (buf[headEnd - 1] === 13) headEnd--;
      missingBlankLine = headEnd === total;
    }
  }
  let textStart = start;
  let textEnd = headEnd;
  if (!oneBytePerChar) {
    text = buf.toString('utf8', start, headEnd);
    textStart = 0;
    textEnd = text.length;
  }

  const section = walkHeaders(text, textStart, textEnd, limits);
  canonical = canonical && section.canonical;
  const line = parseStartLine(section.startLine);
  const isRequest = line.kind === 'error' ? line.isRequest : line.kind === 'request';
  const fail = (code: SipParseErrorCode, reason: string): ParseResult => {
    const replyContext = isRequest === true ? section.collector.replyContext() : undefined;
    const error: { -readonly [K in keyof SipParseError]: SipParseError[K] } = { code, reason, canReply: replyContext !== undefined };
    if (isRequest !== undefined) error.isRequest = isRequest;
    if (replyContext !== undefined) error.replyContext = replyContext;
    return failure(error);
  };

  if (section.error !== undefined && (section.error.code === 'too-many-headers' || section.error.code === 'line-too-long')) {
    return fail(section.error.code, section.error.reason);
  }
  if (line.kind === 'error') return fail(line.code, line.reason);
  if (section.error !== undefined) return fail(section.error.code, section.error.reason);
  if (missingBlankLine) return fail('no-empty-line', 'header section does not end with an empty line');

  const core = validateCore(section.collector, line.kind === 'request' ? line.method : undefined);
  if (!core.ok) return fail(core.code, core.reason);

  const c = section.collector;
  const available = total - bodyStart;
  let body: Buffer;
  let wireEnd = total;
  if (c.contentLength !== undefined) {
    const length = parseDecimal(c.contentLength, limits.maxMessageBytes);
    if (length === undefined) return fail('bad-content-length', `malformed Content-Length ${JSON.stringify(c.contentLength.slice(0, 20))}`);
    if (c.contentLengthConflict) return fail('bad-content-length', 'conflicting Content-Length values');
    // §18.3: fewer body bytes than Content-Length on a datagram is an error; extra bytes are discarded.
    if (length > available) return fail('truncated-body', `Content-Length ${length} but ${available} body bytes`);
    body = buf.subarray(bodyStart, bodyStart + length);
    wireEnd = bodyStart + length;
    canonical = canonical && c.contentLengthCount === 1 && c.contentLength === String(length);
  } else {
    body = buf.subarray(bodyStart);
    canonical = false;
  }
  canonical = canonical && line.canonical;
  const wire = canonical ? buf.subarray(start, wireEnd) : undefined;
  const message = line.kind === 'request'
    ? new SipRequestImpl(line.method, line.uri, line.uriText, section.headers, body, core.core, wire)
    : new SipResponseImpl(line.status, line.reason, section.headers, body, core.core, wire);
  return { ok: true, message };
}

function walkHeaders(head: string, from: number, n: number, limits: ParseLimits): HeaderSection {
  const headers: RawHeader[] = [];
  const collector = new HeaderCollector();
  const section: HeaderSection = { startLine: '', headers, collector, canonical: true, error: undefined };
  let pos = from;
  let first = true;
  let name: string | undefined;
  let key = '';
  let value = '';
  const flush = (): boolean => {
    if (name === undefined) return true;
    if (name.length + value.length + 2 > limits.maxLineBytes) {
      section.error = { code: 'line-too-long', reason: `${name} header is longer than ${limits.maxLineBytes} characters` };
      return false;
    }
    if (headers.length >= limits.maxHeaderCount) {
      section.error = { code: 'too-many-headers', reason: `more than ${limits.maxHeaderCount} header lines` };
      return false;
    }
    headers.push({ name, key, value });
    collector.add(key, value);
    name = undefined;
    return true;
  };
  while (pos <= n) {
    let nl = head.indexOf('\n', pos);
    if (nl < 0 || nl > n) nl = n;
    let end = nl;
    if (end > pos && head.charCodeAt(end - 1) === 13) end--;
    else if (nl < n) section.canonical = false;
    if (end - pos > limits.maxLineBytes) {
      section.error = { code: 'line-too-long', reason: `a header line is longer than ${limits.maxLineBytes} characters` };
      return section;
    }
    if (first) {
      section.startLine = head.slice(pos, end);
      first = false;
    } else {
      const c0 = head.charCodeAt(pos);
      if (c0 === 32 || c0 === 9) {
        // §7.3.1: a line starting with whitespace continues the previous header; the fold becomes one SP.
        section.canonical = false;
        const more = head.slice(pos, end).trim();
        if (name === undefined) {
          section.error ??= { code: 'bad-header', reason: 'continuation line without a header' };
        } else if (more.length > 0) {
          value = value.length === 0 ? more : `${value} ${more}`;
        }
      } else {
        if (!flush()) return section;
        const colon = head.indexOf(':', pos);
        if (colon < 0 || colon >= end) {
          section.error ??= { code: 'bad-header', reason: `header line without a colon: ${JSON.stringify(head.slice(pos, Math.min(end, pos + 40)))}` };
        } else {
          let nameEnd = colon;
          while (nameEnd > pos && isSpTab(head.charCodeAt(nameEnd - 1))) nameEnd--;
          const known = frequentHeaderKey(head, pos, nameEnd);
          if (known === undefined && !isTokenRange(head, pos, nameEnd)) {
            section.error ??= { code: 'bad-header', reason: `bad header name ${JSON.stringify(head.slice(pos, Math.min(nameEnd, pos + 40)))}` };
          } else {
            let vs = colon + 1;
            while (vs < end && isSpTab(head.charCodeAt(vs))) vs++;
            let ve = end;
            while (ve > vs && isSpTab(head.charCodeAt(ve - 1))) ve--;
            if (nameEnd !== colon || vs !== colon + 2 || ve !== end) section.canonical = false;
            name = head.slice(pos, nameEnd);
            key = known ?? headerKey(name);
            value = head.slice(vs, ve);
          }
        }
      }
    }
    pos = nl + 1;
  }
  flush();
  return section;
}

function isSpTab(c: number): boolean {
  return c === 32 || c === 9;
}

function isTokenRange(text: string, from: number, to: number): boolean {
  if (to <= from) return false;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || TOKEN_CHARS[c] === 0) return false;
  }
  return true;
}
