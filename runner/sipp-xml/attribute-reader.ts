/**
 * Reads a SIPp XML element's attributes with SIPp's value rules (booleans, integers, doubles,
 * variable names) and refuses, at the attribute's line, any attribute nobody consumed.
 */
import { ScenarioLoadError, type SourceLocation } from '../model/scenario';
import type { XmlAttribute, XmlElement } from './xml-reader';

/** Attributes SIPp knows but this runner does not carry out, with why; they are refused as 'unsupported'. */
export const UNSUPPORTED_ATTRIBUTES: Readonly<Record<string, string>> = {
  advance_state: 'optional recvs that do not advance the state (SIPp 3.7) are not supported',
  hiderest: 'hiderest is not supported; put hide="true" on each step',
};

export class AttributeReader {
  private readonly used = new Set<string>();

  constructor(readonly element: XmlElement, readonly file: string) {}

  get location(): SourceLocation {
    return { file: this.file, line: this.element.line };
  }

  has(name: string): boolean {
    return this.element.attributes.some((a) => a.name === name);
  }

  /** The raw value, marking the attribute as understood. */
  string(name: string): string | undefined {
    const attribute = this.find(name);
    if (attribute === undefined) return undefined;
    this.used.add(name);
    return attribute.value;
  }

  required(name: string): string {
    const value = this.string(name);
    if (value === undefined) throw this.error('missing-field', `<${this.element.name}> needs the ${name} attribute`, name);
    return value;
  }

  /** SIPp get_bool: true/false (any case) or an integer (non-zero is true). */
  bool(name: string): boolean | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    if (/^true$/i.test(value)) return true;
    if (/^false$/i.test(value)) return false;
    const n = parseCInteger(value);
    if (n === undefined) throw this.error('bad-value', `"${value}" is not a boolean (true/false)`, name);
    return n !== 0;
  }

  /** SIPp get_long: a C integer (decimal, 0x hex, 0 octal). */
  integer(name: string, min = Number.MIN_SAFE_INTEGER): number | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    const n = parseCInteger(value);
    if (n === undefined) throw this.error('bad-value', `"${value}" is not an integer`, name);
    if (n < min) throw this.error('bad-value', `${n} is below the minimum ${min}`, name);
    return n;
  }

  /** SIPp get_double (strtod). */
  double(name: string): number | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    const n = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(value) ? Number(value) : NaN;
    if (!Number.isFinite(n)) throw this.error('bad-value', `"${value}" is not a number`, name);
    return n;
  }

  requiredDouble(name: string): number {
    const n = this.double(name);
    if (n === undefined) throw this.error('missing-field', `<${this.element.name}> needs the ${name} attribute`, name);
    return n;
  }

  /** A variable name: SIPp refuses empty names and names with '$' or ','. */
  variable(name: string): string | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    checkVariableName(value, (detail) => this.error('bad-value', detail, name));
    return value;
  }

  requiredVariable(name: string): string {
    this.required(name);
    return this.variable(name) ?? '';
  }

  /** A comma-separated list of variable names (ereg assign_to, gettimeofday). */
  variableList(name: string): string[] {
    const value = this.required(name);
    const names = value.split(',').map((v) => v.trim());
    for (const v of names) checkVariableName(v, (detail) => this.error('bad-value', detail, name));
    return names;
  }

  /** The attribute's own line when it exists, else the element's. */
  lineOf(name: string): number {
    return this.find(name)?.line ?? this.element.line;
  }

  error(code: ScenarioLoadError['code'], detail: string, attribute?: string): ScenarioLoadError {
    const line = attribute === undefined ? this.element.line : this.lineOf(attribute);
    return new ScenarioLoadError(code, { file: this.file, line }, code === 'unsupported' ? `unsupported: ${detail}` : detail, attribute === undefined ? `<${this.element.name}>` : `<${this.element.name}> ${attribute}`);
  }

  /** Refuses every attribute not read so far: known-but-unsupported ones and unknown ones. */
  finish(): void {
    for (const attribute of this.element.attributes) {
      if (this.used.has(attribute.name)) continue;
      const why = UNSUPPORTED_ATTRIBUTES[attribute.name];
      if (why !== undefined) throw this.error('unsupported', why, attribute.name);
      throw this.error('unknown-attribute', `unknown attribute ${attribute.name} on <${this.element.name}>`, attribute.name);
    }
  }

  private find(name: string): XmlAttribute | undefined {
    return this.element.attributes.find((a) => a.name === name);
  }
}

/** strtol(…, 0) over the whole string: optional sign, 0x hex, leading-0 octal, decimal. */
export function parseCInteger(text: string): number | undefined {
  const m = /^\s*([-+]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (m === null) return undefined;
  const digits = m[2] ?? '';
  const magnitude = /^0[xX]/.test(digits) ? parseInt(digits.slice(2), 16) : digits.length > 1 && digits.startsWith('0') ? parseInt(digits, 8) : parseInt(digits, 10);
  return m[1] === '-' ? -magnitude : magnitude;
}

function checkVariableName(name: string, error: (detail: string) => ScenarioLoadError): void {
  if (name === '') throw error('variable names may not be empty');
  if (/[$,]/.test(name)) throw error(`variable name "${name}" may not contain '$' or ','`);
}
