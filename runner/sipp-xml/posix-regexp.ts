/**
 * SIPp's regexps are POSIX extended (regcomp REG_EXTENDED); JavaScript lacks POSIX bracket classes
 * such as `[[:alnum:]]`. This translates those so a SIPp regexp can be checked at load and run.
 */

const CLASSES: Readonly<Record<string, string>> = {
  alnum: 'a-zA-Z0-9', alpha: 'a-zA-Z', digit: '0-9', xdigit: '0-9A-Fa-f', lower: 'a-z', upper: 'A-Z',
  space: ' \\t\\n\\r\\f\\v', blank: ' \\t', punct: '!-\\/:-@\\[-`{-~', print: ' -~', graph: '!-~', cntrl: '\\x00-\\x1f\\x7f',
};

/** The JavaScript source of a POSIX ERE; throws Error on an unknown `[:class:]`. */
export function posixToJsSource(posix: string): string {
  return posix.replace(/\[:([a-z]+):\]/g, (_whole, name: string) => {
    const js = CLASSES[name];
    if (js === undefined) throw new Error(`unknown character class [:${name}:]`);
    return js;
  });
}

/** Compiles a SIPp regexp, or returns why it does not compile. */
export function compilePosix(posix: string, caseIndependent = false): RegExp | string {
  try {
    return new RegExp(posixToJsSource(posix), caseIndependent ? 'i' : '');
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
