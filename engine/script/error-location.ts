/** Finds where in the user's script an error was thrown, from its stack (source-mapped by ts-node for .ts scripts). */

export interface ScriptLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

const FRAME = /\(?((?:file:\/\/)?[^\s()]+?):(\d+):(\d+)\)?\s*$/;

/** The first stack frame in `file`; else the first frame with a location at all; else undefined. */
export function scriptLocation(error: unknown, file: string): ScriptLocation | undefined {
  const stack = error instanceof Error && typeof error.stack === 'string' ? error.stack : '';
  let first: ScriptLocation | undefined;
  for (const line of stack.split('\n')) {
    if (!/^\s+at /.test(line)) continue;
    const m = FRAME.exec(line);
    if (m === null) continue;
    const at: ScriptLocation = { file: m[1]!.replace(/^file:\/\//, ''), line: Number(m[2]), column: Number(m[3]) };
    if (at.file === file) return at;
    first ??= at;
  }
  return first;
}

export function formatLocation(at: ScriptLocation | undefined): string {
  return at === undefined ? 'unknown location' : `${at.file}:${at.line}:${at.column}`;
}
