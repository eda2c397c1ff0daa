/** Character classes and quoting shared by the SIP value parsers (RFC 3261 §25.1: token, quoted-string, escaped). */

function charSet(chars: string): Uint8Array {
  const set = new Uint8Array(128);
  for (let c = 48; c <= 57; c++) set[c] = 1;
  for (let c = 65; c <= 90; c++) set[c] = 1;
  for (let c = 97; c <= 122; c++) set[c] = 1;
  for (let i = 0; i < chars.length; i++) set[chars.charCodeAt(i)] = 1;
  return set;
}

/** §25.1 token: alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~". */
export const TOKEN_CHARS = charSet("-.!%*_+`'~");
const UNRESERVED = "-_.!~*'()";
/** §25.1 user-unreserved on top of unreserved. */
export const USER_CHARS = charSet(UNRESERVED + '&=+$,;?/');
export const PASSWORD_CHARS = charSet(UNRESERVED + '&=+$,');
/** §25.1 param-unreserved on top of unreserved (pname and pvalue). */
export const PARAM_CHARS = charSet(UNRESERVED + '[]/:&+$');
/** §25.1 hnv-unreserved on top of unreserved (hname and hvalue). */
export const HEADER_CHARS = charSet(UNRESERVED + '[]/?:+$');

export function isToken(text: string): boolean {
  const n = text.length;
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || TOKEN_CHARS[c] === 0) return false;
  }
  return true;
}

export function isWs(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10;
}

export function skipWs(text: string, i: number): number {
  const n = text.length;
  while (i < n && isWs(text.charCodeAt(i))) i++;
  return i;
}

export interface Quoted {
  readonly value: string;
  /** Index just after the closing quote. */
  readonly end: number;
}

/** Reads a quoted-string starting at `start` (which holds `"`); undefined when unterminated (§25.1 quoted-pair). */
export function readQuoted(text: string, start: number): Quoted | undefined {
  const n = text.length;
  let out = '';
  let chunk = start + 1;
  for (let i = start + 1; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) return { value: out + text.slice(chunk, i), end: i + 1 };
    if (c === 92) {
      if (i + 1 >= n) return undefined;
      out += text.slice(chunk, i) + text[i + 1];
      i++;
      chunk = i + 1;
    }
  }
  return undefined;
}

/** Index just after the quoted-string starting at `start`, or -1 when unterminated. */
export function skipQuoted(text: string, start: number): number {
  const n = text.length;
  for (let i = start + 1; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) return i + 1;
    if (c === 92) i++;
  }
  return -1;
}

export function quote(text: string): string {
  if (text.indexOf('"') < 0 && text.indexOf('\\') < 0) return `"${text}"`;
  return `"${text.replace(/["\\]/g, (m) => `\\${m}`)}"`;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/** Undoes %HH escapes (§19.1.2), decoding the bytes as UTF-8; undefined on a malformed escape. */
export function unescapePercent(text: string): string | undefined {
  if (text.indexOf('%') < 0) return text;
  const bytes: number[] = [];
  let ascii = true;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 37) {
      if (i + 2 >= n) return undefined;
      const hi = hexValue(text.charCodeAt(i + 1));
      const lo = hexValue(text.charCodeAt(i + 2));
      if (hi < 0 || lo < 0) return undefined;
      const b = hi * 16 + lo;
      if (b >= 128) ascii = false;
      bytes.push(b);
      i += 2;
    } else if (c < 128) {
      bytes.push(c);
    } else {
      ascii = false;
      for (const b of Buffer.from(text[i] ?? '', 'utf8')) bytes.push(b);
    }
  }
  return ascii ? String.fromCharCode(...bytes) : Buffer.from(bytes).toString('utf8');
}

const HEX = '0123456789ABCDEF';

/** Escapes every character outside `allowed` as %HH of its UTF-8 bytes (§19.1.2). */
export function escapePercent(text: string, allowed: Uint8Array): string {
  const n = text.length;
  let i = 0;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || allowed[c] === 0) break;
  }
  if (i === n) return text;
  let out = text.slice(0, i);
  for (const b of Buffer.from(text.slice(i), 'utf8')) {
    if (b < 128 && allowed[b] === 1) out += String.fromCharCode(b);
    else out += `%${HEX[b >> 4]}${HEX[b & 15]}`;
  }
  return out;
}

/** Parses a decimal made only of digits, up to `max`; undefined otherwise. */
export function parseDecimal(text: string, max: number): number | undefined {
  const n = text.length;
  if (n === 0 || n > 16) return undefined;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return undefined;
    v = v * 10 + c;
  }
  return v <= max ? v : undefined;
}
