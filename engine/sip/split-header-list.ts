/** Splitting a header value on top-level commas (RFC 3261 §7.3.1), respecting quoted-strings and <...>. */

/** The comma-separated elements of a list header value, trimmed, empty elements dropped. */
export function splitHeaderList(value: string): string[] {
  if (value.indexOf(',') < 0) {
    const only = value.trim();
    return only.length === 0 ? [] : [only];
  }
  const out: string[] = [];
  const n = value.length;
  let start = 0;
  let inQuote = false;
  let inAngle = false;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (inQuote) {
      if (c === 92) i++;
      else if (c === 34) inQuote = false;
    } else if (c === 34) {
      inQuote = true;
    } else if (c === 60) {
      inAngle = true;
    } else if (c === 62) {
      inAngle = false;
    } else if (c === 44 && !inAngle) {
      push(out, value.slice(start, i));
      start = i + 1;
    }
  }
  push(out, value.slice(start));
  return out;
}

function push(out: string[], part: string): void {
  const trimmed = part.trim();
  if (trimmed.length > 0) out.push(trimmed);
}
