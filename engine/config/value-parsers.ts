/** Typed parsers for configuration values: each accepts what YAML (or `--set`) produced and says the allowed range when it refuses. */
import { parseUri } from '../sip/uri';
import { parseListenSpec } from './listen-spec';

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string; readonly unsupported?: true };
export type ValueParser<T> = (raw: unknown) => Parsed<T>;

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = <T>(problem: string): Parsed<T> => ({ ok: false, problem });

function show(raw: unknown): string {
  return typeof raw === 'string' ? JSON.stringify(raw) : raw === null ? 'nothing' : JSON.stringify(raw) ?? String(raw);
}

/** An integer in [min, max] (`unit` is said in the message: "seconds", "log2 of the table size"). */
export function integer(min: number, max: number, unit: string): ValueParser<number> {
  return (raw) => {
    const n = typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `${min}..${max}`;
      return bad(`must be an integer ${range} (${unit}), got ${show(raw)}`);
    }
    return ok(n);
  };
}

/** OpenSIPS's int flags (0/1), also true/false. */
export const flag: ValueParser<boolean> = (raw) => {
  if (raw === 0 || raw === false || raw === '0') return ok(false);
  if (raw === 1 || raw === true || raw === '1') return ok(true);
  return bad(`must be 0 or 1 (or false/true), got ${show(raw)}`);
};

/** Any non-empty string (numbers are taken as their text: `b2b_key_prefix: 123`). */
export const text: ValueParser<string> = (raw) => {
  const s = typeof raw === 'number' ? String(raw) : raw;
  if (typeof s !== 'string' || s.trim() === '') return bad(`must be a non-empty string, got ${show(raw)}`);
  return ok(s.trim());
};

export function oneOf<T extends string>(values: readonly T[]): ValueParser<T> {
  return (raw) => (typeof raw === 'string' && (values as readonly string[]).includes(raw)
    ? ok(raw as T)
    : bad(`must be one of ${values.join(', ')}, got ${show(raw)}`));
}

/** A token usable in keys and header names (RFC 3261 §25.1 token, no dots: keys are split on them). */
export function token(what: string, allowDot = false): ValueParser<string> {
  const pattern = allowDot ? /^[A-Za-z0-9!%*_+`'~.-]+$/ : /^[A-Za-z0-9!%*_+`'~-]+$/;
  return (raw) => {
    const s = text(raw);
    if (!s.ok) return s;
    return pattern.test(s.value) ? s : bad(`must be ${what} (letters, digits, ${allowDot ? '' : 'no dots, '}no spaces), got ${show(raw)}`);
  };
}

export const sipUri: ValueParser<string> = (raw) => {
  const s = text(raw);
  if (!s.ok) return bad(`must be a SIP URI such as sip:127.0.0.1:5080, got ${show(raw)}`);
  const uri = parseUri(s.value);
  if (uri === undefined || (uri.scheme !== 'sip' && uri.scheme !== 'sips')) return bad(`must be a SIP URI such as sip:127.0.0.1:5080, got ${show(raw)}`);
  return s;
};

/** One spec or a list of them; `--set listen=a,b` gives "a,b". */
export const listenList: ValueParser<readonly string[]> = (raw) => {
  const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : undefined;
  if (items === undefined || items.length === 0) return bad(`must be a listen spec or a list of them (e.g. udp:127.0.0.1:5060), got ${show(raw)}`);
  const out: string[] = [];
  for (const item of items) {
    if (typeof item !== 'string') return bad(`each listen entry must be a string like udp:127.0.0.1:5060, got ${show(item)}`);
    const parsed = parseListenSpec(item);
    if (!parsed.ok) return bad(`${parsed.reason} (allowed: udp|tcp:host:port [as host[:port]], port 0..65535)`);
    out.push(item.trim());
  }
  return ok(out);
};

/** `host:port` for the management endpoint. */
export const hostPort: ValueParser<{ host: string; port: number }> = (raw) => {
  const s = typeof raw === 'string' ? raw.trim() : '';
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:\s]+)):(\d{1,5})$/.exec(s);
  const port = m === null ? NaN : Number(m[3]);
  if (m === null || port > 65535) return bad(`must be host:port with port 0..65535 (e.g. 127.0.0.1:8888), got ${show(raw)}`);
  return ok({ host: (m[1] ?? m[2])!, port });
};

