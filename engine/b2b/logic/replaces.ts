/**
 * Attended transfer across the B2BUA (opensips-b2b.md §1.7, RFC 3891 §3, RFC 3515 §2.1): a Refer-To
 * whose escaped `Replaces` names one of our dialogs is rewritten to name the dialog bridged with it.
 */

/** One of our dialogs as the Replaces rewrite needs it. */
export interface DialogIds {
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string | undefined;
}

/**
 * Finds the dialog of ours named by (Call-ID, two tags) and returns the dialog of its peer leg, or
 * undefined when the dialog is not ours or has no live peer.
 */
export type PeerDialogLookup = (callId: string, tagA: string, tagB: string) => DialogIds | undefined;

/**
 * Returns `referTo` with its Replaces rewritten, or unchanged when there is none or it names no dialog
 * of ours. RFC 3891 §3: the receiver of the INVITE with Replaces compares to-tag with its local tag and
 * from-tag with its remote tag, so the peer's far end (its remote tag) becomes the to-tag.
 */
export function rewriteReplaces(referTo: string, lookup: PeerDialogLookup): string {
  const q = referTo.indexOf('?');
  if (q < 0) return referTo;
  const close = referTo.indexOf('>', q);
  const end = close < 0 ? referTo.length : close;
  const query = referTo.slice(q + 1, end);
  const fields = query.split('&');
  let changed = false;
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    const eq = field.indexOf('=');
    if (eq < 0 || field.slice(0, eq).trim().toLowerCase() !== 'replaces') continue;
    const rewritten = rewriteValue(field.slice(eq + 1), lookup);
    if (rewritten === undefined) continue;
    fields[i] = `${field.slice(0, eq)}=${rewritten}`;
    changed = true;
  }
  if (!changed) return referTo;
  return `${referTo.slice(0, q + 1)}${fields.join('&')}${referTo.slice(end)}`;
}

function rewriteValue(escaped: string, lookup: PeerDialogLookup): string | undefined {
  let value: string;
  try {
    value = decodeURIComponent(escaped);
  } catch {
    // Bad escaping is the sender's problem: the header goes across as it came.
    return undefined;
  }
  const parts = value.split(';');
  const callId = parts[0]?.trim() ?? '';
  let toTag: string | undefined;
  let fromTag: string | undefined;
  const rest: string[] = [];
  for (const part of parts.slice(1)) {
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    const v = eq < 0 ? '' : part.slice(eq + 1).trim();
    if (name === 'to-tag') toTag = v;
    else if (name === 'from-tag') fromTag = v;
    else rest.push(part.trim());
  }
  if (callId.length === 0 || toTag === undefined || fromTag === undefined) return undefined;
  const peer = lookup(callId, toTag, fromTag);
  if (peer === undefined || peer.remoteTag === undefined) return undefined;
  const out = [peer.callId, `to-tag=${peer.remoteTag}`, `from-tag=${peer.localTag}`, ...rest].join(';');
  return escapeHeaderValue(out);
}

/** RFC 3261 §25.1 `hvalue`: unreserved and a few marks stay, the rest (`;` `=` `@` …) is %-escaped. */
export function escapeHeaderValue(value: string): string {
  let out = '';
  for (const ch of value) {
    if (/[A-Za-z0-9\-_.!~*'()[\]/?:+$]/.test(ch)) out += ch;
    else out += encodeURIComponent(ch).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  }
  return out.replace(/%[0-9a-f]{2}/g, (m) => m.toUpperCase());
}
