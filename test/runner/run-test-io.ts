/** Test support: runs `b2bkit run` in-process with captured output (real files, no signals) and reads the Result line of its report. */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { runRun, type RunCommandIo } from '../../cli/commands/run';

export interface CapturedRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function captureIo(): RunCommandIo & { readonly out: string[]; readonly err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out, err,
    stdout: (text) => { out.push(text); },
    stderr: (text) => { err.push(text); },
    readTextFile: (path) => readFileSync(path, 'utf8'),
    writeFile: (path, text) => writeFileSync(path, text),
    appendFile: (path, text) => appendFileSync(path, text),
    wallNowMs: () => Date.now(),
    pid: 4242,
    onSignal: () => () => undefined,
  };
}

export async function runCaptured(args: readonly string[]): Promise<CapturedRun> {
  const io = captureIo();
  const code = await runRun(args, io);
  return { code, stdout: io.out.join(''), stderr: io.err.join('') };
}

/** The `Result:` line of our report: created, successful and failed calls. */
export function resultCounts(stdout: string): { created: number; successful: number; failed: number } | undefined {
  const m = /Result: (\d+) calls created, (\d+) successful, (\d+) failed/.exec(stdout);
  return m ? { created: Number(m[1]), successful: Number(m[2]), failed: Number(m[3]) } : undefined;
}