/** `custom_headers`: ";"-separated names (OpenSIPS style) or a YAML list; at most 32. */
export const headerNames: ValueParser<readonly string[]> = (raw) => {
  const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(';') : undefined;
  if (items === undefined) return bad(`must be header names separated by ";" or a list, got ${show(raw)}`);
  const names: string[] = [];
  for (const item of items) {
    if (typeof item !== 'string') return bad(`each header name must be a string, got ${show(item)}`);
    const name = item.trim();
    if (name === '') continue;
    if (!/^[A-Za-z0-9!%*_+`'~.-]+$/.test(name)) return bad(`"${name}" is not a header name (a token)`);
    names.push(name);
  }
  if (names.length > 32) return bad(`takes at most 32 header names, got ${names.length}`);
  return ok(names);
};

/** `custom_headers_regexp`: `re`, `/re/` or `/re/flags` with flags i (case-insensitive) and e (extended, always on in JS). */
export const headerRegexp: ValueParser<RegExp> = (raw) => {
  const s = text(raw);
  if (!s.ok) return s;
  const m = /^\/(.*)\/([a-z]*)$/.exec(s.value);
  const source = m === null ? s.value : m[1]!;
  const flags = m === null ? '' : m[2]!;
  if (!/^[ie]*$/.test(flags)) return bad(`flags after the closing "/" may be i and e only, got "${flags}"`);
  try {
    return ok(new RegExp(source, flags.includes('i') ? 'i' : ''));
  } catch (error) {
    return bad(`is not a valid regular expression: ${(error as Error).message}`);
  }
};

export interface Credential {
  readonly realm: string;
  readonly username: string;
  readonly password: string;
}

/** uac_auth style `user:realm:password` strings, or maps with username/realm/password. */
export const credentials: ValueParser<readonly Credential[]> = (raw) => {
  if (!Array.isArray(raw)) return bad('must be a list of "user:realm:password" entries or {username, realm, password} maps');
  const out: Credential[] = [];
  for (const item of raw) {
    if (typeof item === 'string') {
      const parts = item.split(':');
      if (parts.length < 3 || parts[0] === '' || parts[1] === '') return bad(`"${item}" is not user:realm:password`);
      out.push({ username: parts[0]!, realm: parts[1]!, password: parts.slice(2).join(':') });
    } else if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
      const map = item as Record<string, unknown>;
      const { username, realm, password } = map;
      const extra = Object.keys(map).filter((k) => !['username', 'realm', 'password'].includes(k));
      if (typeof username !== 'string' || typeof realm !== 'string' || typeof password !== 'string' || extra.length > 0) {
        return bad('each credential map needs string username, realm and password and nothing else');
      }
      out.push({ username, realm, password });
    } else {
      return bad(`each credential must be "user:realm:password" or a map, got ${show(item)}`);
    }
  }
  return ok(out);
};

/** A parameter whose feature is not built yet: only its default (or nothing) is accepted. */
export function defaultOnly(defaultValue: string | number | boolean | null, feature: string): ValueParser<null> {
  return (raw) => {
    if (raw === null || raw === defaultValue || (typeof defaultValue === 'number' && raw === String(defaultValue))) return ok(null);
    return { ok: false, problem: `${feature} is not supported yet (only ${defaultValue === null ? 'leaving it unset' : `the default ${JSON.stringify(defaultValue)}`} is accepted), got ${show(raw)}`, unsupported: true };
  };
}

/** A script parameter's value: a string; numbers and booleans are taken as their text (`credit_s: 30`). */
export const paramValue: ValueParser<string> = (raw) => {
  if (typeof raw === 'string') return ok(raw);
  if (typeof raw === 'number' || typeof raw === 'boolean') return ok(String(raw));
  return bad(`must be a string (or a number / true / false), got ${show(raw)}`);
};

/** A map of names to strings (`script_params:`); every bad entry is named. */
export const stringMap: ValueParser<ReadonlyMap<string, string>> = (raw) => {
  if (raw === null) return ok(new Map());
  if (typeof raw !== 'object' || Array.isArray(raw)) return bad(`must be a map of names to strings (name: value), got ${show(raw)}`);
  const map = new Map<string, string>();
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    const parsed = paramValue(value);
    if (!parsed.ok) return bad(`${name} ${parsed.problem}`);
    map.set(name, parsed.value);
  }
  return ok(map);
};
