/**
 * A small XML 1.0 reader for SIPp scenario files: elements, attributes, text, CDATA, comments, the
 * `<?xml?>`/`<!DOCTYPE>` prologue and the predefined and numeric entity references, with the
 * 1-based line of every element, attribute and text run so load errors can name it.
 */
import { ScenarioLoadError } from '../model/scenario';

export interface XmlAttribute {
  readonly name: string;
  readonly value: string;
  readonly line: number;
}

export interface XmlText {
  /** `cdata` for a `<![CDATA[…]]>` section (taken verbatim), `text` for character data (entities decoded). */
  readonly kind: 'text' | 'cdata';
  readonly text: string;
  readonly line: number;
}

export interface XmlElement {
  readonly kind: 'element';
  readonly name: string;
  readonly line: number;
  readonly attributes: readonly XmlAttribute[];
  readonly children: readonly XmlNode[];
}

export type XmlNode = XmlElement | XmlText;

const NAME = /[A-Za-z_:\u00C0-\uFFFF][A-Za-z0-9_:.\-\u00B7-\uFFFF]*/y;
const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Parses a whole document and returns its root element; malformed XML throws ScenarioLoadError('syntax'). */
export function readXml(source: string, file: string): XmlElement {
  return new XmlReader(source, file).document();
}

class XmlReader {
  private readonly text: string;
  private pos = 0;
  private readonly lineStarts: number[] = [0];

