/** SIPp scenario variables (ecosystem.md §2.5): loosely typed values, per-call scope with agent-wide `<Global>` ones. */

export type VarValue = string | number | boolean;

/** Per-call variables; names declared global read and write the agent's shared map instead. */
export class VariableStore {
  private readonly local = new Map<string, VarValue>();

  constructor(
    private readonly globals: Map<string, VarValue>,
    private readonly globalNames: ReadonlySet<string>,
    initial: Iterable<readonly [string, VarValue]>,
  ) {
    for (const [name, value] of initial) this.set(name, value);
  }

  get(name: string): VarValue | undefined {
    return this.globalNames.has(name) ? this.globals.get(name) : this.local.get(name);
  }

  set(name: string, value: VarValue): void {
    if (name === '') return; // an empty assign_to slot skips that group
    if (this.globalNames.has(name)) this.globals.set(name, value);
    else this.local.set(name, value);
  }

  /** SIPp `test`/`condexec`: a variable is set when it holds a true boolean, a number, or a non-empty string. */
  isSet(name: string): boolean {
    const value = this.get(name);
    if (value === undefined) return false;
    if (typeof value === 'boolean') return value;
    if (typeof value === 'string') return value !== '';
    return true;
  }

  /** The value as a number, as SIPp's getDouble (unset or unparsable: 0). */
  number(name: string): number {
    const value = this.get(name);
    if (typeof value === 'number') return value;
    if (typeof value === 'boolean') return value ? 1 : 0;
    if (value === undefined) return 0;
    const n = Number.parseFloat(value);
    return Number.isFinite(n) ? n : 0;
  }
}

/**
 * How a value prints in a template. Deviation from SIPp: SIPp prints every double with `%lf`
 * ("5.000000"); integers print here without decimals, others with up to six.
 */
export function formatVar(value: VarValue | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Number.isInteger(value)) return String(value);
  return String(Number.parseFloat(value.toFixed(6)));
}
