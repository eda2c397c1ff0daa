/** Test support: a CliIo that records what a command printed. */
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { CliIo } from '../../cli/node-io';

export interface RecordedIo extends CliIo {
  readonly out: string[];
  readonly err: string[];
}

export function recordedIo(): RecordedIo {
  const out: string[] = [];
  const err: string[] = [];
  return {
    stdin: Readable.from([]),
    stdout: (text) => { out.push(text); },
    stderr: (text) => { err.push(text); },
    readFile: (path) => readFile(path),
    out, err,
  };
}
