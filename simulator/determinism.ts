/** The determinism self-check: the same seed must give the same trace digest (DESIGN.md, Simulator; TigerBeetle VOPR's replay check). */

export interface DeterminismResult {
  readonly ok: boolean;
  readonly seed: number;
  readonly first: string;
  readonly second: string;
}

/** Builds and runs the world twice from `seed` and compares the digests `build` returns. */
export async function checkDeterminism(build: (seed: number) => string | Promise<string>, seed: number): Promise<DeterminismResult> {
  const first = await build(seed);
  const second = await build(seed);
  return { ok: first === second, seed, first, second };
}
