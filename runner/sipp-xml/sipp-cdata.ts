/**
 * SIPp's treatment of a `<send>`/`<sendCmd>` CDATA message (scenario.cpp clean_cdata): trim the
 * blank edges, strip the indentation and trailing blanks of every line, and make sure the header
 * block ends with an empty line.
 */

/**
 * Returns undefined for a message that is empty after trimming (SIPp: "Empty cdata").
 * `forSend` adds SIPp's `<send>` rule: a message whose trailing newlines were trimmed keeps one.
 */
export function cleanCdata(raw: string, forSend: boolean): string | undefined {
  const text = raw.replace(/\r\n?/g, '\n');
  let start = 0;
  while (start < text.length && isBlank(text[start])) start++;
  let end = text.length;
  let removedNewlines = 0;
  while (end > start && isBlank(text[end - 1])) {
    if (text[end - 1] === '\n') removedNewlines++;
    end--;
  }
  if (end === start) return undefined;
  // The same four passes, in SIPp's order: a tab after removed spaces survives, as it does there.
  let message = text.slice(start, end)
    .replace(/\n +/g, '\n')
    .replace(/ +\n/g, '\n')
    .replace(/\n\t+/g, '\n')
    .replace(/\t+\n/g, '\n');
  if (!message.includes('\n\n')) message += '\n\n';
  if (forSend && !message.endsWith('\n') && removedNewlines > 0) message += '\n';
  return message;
}

function isBlank(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n';
}
