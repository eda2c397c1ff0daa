/** `b2bkit bench`: argument parsing, dispatch order and exit codes, with stand-in benchmarks (no real benchmark runs here). */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { BENCHMARKS, parseBenchArgs, runBench, type BenchRunner } from './bench';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s) }, out, err };
}

/** Stand-ins that record the order they ran in and the quick flag they got. */
function fakes(codes: Record<string, number | Error> = {}) {
  const calls: string[] = [];
  const make = (name: string): BenchRunner => async (quick, out) => {
    calls.push(`${name}${quick ? ':quick' : ''}`);
    out(`${name} figures\n`);
    const code = codes[name] ?? 0;
    if (code instanceof Error) throw code;
    return code;
  };
  return { calls, benchmarks: BENCHMARKS.map((b) => ({ name: b.name, run: make(b.name) })) };
}

t.test('the benchmarks are parse, timers, transactions, simulator, runner, udp-cps in that order', async (t) => {
  t.same(BENCHMARKS.map((b) => b.name), ['parse', 'timers', 'transactions', 'simulator', 'runner', 'udp-cps', 'hash_size', 'sim-cps', 'memory']);
});

t.test('parseBenchArgs: no names means all in order; --quick anywhere; duplicates dropped; given order kept', async (t) => {
  t.same(parseBenchArgs([]), { ok: true, names: ['parse', 'timers', 'transactions', 'simulator', 'runner', 'udp-cps', 'hash_size', 'sim-cps', 'memory'], quick: false });
  t.same(parseBenchArgs(['--quick']), { ok: true, names: ['parse', 'timers', 'transactions', 'simulator', 'runner', 'udp-cps', 'hash_size', 'sim-cps', 'memory'], quick: true });
  t.same(parseBenchArgs(['simulator', '--quick', 'parse', 'simulator']), { ok: true, names: ['simulator', 'parse'], quick: true });
});

t.test('parseBenchArgs: unknown names and options are errors naming them', async (t) => {
  t.same(parseBenchArgs(['parse', 'nope']), { ok: false, message: 'unknown benchmark "nope"' });
  t.same(parseBenchArgs(['x', 'y']), { ok: false, message: 'unknown benchmarks "x", "y"' });
  t.same(parseBenchArgs(['--fast']), { ok: false, message: 'unknown option --fast' });
});

t.test('an unknown name exits 2 with a clear message and runs nothing', async (t) => {
  const { calls, benchmarks } = fakes();
  const c = capture();
  t.equal(await runBench(['timers', 'parser'], c.io, benchmarks), 2);
  t.same(calls, [], 'no benchmark ran, not even the valid one');
  t.match(c.err.join(''), /unknown benchmark "parser"/);
  t.match(c.err.join(''), /usage: b2bkit bench \[NAME\.\.\.\] \[--quick\].*parse, timers, transactions, simulator/);
  t.same(c.out, []);
});

t.test('no names runs every benchmark in order with a progress line each, exit 0', async (t) => {
  const { calls, benchmarks } = fakes();
  const c = capture();
  t.equal(await runBench(['--quick'], c.io, benchmarks), 0);
  t.same(calls, ['parse:quick', 'timers:quick', 'transactions:quick', 'simulator:quick', 'runner:quick', 'udp-cps:quick', 'hash_size:quick', 'sim-cps:quick', 'memory:quick']);
  const text = c.out.join('');
  t.match(text, /\[1\/9\] parse \(quick\): running…\nparse figures\n\[1\/9\] parse: done in \d+\.\d s\n/);
  t.match(text, /\[4\/9\] simulator: done in/);
});

t.test('named benchmarks run in the order given, without --quick', async (t) => {
  const { calls, benchmarks } = fakes();
  t.equal(await runBench(['simulator', 'timers'], capture().io, benchmarks), 0);
  t.same(calls, ['simulator', 'timers']);
});

t.test('a failing benchmark stops the run with its exit code; a throwing one exits 1', async (t) => {
  const failing = fakes({ timers: 3 });
  const c = capture();
  t.equal(await runBench([], c.io, failing.benchmarks), 3);
  t.same(failing.calls, ['parse', 'timers'], 'stopped after timers');
  t.match(c.err.join(''), /timers exited with 3/);

  const throwing = fakes({ parse: new Error('boom') });
  const d = capture();
  t.equal(await runBench(['parse', 'simulator'], d.io, throwing.benchmarks), 1);
  t.same(throwing.calls, ['parse']);
  t.match(d.err.join(''), /parse failed: Error: boom/);
});

t.test('`b2bkit bench nope` through the real CLI exits 2 with the message on stderr', async (t) => {
  const root = join(__dirname, '..', '..');
  const run = spawnSync(process.execPath, [join(root, 'bin', 'b2bkit.js'), 'bench', 'nope', '--quick'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  t.equal(run.status, 2, run.stderr);
  t.match(run.stderr, /b2bkit bench: unknown benchmark "nope"/);
  t.equal(run.stdout, '');
});
