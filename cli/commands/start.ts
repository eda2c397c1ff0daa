/**
 * `b2bkit start [-c FILE] [--set key=value]…`: the engine on real interfaces. With no arguments it
 * listens on UDP and TCP 127.0.0.1:5060, runs scenarios/scripts/top-hiding.ts and serves MI on
 * 127.0.0.1:8888; SIGINT/SIGTERM end live calls (config `shutdown`) and exit 0.
 */
import { dirname, resolve } from 'node:path';
import type { CliIo } from '../node-io';

const USAGE = [
  'usage: b2bkit start [-c FILE] [--set key=value]...',
  '  -c, --config FILE   YAML configuration (listen, script, upstream, log_level, mi, shutdown, b2b_logic:, b2b_entities:)',
  '  --set key=value     override one setting, e.g. --set listen=udp:127.0.0.1:5070 --set b2b_logic.hash_size=12',
  '',
].join('\n');

/** Where the stop request comes from: the process's signals, or a test's emitter. */
export interface StopSignals {
  once(event: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  off(event: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
}

export interface StartArgs {
  readonly configFile: string | undefined;
  readonly overrides: readonly string[];
}

export function parseStartArgs(args: readonly string[]): StartArgs | { readonly error: string } | 'help' {
  let configFile: string | undefined;
  const overrides: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '-h' || arg === '--help') return 'help';
    if (arg === '-c' || arg === '--config' || arg === '--set') {
      const value = args[i + 1];
      if (value === undefined) return { error: `${arg} needs a value` };
      i++;
      if (arg === '--set') overrides.push(value);
      else configFile = value;
    } else if (arg.startsWith('--config=')) {
      configFile = arg.slice('--config='.length);
    } else if (arg.startsWith('--set=')) {
      overrides.push(arg.slice('--set='.length));
    } else {
      return { error: `unexpected argument "${arg}"` };
    }
  }
  return { configFile, overrides };
}

export async function runStart(args: readonly string[], io: CliIo, signals: StopSignals = process): Promise<number> {
  const parsed = parseStartArgs(args);
  if (parsed === 'help') {
    io.stdout(USAGE);
    return 0;
  }
  if ('error' in parsed) {
    io.stderr(`b2bkit start: ${parsed.error}\n${USAGE}`);
    return 2;
  }
  // Loaded here so the other sub-commands do not pay for the engine's imports.
  const { parseConfig } = await import('../../engine/config');
  const { startEngine } = await import('../../engine/runtime/engine-runtime');
  let file: { name: string; text: string } | undefined;
  if (parsed.configFile !== undefined) {
    try {
      file = { name: parsed.configFile, text: new TextDecoder().decode(await io.readFile(parsed.configFile)) };
    } catch (error) {
      io.stderr(`b2bkit start: cannot read ${parsed.configFile}: ${(error as Error).message}\n`);
      return 1;
    }
  }
  const config = parseConfig({ ...(file !== undefined ? { file } : {}), overrides: parsed.overrides });
  if (!config.ok) {
    io.stderr(`b2bkit start: bad configuration\n${config.error.message}\n`);
    return 1;
  }
  let engine: Awaited<ReturnType<typeof startEngine>>;
  try {
    engine = await startEngine(config.config, parsed.configFile === undefined ? {} : { configDir: dirname(resolve(parsed.configFile)) });
  } catch (error) {
    io.stderr(`b2bkit start: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  await new Promise<void>((done) => {
    const onSignal = (): void => {
      signals.off('SIGINT', onSignal);
      signals.off('SIGTERM', onSignal);
      engine.stop().then(done, (error: unknown) => {
        io.stderr(`b2bkit start: stopping failed: ${String(error)}\n`);
        done();
      });
    };
    signals.once('SIGINT', onSignal);
    signals.once('SIGTERM', onSignal);
  });
  return 0;
}
