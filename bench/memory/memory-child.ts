/** Child process of the memory benchmark: one fresh heap per measurement; prints one JSON MemoryRow line. */
import { measureHeldCalls, type MemoryMode } from './memory-bench';

const [callsArg, modeArg] = process.argv.slice(2);
const calls = Number(callsArg);
if (!Number.isInteger(calls) || calls <= 0 || (modeArg !== 'b2b' && modeArg !== 'direct')) {
  process.stderr.write('usage: memory-child.ts CALLS b2b|direct\n');
  process.exitCode = 2;
} else {
  const row = measureHeldCalls(calls, modeArg as MemoryMode);
  process.stdout.write(`${JSON.stringify(row)}\n`);
}
