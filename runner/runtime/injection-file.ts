/**
 * SIPp's CSV injection file (-inf): first line SEQUENTIAL, RANDOM or USER; then one row per line,
 * fields separated by `;` (a trailing `;` ends the row, it adds no empty field); `#` starts a comment line.
 */
import type { InjectionFile } from '../exec/agent-runner-api';

export class InjectionFileError extends Error {
  constructor(readonly code: 'io' | 'bad-order' | 'no-rows', readonly file: string, readonly line: number, readonly detail: string) {
    super(`${file}:${line}: ${detail}`);
    this.name = 'InjectionFileError';
  }
}

const ORDERS = ['SEQUENTIAL', 'RANDOM', 'USER'] as const;

export function parseInjectionFile(text: string, file: string): InjectionFile {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let order: InjectionFile['order'] | undefined;
  const rows: string[][] = [];
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    if (order === undefined) {
      order = parseOrder(line, file, i + 1);
      return;
    }
    rows.push(splitRow(line));
  });
  if (order === undefined) throw new InjectionFileError('bad-order', file, 1, `the first line must be ${ORDERS.join(', ')} (the file is empty)`);
  if (rows.length === 0) throw new InjectionFileError('no-rows', file, lines.length, 'no data rows after the order line');
  return { file, order, rows };
}

/** `SEQUENTIAL`, or SIPp's `SEQUENTIAL,PRINTF=…` options, which this runner refuses rather than ignores. */
function parseOrder(line: string, file: string, lineNumber: number): InjectionFile['order'] {
  const [word, ...options] = line.split(',').map((s) => s.trim());
  const upper = (word ?? '').toUpperCase();
  const order = ORDERS.find((o) => o === upper);
  if (order === undefined) throw new InjectionFileError('bad-order', file, lineNumber, `the first line must be ${ORDERS.join(', ')}, got "${line}"`);
  if (options.length > 0) throw new InjectionFileError('bad-order', file, lineNumber, `order options (${options.join(',')}) are not supported`);
  return order;
}

function splitRow(line: string): string[] {
  const body = line.endsWith(';') ? line.slice(0, -1) : line;
  return body.split(';');
}
