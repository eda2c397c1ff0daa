/**
 * `b2bkit run FILE [TARGET_HOST:PORT] [options]`: plays a YAML or SIPp XML scenario on real sockets
 * or, with --sim, in the deterministic simulator; prints SIPp's final screens and exits with SIPp's
 * exit codes (0 all calls succeeded, 1 some failed, 97 -timeout_error/internal, 99 no calls,
 * 255 scenario or injection file error, 254 bind failure). Bad options exit 2 (SIPp has no code for them).
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import type { InjectionFile } from '../../runner/exec/agent-runner-api';
import { loadScenarioFile } from '../../runner/load-scenario';
import { ScenarioLoadError, type ScenarioFile } from '../../runner/model/scenario';
import { EXIT_BIND_FAILED, EXIT_FATAL } from '../../runner/model/stats';
import { formatRunReport } from '../../runner/report/run-report';
import { RunSetupError, selectAgents } from '../../runner/runtime/agent-plan';
import { InjectionFileError, parseInjectionFile } from '../../runner/runtime/injection-file';
import { parseRunArgs } from '../../runner/runtime/run-args';
import type { RunOptions } from '../../runner/runtime/run-options';
import { runOnSockets, type SocketRunIo } from '../../runner/runtime/run-on-sockets';
import { runInSimulator } from '../../runner/sim/run-in-simulator';

export interface RunCommandIo extends SocketRunIo {
  readonly stdout: (text: string) => void;
  readonly readTextFile: (path: string) => string;
}

export const RUN_USAGE = `usage: b2bkit run FILE [TARGET_HOST:PORT] [options]
  FILE                 a YAML scenario (.yaml/.yml) or a SIPp XML scenario (.xml)
  -t u1|t1             transport: one UDP socket (default) or one TCP socket
  -i IP  -p PORT       local address (default 127.0.0.1) and port of the first agent (uas 5060, uac any)
  -mi IP -mp PORT      [media_ip] / [media_port]
  -r N -rp MS          N calls per rate period (default 10 per 1000 ms)
  -m CALLS -l LIMIT    stop after CALLS calls; at most LIMIT calls at once
  -d MS  -s NAME       default pause; [service]
  -inf FILE            CSV injection file for [fieldN] (repeatable)
  -set NAME VALUE      initial variable value (repeatable)
  -nr  -max_retrans N  -max_invite_retrans N  -max_non_invite_retrans N  -T2 MS
  -recv_timeout MS     -timeout TIME (global; -timeout_error makes it exit 97)
  -trace_stat -stf FILE -fd SECONDS    periodic statistics CSV (SIPp columns)
  -trace_err -error_file FILE          error log of unexpected messages
  -aa  -default_behaviors all|none|bye,abortunexp,pingreply  -bind_local  -cid_str PATTERN
  --agent NAME         run only this agent of a multi-agent file
  --sim --seed N --loss P   run in the simulator (default seed 1; -m defaults to 1 there)
  --quiet              no progress line on stderr
`;

export async function runRun(args: readonly string[], io: RunCommandIo): Promise<number> {
  if (args.includes('-h') || args.includes('--help')) {
    io.stdout(RUN_USAGE);
    return 0;
  }
  const parsed = parseRunArgs(args);
  if (!parsed.ok) {
    io.stderr(`b2bkit run: ${parsed.message}\n${RUN_USAGE}`);
    return 2;
  }
  const options = parsed.options;
  let scenario: ScenarioFile;
  let injection: InjectionFile[];
  try {
    scenario = loadScenarioFile(options.file);
    injection = options.injectionFiles.map((path) => readInjection(path, io));
  } catch (error) {
    if (error instanceof ScenarioLoadError || error instanceof InjectionFileError) {
      io.stderr(`${error.message}\n`);
      return EXIT_FATAL;
    }
    throw error;
  }
  try {
    return options.sim ? await runSimulated(scenario, options, injection, io) : await runReal(scenario, options, injection, io);
  } catch (error) {
    if (error instanceof RunSetupError) {
      io.stderr(`b2bkit run: ${error.message}\n`);
      return error.code === 'bind-failed' ? EXIT_BIND_FAILED : 2;
    }
    if (error instanceof ScenarioLoadError) {
      // The executor refuses some templates (an unknown keyword) when it compiles the agent.
      io.stderr(`${error.message}\n`);
      return EXIT_FATAL;
    }
    throw error;
  }
}

function readInjection(path: string, io: RunCommandIo): InjectionFile {
  let text: string;
  try {
    text = io.readTextFile(path);
  } catch (error) {
    throw new InjectionFileError('io', path, 1, `cannot read the file: ${(error as Error).message}`);
  }
  return parseInjectionFile(text, path);
}

async function runReal(scenario: ScenarioFile, options: RunOptions, injection: readonly InjectionFile[], io: RunCommandIo): Promise<number> {
  const result = await runOnSockets(scenario, options, injection, io);
  io.stdout(formatRunReport({
    scenarioName: scenario.name,
    agents: result.agents,
    errors: result.errors,
    startMs: result.startMs,
    endMs: result.endMs,
    defaultPauseMs: options.defaultPauseMs,
    exitCode: result.exitCode,
    startedAt: new Date(result.startWallMs).toISOString(),
    trailer: result.agents.map((a) => `agent ${a.scenario.name} listened on ${a.local.host}:${a.local.port}`),
  }));
  return result.exitCode;
}

async function runSimulated(scenario: ScenarioFile, options: RunOptions, injection: readonly InjectionFile[], io: RunCommandIo): Promise<number> {
  selectAgents(scenario, options.agent);
  const result = await runInSimulator(scenario, {
    seed: options.seed,
    ...(options.lossProbability !== undefined ? { link: { lossProbability: options.lossProbability } } : {}),
    calls: options.maxCalls ?? 1,
    rate: options.rate,
    ratePeriodMs: options.ratePeriodMs,
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
    ...(options.agent !== undefined ? { agents: [options.agent] } : {}),
    timing: options,
    behaviors: options.behaviors,
    service: options.service,
    variables: options.variables,
    injection,
    ...(options.globalTimeoutMs !== undefined ? { maxVirtualMs: options.globalTimeoutMs } : {}),
  });
  io.stdout(formatRunReport({
    scenarioName: scenario.name,
    agents: result.agents.map((scenarioAgent, i) => ({ scenario: scenarioAgent, stats: result.stats[i]! })),
    errors: result.errors,
    startMs: result.stats[0]?.startMs ?? 0,
    endMs: (result.stats[0]?.startMs ?? 0) + result.elapsedMs,
    defaultPauseMs: options.defaultPauseMs,
    exitCode: result.exitCode,
    trailer: [`seed: ${options.seed}`, `digest: ${result.digest}`, ...result.leftovers.map((l) => `leftover: ${l}`)],
  }));
  return result.exitCode;
}

/** The process's real files, clock, pid and signals. */
export function nodeRunIo(): RunCommandIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    readTextFile: (path) => readFileSync(path, 'utf8'),
    writeFile: (path, text) => writeFileSync(path, text),
    appendFile: (path, text) => appendFileSync(path, text),
    wallNowMs: () => Date.now(),
    pid: process.pid,
    onSignal: (handler) => {
      process.on('SIGINT', handler);
      process.on('SIGTERM', handler);
      return () => {
        process.off('SIGINT', handler);
        process.off('SIGTERM', handler);
      };
    },
  };
}
