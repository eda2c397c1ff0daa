/**
 * Judges the parser against one torture-test case (RFC 4475 §3, RFC 5118 §4): returns the list of
 * ways the parser's verdict differs from the expected one (empty when it behaves as expected).
 */
import { isDeepStrictEqual } from 'node:util';
import { parseMessage, serializeMessage } from '../engine/sip';
import type { SipMessage } from '../engine/sip/message';
import { readField } from './field-path';
import type { FieldCheck, FixtureCase } from './fixture-cases';

/** Maps and typed arrays become plain values so YAML expectations compare with deep equality. */
function plain(value: unknown): unknown {
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [k, plain(v)]));
  if (value instanceof Uint8Array) return [...value];
  if (Array.isArray(value)) return value.map(plain);
  return value;
}

function show(value: unknown): string {
  return value === undefined ? 'undefined' : JSON.stringify(plain(value));
}

function checkField(message: SipMessage, check: FieldCheck): string | undefined {
  const actual = readField(message, check.path);
  if (check.absent) return actual === undefined ? undefined : `${check.path}: expected absent, got ${show(actual)} (${check.where})`;
  return isDeepStrictEqual(plain(actual), check.equals)
    ? undefined
    : `${check.path}: expected ${show(check.equals)}, got ${show(actual)} (${check.where})`;
}

function startLine(message: SipMessage): string {
  return message.kind === 'request' ? `${message.method} ${message.uriText}` : `${message.status} ${message.reason}`;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.length), Buffer.from(b.buffer, b.byteOffset, b.length)) === 0;
}

/** serialize → re-parse must keep the start line, the header lines (name and value, in order) and the body. */
function roundTripProblems(message: SipMessage): string[] {
  const again = parseMessage(serializeMessage(message));
  if (!again.ok) return [`round trip: the serialized message no longer parses (${again.error.code}: ${again.error.reason})`];
  const problems: string[] = [];
  if (startLine(again.message) !== startLine(message)) {
    problems.push(`round trip: start line "${startLine(message)}" became "${startLine(again.message)}"`);
  }
  const headers = (m: SipMessage) => m.headers.map((h) => [h.name, h.value]);
  if (!isDeepStrictEqual(headers(again.message), headers(message))) problems.push('round trip: header lines changed');
  if (!sameBytes(again.message.body, message.body)) problems.push('round trip: body changed');
  return problems;
}

export function evaluateCase(fixture: FixtureCase): string[] {
  let result: ReturnType<typeof parseMessage>;
  try {
    result = parseMessage(fixture.bytes);
  } catch (err) {
    // Bad network input must never throw (DESIGN.md, engine/sip contract).
    return [`parseMessage threw: ${(err as Error).message}`];
  }
  if (fixture.expect === 'invalid') {
    if (result.ok) return [`accepted, but the RFC expects a rejection with ${fixture.error?.codes.join(' or ')}`];
    const problems: string[] = [];
    const { code, reason, canReply } = result.error;
    if (!fixture.error?.codes.includes(code)) problems.push(`rejected with ${code} (${reason}), expected ${fixture.error?.codes.join(' or ')}`);
    if (canReply !== fixture.error?.canReply) problems.push(`canReply is ${canReply}, expected ${fixture.error?.canReply}`);
    return problems;
  }
  if (!result.ok) return [`rejected with ${result.error.code} (${result.error.reason}), but the case is ${fixture.expect}`];
  const message = result.message;
  const problems: string[] = [];
  for (const check of fixture.checksField) {
    try {
      const problem = checkField(message, check);
      if (problem) problems.push(problem);
    } catch (err) {
      problems.push(`${check.path}: reading it threw ${(err as Error).message}`);
    }
  }
  if (fixture.expect === 'valid') problems.push(...roundTripProblems(message));
  return problems;
}
