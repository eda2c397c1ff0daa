/** Seeds for simulator tests and the one-line command that reproduces a failed run (DESIGN.md, Simulator: every failure prints its seed). */
import { relative } from 'node:path';
import type { Test } from 'tap';

/** `SIM_SEED=<seed> npx tap <file>`, relative to the working directory. */
export function reproCommand(testFile: string, seed: number): string {
  const file = relative(process.cwd(), testFile) || testFile;
  return `SIM_SEED=${seed} npx tap ${file}`;
}

/** The seed from SIM_SEED when set (a reproduction), otherwise the given defaults. */
export function seedsFromEnv(defaults: readonly number[], env: NodeJS.ProcessEnv = process.env): number[] {
  const raw = env.SIM_SEED;
  if (raw === undefined || raw === '') return [...defaults];
  const seed = Number(raw);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`SIM_SEED must be a non-negative integer, got ${raw}`);
  return [seed];
}

/**
 * Runs `fn` once per seed as a subtest named for the seed (only SIM_SEED's when set). A thrown
 * error or a failed assertion adds the reproduction command to the output.
 */
export function withSeed(
  t: Test,
  seeds: readonly number[],
  fn: (t: Test, seed: number) => Promise<void> | void,
  testFile: string = process.argv[1] ?? 'the test file',
): void {
  for (const seed of seedsFromEnv(seeds)) {
    t.test(`seed ${seed}`, async (st) => {
      const command = reproCommand(testFile, seed);
      try {
        await fn(st, seed);
      } catch (error) {
        st.fail(`${error instanceof Error ? error.message : String(error)}\nreproduce: ${command}`);
        return;
      }
      if (!st.passing()) st.comment(`reproduce: ${command}`);
    });
  }
}
