/** The b2bkit command line: one sub-command per user task, each in cli/commands/. */
import { Command, CommanderError } from 'commander';
import { runStart } from './commands/start';
import { nodeIo } from './node-io';

/** Runs the CLI with the given arguments (without `node` and the script path) and returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command();
  program
    .name('b2bkit')
    .description('Script-driven SIP B2BUA toolkit: engine, simulator, scenario runner, conformance and benchmarks')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => process.stdout.write(s),
      writeErr: (s) => process.stderr.write(s),
    });

  program
    .command('start')
    .description('start the engine (defaults: UDP and TCP on 127.0.0.1:5060, the shipped top-hiding script)')
    .allowUnknownOption(true)
    .argument('[args...]')
    .action(async (args: string[]) => {
      exitCode = await runStart(args, nodeIo());
    });

  program
    .command('mi')
    .description('call a management command on a running engine (JSON-RPC 2.0, default http://127.0.0.1:8888/mi)')
    .usage('COMMAND [ARG...] [--url URL]')
    .allowUnknownOption(true)
    .helpOption(false)
    .argument('[args...]')
    .action(async (args: string[]) => {
      const { runMi } = await import('./commands/mi');
      exitCode = await runMi(args, nodeIo());
    });

  program
    .command('parse')
    .description('parse a SIP message from FILE (or stdin with - or no argument) and print it as JSON')
    .argument('[file]')
    .action(async (file: string | undefined) => {
      // Loaded on demand so `b2bkit start` does not pay for the parse command's imports.
      const { runParse } = await import('./commands/parse');
      exitCode = await runParse(file === undefined ? [] : [file], nodeIo());
    });

  program
    .command('bench')
    .description('run benchmarks (parse, timers, transactions, simulator, runner; default all) and write reports/bench/<name>.{json,md}')
    .usage('[NAME...] [--quick]')
    .allowUnknownOption(true)
    .argument('[args...]')
    .action(async (args: string[]) => {
      // Loaded on demand, like parse: the benchmarks pull in most of the tree.
      const { runBench } = await import('./commands/bench');
      exitCode = await runBench(args, nodeIo());
    });

  program
    .command('run')
    .description('play a YAML or SIPp XML scenario on real sockets, or with --sim in the simulator (SIPp options; run -h)')
    .usage('FILE [TARGET_HOST:PORT] [SIPp-style options]')
    .allowUnknownOption(true)
    .helpOption(false)
    .argument('[args...]')
    .action(async (args: string[]) => {
      const { runRun, nodeRunIo } = await import('./commands/run');
      exitCode = await runRun(args, nodeRunIo());
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors with 1 (commander printed why).
      return err.exitCode === 0 ? 0 : 2;
    }
    throw err;
  }
  return exitCode;
}
