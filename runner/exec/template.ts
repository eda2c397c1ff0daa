/**
 * Message templates: SIPp's send text compiled once into lines of segments and rendered per call
 * (keyword substitution, CRLF line ends, `[len]` and Content-Length from the body after
 * substitution, RFC 3261 §20.14; SIPp cleans each line of surrounding blanks).
 */
import type { SourceLocation } from '../model/scenario';
import { compileKeyword, type KeywordCall, type KeywordEnv, type KeywordScope, type Segment } from './keywords';

const LEN_MARK = '\u0001';
const AUTH_MARK = '\u0002';
const CONTENT_LENGTH_LINE = /^(content-length|l)[ \t]*:/i;
const CONTENT_LENGTH_IN_HEAD = /(^|\r\n)(content-length|l)[ \t]*:/i;

export type AuthSegment = Extract<Segment, { kind: 'auth' }>;

export interface CompiledTemplate {
  readonly lines: readonly (readonly Segment[])[];
  readonly hasLen: boolean;
  /** `[len+N]`: added to the body length. */
  readonly lenOffset: number;
  readonly auth: AuthSegment | undefined;
  /** A literal Content-Length line exists: no need to look for one after rendering. */
  readonly contentLengthLiteral: boolean;
  /** SIP messages get the blank line, body and Content-Length treatment; 3PCC commands do not. */
  readonly sip: boolean;
  /** The first word when it is literal: the method of a request, `SIP/2.0` for a response. */
  readonly firstWord: string | undefined;
}

/** Parses a template; throws ScenarioLoadError (unknown keyword …) naming the line of the keyword. */
export function compileTemplate(source: string, location: SourceLocation, scope: KeywordScope, sip: boolean): CompiledTemplate {
  const raw = source.split('\n');
  const lines: Segment[][] = [];
  let hasLen = false;
  let lenOffset = 0;
  let auth: AuthSegment | undefined;
  let contentLengthLiteral = false;
  for (let i = 0; i < raw.length; i++) {
    const text = (raw[i] as string).replace(/^[ \t\r]+|[ \t\r]+$/g, '');
    if (text === '' && lines.length === 0) continue;
    const lineLocation = { file: location.file, line: location.line + i };
    const segments = compileLine(text, lineLocation, scope);
    for (const s of segments) {
      if (s.kind === 'len') {
        hasLen = true;
        lenOffset = s.offset;
      }
      if (s.kind === 'auth') auth = s;
    }
    const head = segments[0];
    if (head?.kind === 'text' && CONTENT_LENGTH_LINE.test(head.text)) contentLengthLiteral = true;
    lines.push(segments);
  }
  while (lines.length > 0 && (lines[lines.length - 1] as Segment[]).length === 0) lines.pop();
  const first = lines[0]?.[0];
  // Only a word followed by a space is known whole (`[service]` could continue it otherwise).
  const firstWord = first?.kind === 'text' ? /^(\S+) /.exec(first.text)?.[1] : undefined;
  return { lines, hasLen, lenOffset, auth, contentLengthLiteral, sip, firstWord };
}

function compileLine(text: string, location: SourceLocation, scope: KeywordScope): Segment[] {
  const out: Segment[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('[', i);
    const close = open < 0 ? -1 : text.indexOf(']', open + 1);
    if (open < 0 || close < 0) {
      literal += text.slice(i);
      break;
    }
    literal += text.slice(i, open);
    const keyword = compileKeyword(text.slice(open + 1, close), location, scope);
    if (keyword.kind === 'text') literal += keyword.text;
    else {
      if (literal !== '') out.push({ kind: 'text', text: literal });
      literal = '';
      out.push(keyword);
    }
    i = close + 1;
  }
  if (literal !== '') out.push({ kind: 'text', text: literal });
  return out;
}

/** Builds the `Authorization:`/`Proxy-Authorization:` line for `[authentication]` from the rendered message. */
export type AuthRenderer = (message: string, segment: AuthSegment) => string;

/** Renders a template for one call. */
export function renderTemplate(t: CompiledTemplate, call: KeywordCall, env: KeywordEnv, auth?: AuthRenderer): string {
  let out = '';
  for (const line of t.lines) {
    let s = '';
    for (const seg of line) {
      if (seg.kind === 'text') s += seg.text;
      else if (seg.kind === 'value') {
        let v = seg.evaluate(call, env);
        if (v === '' && seg.lastHeader) break; // SIPp: an absent [last_*] header takes the rest of its line with it
        if (v.includes('\n')) v = v.replace(/\r?\n/g, '\r\n');
        s += v;
      } else s += seg.kind === 'len' ? LEN_MARK : AUTH_MARK;
    }
    // A line that only held keywords with nothing to say disappears, CRLF included (SIPp's suppresscrlf).
    if (s === '' && line.length > 0) continue;
    out += s.endsWith('\n') ? s : `${s}\r\n`;
  }
  if (!t.sip) return out.endsWith('\r\n') ? out.slice(0, -2) : out;
  let headEnd = out.indexOf('\r\n\r\n');
  if (headEnd < 0) {
    headEnd = out.length - 2;
    out += '\r\n';
  }
  const bodyStart = headEnd + 4;
  const bodyBytes = bodyStart >= out.length ? 0 : Buffer.byteLength(out.slice(bodyStart), 'utf8');
  if (t.hasLen) out = out.split(LEN_MARK).join(String(bodyBytes + t.lenOffset));
  if (!t.contentLengthLiteral && !CONTENT_LENGTH_IN_HEAD.test(out.slice(0, headEnd))) {
    out = `${out.slice(0, headEnd)}\r\nContent-Length: ${bodyBytes}${out.slice(headEnd)}`;
  }
  if (t.auth !== undefined && auth !== undefined) out = out.replace(AUTH_MARK, auth(out, t.auth));
  return out;
}