  constructor(source: string, private readonly file: string) {
    // XML 1.0 §2.11: CRLF and lone CR become LF before parsing.
    this.text = (source.startsWith('\uFEFF') ? source.slice(1) : source).replace(/\r\n?/g, '\n');
    for (let i = 0; i < this.text.length; i++) if (this.text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }

  document(): XmlElement {
    this.misc(true);
    if (this.pos >= this.text.length) this.fail('the document has no root element');
    if (this.text[this.pos] !== '<') this.fail('text before the root element');
    const root = this.element();
    this.misc(false);
    if (this.pos < this.text.length) this.fail('content after the root element');
    return root;
  }

  /** Whitespace, comments and processing instructions (and the DOCTYPE when still in the prologue). */
  private misc(prologue: boolean): void {
    for (;;) {
      this.skipSpace();
      if (this.startsWith('<!--')) this.comment();
      else if (this.startsWith('<?')) this.processingInstruction();
      else if (prologue && this.startsWith('<!DOCTYPE')) this.doctype();
      else return;
    }
  }

  private element(): XmlElement {
    const line = this.lineAt(this.pos);
    this.pos++; // '<'
    const name = this.name('an element name');
    const attributes = this.attributes(name);
    if (this.startsWith('/>')) {
      this.pos += 2;
      return { kind: 'element', name, line, attributes, children: [] };
    }
    this.pos++; // '>'
    const children = this.content(name, line);
    return { kind: 'element', name, line, attributes, children };
  }

  private attributes(element: string): XmlAttribute[] {
    const attributes: XmlAttribute[] = [];
    for (;;) {
      const hadSpace = this.skipSpace();
      if (this.pos >= this.text.length) this.fail(`<${element}> is not closed with '>'`);
      if (this.startsWith('/>') || this.text[this.pos] === '>') return attributes;
      if (!hadSpace) this.fail(`<${element}>: expected whitespace before an attribute`);
      const line = this.lineAt(this.pos);
      const name = this.name(`an attribute name in <${element}>`);
      this.skipSpace();
      if (this.text[this.pos] !== '=') this.fail(`<${element}> attribute ${name} has no '=value'`);
      this.pos++;
      this.skipSpace();
      const quote = this.text[this.pos];
      if (quote !== '"' && quote !== "'") this.fail(`<${element}> attribute ${name}: the value must be quoted`);
      const end = this.text.indexOf(quote, this.pos + 1);
      if (end < 0) this.fail(`<${element}> attribute ${name}: the value's quote is not closed`, line);
      // XML 1.0 §3.3.3: literal whitespace in attribute values becomes a space. A raw '<' is
      // tolerated (SIPp's own parser accepts it in regexps), unlike strict XML.
      const raw = this.text.slice(this.pos + 1, end).replace(/[\t\n]/g, ' ');
      const value = this.decode(raw, this.pos + 1);
      this.pos = end + 1;
      if (attributes.some((a) => a.name === name)) this.fail(`<${element}> has attribute ${name} twice`, line);
      attributes.push({ name, value, line });
    }
  }

  private content(element: string, openLine: number): XmlNode[] {
    const children: XmlNode[] = [];
    for (;;) {
      if (this.pos >= this.text.length) this.fail(`<${element}> opened at line ${openLine} is never closed`);
      if (this.startsWith('</')) {
        const at = this.pos;
        this.pos += 2;
        const name = this.name('an end tag name');
        this.skipSpace();
        if (this.text[this.pos] !== '>') this.fail(`</${name}> is not closed with '>'`);
        this.pos++;
        if (name !== element) this.fail(`</${name}> does not match <${element}> opened at line ${openLine}`, this.lineAt(at));
        return children;
      }
      if (this.startsWith('<![CDATA[')) children.push(this.cdata());
      else if (this.startsWith('<!--')) this.comment();
      else if (this.startsWith('<?')) this.processingInstruction();
      else if (this.text[this.pos] === '<') children.push(this.element());
      else children.push(this.charData());
    }
  }

  private charData(): XmlText {
    const start = this.pos;
    let end = this.text.indexOf('<', start);
    if (end < 0) end = this.text.length;
    this.pos = end;
    return { kind: 'text', text: this.decode(this.text.slice(start, end), start), line: this.lineAt(start) };
  }

  private cdata(): XmlText {
    const line = this.lineAt(this.pos);
    const start = this.pos + '<![CDATA['.length;
    const end = this.text.indexOf(']]>', start);
    if (end < 0) this.fail('CDATA section is never closed with ]]>', line);
    this.pos = end + 3;
    return { kind: 'cdata', text: this.text.slice(start, end), line };
  }

  private comment(): void {
    const line = this.lineAt(this.pos);
    const end = this.text.indexOf('-->', this.pos + 4);
    if (end < 0) this.fail('comment is never closed with -->', line);
    this.pos = end + 3;
  }

  private processingInstruction(): void {
    const line = this.lineAt(this.pos);
    const end = this.text.indexOf('?>', this.pos + 2);
    if (end < 0) this.fail('processing instruction is never closed with ?>', line);
    this.pos = end + 2;
  }

  /** `<!DOCTYPE name ... [internal subset] >`: skipped, minding quotes and the bracketed subset. */
  private doctype(): void {
    const line = this.lineAt(this.pos);
    let depth = 0;
    for (let i = this.pos + 9; i < this.text.length; i++) {
      const c = this.text[i];
      if (c === '"' || c === "'") {
        const close = this.text.indexOf(c, i + 1);
        if (close < 0) break;
        i = close;
      } else if (c === '[') depth++;
      else if (c === ']') depth--;
      else if (c === '>' && depth <= 0) {
        this.pos = i + 1;
        return;
      }
    }
    this.fail('<!DOCTYPE> is never closed', line);
  }

  /** Replaces entity and character references; `offset` is where `raw` starts, for error lines. */
  private decode(raw: string, offset: number): string {
    if (!raw.includes('&')) return raw;
    return raw.replace(/&([^;&\s]*);?/g, (whole, body: string, at: number) => {
      const line = this.lineAt(offset + at);
      if (!whole.endsWith(';')) this.fail(`'&' must start an entity reference like &amp;`, line);
      const named = PREDEFINED[body];
      if (named !== undefined) return named;
      const numeric = /^#(?:x([0-9A-Fa-f]+)|([0-9]+))$/.exec(body);
      if (numeric === null) this.fail(`unknown entity &${body};`, line);
      const code = numeric[1] !== undefined ? parseInt(numeric[1], 16) : parseInt(numeric[2] ?? '', 10);
      if (!(code > 0 && code <= 0x10ffff) || (code >= 0xd800 && code <= 0xdfff)) this.fail(`&${body}; is not a valid character`, line);
      return String.fromCodePoint(code);
    });
  }

  private name(what: string): string {
    NAME.lastIndex = this.pos;
    const match = NAME.exec(this.text);
    if (match === null) this.fail(`expected ${what}`);
    this.pos += match[0].length;
    return match[0];
  }

  /** Skips whitespace; tells whether there was any. */
  private skipSpace(): boolean {
    const start = this.pos;
    while (this.pos < this.text.length) {
      const c = this.text.charCodeAt(this.pos);
      if (c !== 32 && c !== 10 && c !== 9 && c !== 13) break;
      this.pos++;
    }
    return this.pos > start;
  }

  private startsWith(token: string): boolean {
    return this.text.startsWith(token, this.pos);
  }

  private lineAt(offset: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  private fail(detail: string, line = this.lineAt(Math.min(this.pos, this.text.length))): never {
    throw new ScenarioLoadError('syntax', { file: this.file, line }, detail);
  }
}
