/** Per-call rows of SIPp injection files (-inf, ecosystem.md §2.5): SEQUENTIAL, RANDOM and USER order. */
import type { Random } from '../../engine/ports/random';
import type { InjectionFile } from './agent-runner-api';

/** The row index each file gives call `callNumber` (1-based, as SIPp numbers calls). */
export function injectionRows(files: readonly InjectionFile[], callNumber: number, userId: number, random: Random): number[] {
  return files.map((f) => {
    const n = f.rows.length;
    if (n === 0) return -1;
    switch (f.order) {
      case 'SEQUENTIAL': return (callNumber - 1) % n;
      case 'RANDOM': return random.nextUint32() % n;
      // Without -users every call is its own user.
      case 'USER': return (userId - 1) % n;
      default: {
        const never: never = f.order;
        throw new Error(`unknown injection order ${String(never)}`);
      }
    }
  });
}

export function injectionField(files: readonly InjectionFile[], rows: readonly number[], fileIndex: number, field: number, line: number | undefined): string {
  const file = files[fileIndex];
  if (file === undefined || file.rows.length === 0) return '';
  const row = file.rows[line === undefined ? (rows[fileIndex] as number) : line % file.rows.length];
  return row?.[field] ?? '';
}
