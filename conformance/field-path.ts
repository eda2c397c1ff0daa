/**
 * Reads a value out of a parsed SIP message by a short path, so fixture metadata can name the
 * typed accessor it checks (RFC 4475/5118 `checksField` entries).
 *
 * Path syntax: a root, then any number of `.name` or `[index]` steps.
 * - roots: any message property (`method`, `uri`, `topVia`, `vias`, `contact`, `body` …), a call
 *   `header(Name)`, `headerValues(Name)` or `hasHeader(Name)` (Name runs to the first `)`),
 *   or a derived value: `$bodyNulCount` (NUL octets in the body).
 * - `.name` on a Map is `map.get(name)`; on an array or Uint8Array `.length` is its length.
 * A step through `undefined` or `null` yields `undefined`.
 */
import type { SipMessage } from '../engine/sip/message';

export class FieldPathError extends Error {
  readonly code = 'bad-field-path';
  constructor(readonly path: string, reason: string) {
    super(`bad field path "${path}": ${reason}`);
    this.name = 'FieldPathError';
  }
}

type Step = { readonly kind: 'name'; readonly name: string } | { readonly kind: 'index'; readonly index: number };

const CALL = /^(header|headerValues|hasHeader)\(([^)]*)\)/;
const STEP = /^(?:\.([^.[\]]+)|\[(\d+)\])/;

function derived(message: SipMessage, name: string, path: string): unknown {
  switch (name) {
    case '$bodyNulCount':
      return message.body.reduce((count, octet) => (octet === 0 ? count + 1 : count), 0);
    default:
      throw new FieldPathError(path, `unknown derived value ${name}`);
  }
}

function readRoot(message: SipMessage, path: string): { value: unknown; rest: string } {
  const call = CALL.exec(path);
  if (call) {
    const [whole, fn, name] = call as unknown as [string, 'header' | 'headerValues' | 'hasHeader', string];
    return { value: message[fn](name), rest: path.slice(whole.length) };
  }
  const root = /^\$?[A-Za-z_][A-Za-z0-9_]*/.exec(path);
  if (!root) throw new FieldPathError(path, 'expected a property name or header(…) at the start');
  const name = root[0];
  const value = name.startsWith('$') ? derived(message, name, path) : (message as unknown as Record<string, unknown>)[name];
  if (!name.startsWith('$') && !(name in message)) throw new FieldPathError(path, `the message has no property ${name}`);
  return { value, rest: path.slice(name.length) };
}

function parseSteps(rest: string, path: string): Step[] {
  const steps: Step[] = [];
  let remaining = rest;
  while (remaining.length > 0) {
    const match = STEP.exec(remaining);
    if (!match) throw new FieldPathError(path, `cannot read step at "${remaining}"`);
    steps.push(match[1] !== undefined ? { kind: 'name', name: match[1] } : { kind: 'index', index: Number(match[2]) });
    remaining = remaining.slice(match[0].length);
  }
  return steps;
}

function applyStep(value: unknown, step: Step): unknown {
  if (value === undefined || value === null) return undefined;
  if (step.kind === 'index') return Array.isArray(value) ? value[step.index] : undefined;
  if (value instanceof Map) return value.get(step.name);
  if ((Array.isArray(value) || value instanceof Uint8Array) && step.name === 'length') return value.length;
  if (typeof value === 'object') return (value as Record<string, unknown>)[step.name];
  return undefined;
}

/** Evaluates a field path against a parsed message. Throws FieldPathError for a malformed path (a fixture bug). */
export function readField(message: SipMessage, path: string): unknown {
  const { value, rest } = readRoot(message, path);
  return parseSteps(rest, path).reduce(applyStep, value);
}
