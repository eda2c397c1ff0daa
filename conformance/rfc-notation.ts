/**
 * Decoder for the message notation of RFC 4475 §2 (also used by RFC 5118): turns a readable
 * source into the exact octets of a torture-test message.
 *
 * Source format (one file per message, LF line ends in the file):
 * - every source line becomes one message line ending in CRLF (the RFC's messages are CRLF-exact);
 * - lines between `<allOneLine>` and `</allOneLine>` (each tag alone on its line) are concatenated
 *   with nothing between them into one message line (§2.1);
 * - `<hex>HHHH</hex>` stands for the raw octets written in hexadecimal (§2.2);
 * - `<repeat count=N>text</repeat>` stands for `text` written N times (§2.3);
 * - a line ending in `<noeol/>` gets no CRLF (for a message whose last octet is not a line end).
 */

export class NotationError extends Error {
  readonly code = 'bad-notation';
  constructor(readonly line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = 'NotationError';
  }
}

const ALL_ONE_LINE_OPEN = '<allOneLine>';
const ALL_ONE_LINE_CLOSE = '</allOneLine>';
const NO_EOL = '<noeol/>';
const TAG = /<hex>([^<]*)<\/hex>|<repeat count=(\d+)>([^<]*)<\/repeat>/g;
const STRAY_TAG = /<\/?(hex|repeat|allOneLine)\b|<noeol\/>/;

interface LogicalLine {
  readonly text: string;
  readonly line: number;
  readonly eol: boolean;
}

/** Joins the source into message lines (§2.1), remembering where each started for error messages. */
function logicalLines(source: string): LogicalLine[] {
  const raw = source.split('\n');
  if (raw.length > 0 && raw[raw.length - 1] === '') raw.pop();
  const out: LogicalLine[] = [];
  let joining: { text: string; line: number } | undefined;
  raw.forEach((rawLine, index) => {
    const lineNo = index + 1;
    if (rawLine.includes('\r')) throw new NotationError(lineNo, 'source files use LF line ends; CRLF is added by the decoder');
    if (rawLine === ALL_ONE_LINE_OPEN) {
      if (joining) throw new NotationError(lineNo, 'nested <allOneLine>');
      joining = { text: '', line: lineNo };
      return;
    }
    if (rawLine === ALL_ONE_LINE_CLOSE) {
      if (!joining) throw new NotationError(lineNo, '</allOneLine> without <allOneLine>');
      out.push(splitEol(joining.text, joining.line));
      joining = undefined;
      return;
    }
    if (joining) joining.text += rawLine;
    else out.push(splitEol(rawLine, lineNo));
  });
  if (joining) throw new NotationError(joining.line, '<allOneLine> is never closed');
  return out;
}

function splitEol(text: string, line: number): LogicalLine {
  return text.endsWith(NO_EOL) ? { text: text.slice(0, -NO_EOL.length), line, eol: false } : { text, line, eol: true };
}

function hexToBytes(hex: string, line: number): Buffer {
  if (hex.length % 2 !== 0 || !/^[0-9A-Fa-f]*$/.test(hex)) {
    throw new NotationError(line, `bad <hex> content "${hex}"`);
  }
  return Buffer.from(hex, 'hex');
}

/** Expands one message line: <repeat> first (its text is literal), <hex> to raw octets, the rest as UTF-8. */
function expandLine({ text, line, eol }: LogicalLine): Buffer {
  const parts: Buffer[] = [];
  let last = 0;
  for (const match of text.matchAll(TAG)) {
    const start = match.index ?? 0;
    parts.push(literal(text.slice(last, start), line));
    if (match[1] !== undefined) {
      parts.push(hexToBytes(match[1], line));
    } else {
      const count = Number(match[2]);
      parts.push(literal((match[3] ?? '').repeat(count), line));
    }
    last = start + match[0].length;
  }
  parts.push(literal(text.slice(last), line));
  if (eol) parts.push(Buffer.from('\r\n', 'latin1'));
  return Buffer.concat(parts);
}

function literal(text: string, line: number): Buffer {
  if (STRAY_TAG.test(text)) throw new NotationError(line, `unbalanced notation tag in "${text}"`);
  return Buffer.from(text, 'utf8');
}

/** Decodes an RFC 4475 §2 notation source into the message octets. Throws NotationError on malformed notation. */
export function decodeRfcNotation(source: string): Uint8Array {
  return new Uint8Array(Buffer.concat(logicalLines(source).map(expandLine)));
}
