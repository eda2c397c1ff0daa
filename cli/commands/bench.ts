/**
 * `b2bkit bench [NAME…] [--quick]`: runs the named benchmarks (default: all, in the order below), each
 * writing its reports/bench/<name>.{json,md}; an unknown name or option exits 2 before anything runs.
 */

export interface BenchIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** Runs one benchmark, writing its report; resolves to its exit code (0 on success). */
export type BenchRunner = (quick: boolean, out: (text: string) => void) => Promise<number>;

/** Each benchmark's module is loaded only when it runs, so naming one does not load the others. */
export const BENCHMARKS: ReadonlyArray<{ readonly name: string; readonly run: BenchRunner }> = [
  {
    name: 'parse',
    run: async (quick, out) => {
      const { runParseBench } = await import('../../bench/parse/parse-bench');
      const result = await runParseBench({ quick });
      for (const r of result.results) {
        out(`${r.message.padEnd(11)} ${r.operation.padEnd(21)} ${Math.round(r.opsPerSec).toString().padStart(9)} msg/CPU-s ${Math.round(r.cpuNsPerOp).toString().padStart(7)} CPU ns/op\n`);
      }
      if (result.written) out(`wrote ${result.written.jsonPath} and ${result.written.mdPath}\n`);
      return 0;
    },
  },
  {
    name: 'timers',
    run: async (quick, out) => (await import('../../bench/timers/main')).main(quick ? ['--quick'] : [], out),
  },
  {
    name: 'transactions',
    run: async (quick, out) => (await import('../../bench/transactions/main')).main(quick ? ['--quick'] : [], out),
  },
  {
    name: 'simulator',
    run: async (quick, out) => {
      const { runSimBench, simRowLine } = await import('../../bench/simulator/sim-bench');
      const result = await runSimBench({ quick, onRow: (row) => out(simRowLine(row)) });
      if (result.written) out(`wrote ${result.written.jsonPath} and ${result.written.mdPath}\n`);
      return 0;
    },
  },
  {
    name: 'runner',
    run: async (quick, out) => (await import('../../bench/runner/main')).main(quick ? ['--quick'] : [], out),
  },
  {
    name: 'udp-cps',
    run: async (quick, out) => (await import('../../bench/udp-cps/main')).main(quick ? ['--quick'] : [], out),
  },
  {
    name: 'hash_size',
    run: async (quick, out) => (await import('../../bench/hash-size/main')).main(quick ? ['--quick'] : [], out),
  },
  {
    name: 'sim-cps',
    run: async (quick, out) => (await import('../../bench/sim-cps/main')).main(quick ? ['--quick'] : [], out),
  },
  {
    name: 'memory',
    run: async (quick, out) => (await import('../../bench/memory/main')).main(quick ? ['--quick'] : [], out),
  },
];

const USAGE = `usage: b2bkit bench [NAME...] [--quick]   (NAME: ${BENCHMARKS.map((b) => b.name).join(', ')}; default: all)\n`;

export type BenchArgs =
  | { readonly ok: true; readonly names: readonly string[]; readonly quick: boolean }
  | { readonly ok: false; readonly message: string };

/** Reads `[NAME…] [--quick]`: names in the order given, duplicates dropped, none meaning all. */
export function parseBenchArgs(args: readonly string[], known: readonly string[] = BENCHMARKS.map((b) => b.name)): BenchArgs {
  let quick = false;
  const names: string[] = [];
  const unknownNames: string[] = [];
  for (const arg of args) {
    if (arg === '--quick') quick = true;
    else if (arg.startsWith('-')) return { ok: false, message: `unknown option ${arg}` };
    else if (!known.includes(arg)) unknownNames.push(arg);
    else if (!names.includes(arg)) names.push(arg);
  }
  if (unknownNames.length > 0) {
    return { ok: false, message: `unknown benchmark${unknownNames.length > 1 ? 's' : ''} ${unknownNames.map((n) => `"${n}"`).join(', ')}` };
  }
  return { ok: true, names: names.length > 0 ? names : [...known], quick };
}

/** Runs the benchmarks one after another; stops at the first that fails. Returns the exit code. */
export async function runBench(args: readonly string[], io: BenchIo, benchmarks: typeof BENCHMARKS = BENCHMARKS): Promise<number> {
  const parsed = parseBenchArgs(args, benchmarks.map((b) => b.name));
  if (!parsed.ok) {
    io.stderr(`b2bkit bench: ${parsed.message}\n${USAGE}`);
    return 2;
  }
  const selected = parsed.names.map((name) => benchmarks.find((b) => b.name === name)!);
  for (const [i, bench] of selected.entries()) {
    io.stdout(`[${i + 1}/${selected.length}] ${bench.name}${parsed.quick ? ' (quick)' : ''}: running…\n`);
    const started = Date.now();
    let code: number;
    try {
      code = await bench.run(parsed.quick, io.stdout);
    } catch (error) {
      io.stderr(`b2bkit bench: ${bench.name} failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
      return 1;
    }
    if (code !== 0) {
      io.stderr(`b2bkit bench: ${bench.name} exited with ${code}\n`);
      return code;
    }
    io.stdout(`[${i + 1}/${selected.length}] ${bench.name}: done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
  return 0;
}
