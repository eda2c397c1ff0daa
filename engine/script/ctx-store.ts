/** `$b2b_logic.ctx(name)` (opensips-b2b.md §2.3): a string map that is a draft before the session exists and the session's own map after. */
import type { CtxStore } from './script-types';

export class MapCtxStore implements CtxStore {
  constructor(private map: Map<string, string> = new Map()) {}

  /** Switches to the session's map once `initRequest` created it (values were handed over in the spec). */
  rebind(map: Map<string, string>): void {
    this.map = map;
  }

  get size(): number {
    return this.map.size;
  }

  snapshot(): ReadonlyMap<string, string> {
    return new Map(this.map);
  }

  get(name: string): string | undefined {
    return this.map.get(name);
  }

  set(name: string, value: string | undefined): void {
    if (value === undefined) this.map.delete(name);
    else this.map.set(name, String(value));
  }

  delete(name: string): boolean {
    return this.map.delete(name);
  }

  has(name: string): boolean {
    return this.map.has(name);
  }

  entries(): IterableIterator<[string, string]> {
    return this.map.entries();
  }
}
