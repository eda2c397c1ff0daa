/**
 * The `hold` bridge flag's SDP (opensips-b2b.md §6.5 21): the last SDP we sent the kept party with
 * every media stream made `a=inactive` (RFC 3264 §8.4), its o= version bumped as a new offer (§8).
 */
import type { BodyPart } from '../../../dialog/request-factory';

const DIRECTIONS = new Set(['a=sendrecv', 'a=sendonly', 'a=recvonly', 'a=inactive']);
const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** The held copy of `sdp`, or undefined when every stream is already inactive (the hold step is skipped). */
export function holdSdp(sdp: BodyPart): BodyPart | undefined {
  const text = decoder.decode(sdp.body);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(/\r?\n/);
  const trailing = lines.length > 0 && lines[lines.length - 1] === '';
  if (trailing) lines.pop();
  const out: string[] = [];
  let inMedia = false;
  let mediaCount = 0;
  let sessionDirection: string | undefined;
  let streamDirection: string | undefined;
  let changed = false;
  const closeStream = (): void => {
    if (!inMedia) return;
    const effective = streamDirection ?? sessionDirection ?? 'a=sendrecv';
    if (effective !== 'a=inactive') changed = true;
    if (streamDirection === undefined) out.push('a=inactive');
  };
  for (const line of lines) {
    const trimmed = line.trim();
    if (trimmed.startsWith('m=')) {
      closeStream();
      inMedia = true;
      mediaCount++;
      streamDirection = undefined;
      out.push(line);
      continue;
    }
    if (DIRECTIONS.has(trimmed)) {
      if (inMedia) streamDirection = trimmed;
      else sessionDirection = trimmed;
      out.push('a=inactive');
      continue;
    }
    out.push(trimmed.startsWith('o=') ? bumpVersion(line) : line);
  }
  closeStream();
  if (mediaCount === 0 || !changed) return undefined;
  return { body: encoder.encode(out.join(eol) + (trailing ? eol : '')), contentType: sdp.contentType };
}

/** RFC 3264 §8: a changed offer carries the origin's sess-version incremented. */
function bumpVersion(line: string): string {
  const fields = line.split(' ');
  if (fields.length < 6) return line;
  const version = fields[2]!;
  if (!/^\d+$/.test(version)) return line;
  fields[2] = (BigInt(version) + 1n).toString();
  return fields.join(' ');
}
