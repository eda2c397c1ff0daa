/**
 * Text edits of one Via header value (RFC 3261 §20.42, §18.1.1, §18.2.1; RFC 3581 rport): the
 * transport layer changes sent-by, the transport token and the received/rport params without
 * re-formatting anything else, so params it does not know survive byte for byte.
 */

export interface ViaParts {
  /** "SIP/2.0" as written (whitespace around "/" removed). */
  readonly protocol: string;
  readonly transport: string;
  /** host[:port] as written, IPv6 in brackets. */
  readonly sentBy: string;
  /** Each param as written, without the ";" ("branch=z9hG4bK1", "rport"). */
  readonly params: readonly string[];
}

const SENT = /^\s*([^\s/]+\s*\/\s*[^\s/]+)\s*\/\s*([^\s/;]+)\s+([^\s;]+)\s*$/;

/** Splits a Via value; undefined when it has no recognisable sent-protocol and sent-by. */
export function splitVia(value: string): ViaParts | undefined {
  const pieces = splitTopLevel(value, ';');
  const head = SENT.exec(pieces[0]!);
  if (head === null) return undefined;
  const params: string[] = [];
  for (let i = 1; i < pieces.length; i++) {
    const p = pieces[i]!.trim();
    if (p !== '') params.push(p.replace(/\s*=\s*/, '='));
  }
  return { protocol: head[1]!.replace(/\s+/g, ''), transport: head[2]!, sentBy: head[3]!, params };
}

export function joinVia(parts: ViaParts): string {
  const head = `${parts.protocol}/${parts.transport} ${parts.sentBy}`;
  return parts.params.length === 0 ? head : `${head};${parts.params.join(';')}`;
}

/** The param's name, lower-cased. */
export function paramName(param: string): string {
  const eq = param.indexOf('=');
  return (eq < 0 ? param : param.slice(0, eq)).toLowerCase();
}

/**
 * Sets params (a `null` value writes a flag such as `;rport`; `undefined` removes the param).
 * An existing param keeps its place; a new one goes at the end.
 */
export function withViaParams(parts: ViaParts, updates: ReadonlyArray<readonly [string, string | null | undefined]>): ViaParts {
  const params = parts.params.slice();
  for (const [name, value] of updates) {
    const key = name.toLowerCase();
    const text = value === null || value === undefined ? name : `${name}=${value}`;
    const at = params.findIndex((p) => paramName(p) === key);
    if (value === undefined) {
      if (at >= 0) params.splice(at, 1);
    } else if (at >= 0) {
      params[at] = text;
    } else {
      params.push(text);
    }
  }
  return { ...parts, params };
}

export function formatSentBy(host: string, port: number | undefined): string {
  const h = host.indexOf(':') >= 0 ? `[${host}]` : host;
  return port === undefined ? h : `${h}:${port}`;
}

/** Splits on `separator` outside double quotes and square brackets. */
function splitTopLevel(text: string, separator: string): string[] {
  const out: string[] = [];
  let start = 0;
  let quoted = false;
  let bracket = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '[') bracket = true;
    else if (c === ']') bracket = false;
    else if (c === separator && !bracket) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}
