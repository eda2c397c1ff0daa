/**
 * Runs a scenario's agents on real sockets (the SIPp replacement): one NodeTransport, RealClock,
 * ClockTimerService and Random stream per agent; runs until every agent is finished, -timeout
 * passes or a signal stops it; closes every socket before it returns.
 */
import { performance } from 'node:perf_hooks';
import type { SocketAddress } from '../../engine/ports/transport';
import { NodeTransport } from '../../engine/runtime/node-transport';
import { RealClock } from '../../engine/runtime/real-clock';
import { RealRandom } from '../../engine/runtime/real-random';
import { ClockTimerService } from '../../engine/timers/clock-timer-service';
import { createAgentRunner } from '../exec/agent-runner';
import type { AgentRunnerApi, InjectionFile } from '../exec/agent-runner-api';
import { InProcessCommandBus } from '../exec/in-process-command-bus';
import type { AgentScenario, ScenarioFile } from '../model/scenario';
import { EXIT_INTERNAL_OR_TIMEOUT, exitCodeFor, type AgentStats, type ErrorLogEntry } from '../model/stats';
import { formatErrorEntry } from '../report/error-log';
import { formatProgressLine } from '../report/progress-line';
import { RunSetupError, aliasAbsentTargets, callControlFor, remoteFor, selectAgents, startOrder, timingFrom } from './agent-plan';
import type { RunOptions } from './run-options';
import { deliverFramed } from './stream-delivery';
import { StatTrace, defaultTraceFile, perAgentFile, type StatTraceIo } from './stat-trace';

export interface SocketRunIo extends StatTraceIo {
  readonly stderr: (text: string) => void;
  /** Registers for SIGINT/SIGTERM; returns the unregister function. */
  onSignal(handler: () => void): () => void;
  readonly pid: number;
}

export interface SocketRunResult {
  readonly agents: readonly { readonly scenario: AgentScenario; readonly stats: AgentStats; readonly local: SocketAddress }[];
  readonly errors: readonly ErrorLogEntry[];
  readonly exitCode: number;
  readonly timedOut: boolean;
  readonly startMs: number;
  readonly endMs: number;
  readonly startWallMs: number;
}

/** A small grace for stop(now) to settle before sockets close anyway. */
const STOP_GRACE_MS = 2000;

interface LiveAgent {
  readonly scenario: AgentScenario;
  readonly transport: NodeTransport;
  readonly clock: RealClock;
  readonly local: SocketAddress;
  runner?: AgentRunnerApi;
}

export async function runOnSockets(file: ScenarioFile, options: RunOptions, injection: readonly InjectionFile[], io: SocketRunIo): Promise<SocketRunResult> {
  if (file.sut !== undefined && options.agent === undefined) {
    // The engine under test is built inside the simulator; on sockets, play one agent against a running engine instead.
    throw new RunSetupError('needs-sim', `${file.file} declares a system under test (sut:): run it with --sim, or play one agent against a running engine with --agent NAME TARGET_HOST:PORT`);
  }
  const scenarios = selectAgents(file, options.agent);
  const live = await openAgents(scenarios, options);
  const errors: ErrorLogEntry[] = [];
  let internalErrors = 0;
  const startMs = performance.now();
  const startWallMs = io.wallNowMs();
  const errorFile = options.traceErr ? options.errorFile ?? defaultTraceFile(file.file, io.pid, 'errors.log') : undefined;
  if (errorFile !== undefined) io.writeFile(errorFile, '');
  const cleanups: (() => void)[] = [];
  try {
    const addresses = aliasAbsentTargets(new Map(live.map((a) => [a.scenario.name, a.local])), live.map((a) => a.scenario), options.target);
    const bus = live.length > 1 ? new InProcessCommandBus() : undefined;
    const root = new RealRandom();
    const uasAlone = live.every((a) => a.scenario.role === 'uas');
    for (const agent of live) {
      const remote = remoteFor(agent.scenario, addresses, options.target);
      const timers = new ClockTimerService(agent.clock, {
        onError: (error) => {
          internalErrors++;
          io.stderr(`b2bkit run: agent ${agent.scenario.name}: a timer failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
        },
      });
      const runner = createAgentRunner({
        scenario: agent.scenario,
        transport: agent.transport,
        clock: agent.clock,
        timers,
        random: root.fork(agent.scenario.name),
        local: agent.local,
        protocol: agent.transport.listenPoints[0]!.protocol === 'tcp' ? 'tcp' : 'udp',
        ...(remote !== undefined ? { remote } : {}),
        agents: addresses,
        media: { host: options.mediaIp ?? options.localIp, port: options.mediaPort },
        service: options.service,
        callControl: callControlFor(agent.scenario, options, uasAlone || options.agent !== undefined ? options.maxCalls : undefined),
        timing: timingFrom(options),
        behaviors: options.behaviors,
        injection,
        variables: options.variables,
        ...(bus !== undefined ? { commandBus: bus } : {}),
        ...(options.callIdPattern !== undefined ? { callIdPattern: options.callIdPattern } : {}),
        pid: io.pid,
        onError: (entry) => {
          errors.push(entry);
          if (errorFile !== undefined) io.appendFile(errorFile, `${formatErrorEntry(entry, startMs)}\n\n`);
        },
      });
      agent.runner = runner;
      deliverFramed(agent.transport, (packet) => runner.receive(packet), (detail) => {
        io.stderr(`b2bkit run: agent ${agent.scenario.name}: closed a TCP connection that could not be framed: ${detail}\n`);
      });
    }
    const runners = live.map((a) => a.runner!);
    const timedOut = await drive(live, runners, options, io, file, startMs, startWallMs, cleanups);
    const endMs = performance.now();
    const stats = runners.map((r) => r.stats);
    const exitCode = internalErrors > 0 ? EXIT_INTERNAL_OR_TIMEOUT : exitCodeFor(stats, timedOut && options.timeoutError);
    return {
      agents: live.map((a) => ({ scenario: a.scenario, stats: a.runner!.stats, local: a.local })),
      errors, exitCode, timedOut, startMs, endMs, startWallMs,
    };
  } finally {
    for (const cleanup of cleanups) cleanup();
    for (const agent of live) agent.clock.close();
    await Promise.all(live.map((a) => a.transport.close()));
  }
}

/** Binds one socket per agent: -p for the first (default 5060 for a uas, any for a uac), any port for the others. */
async function openAgents(scenarios: readonly AgentScenario[], options: RunOptions): Promise<LiveAgent[]> {
  const live: LiveAgent[] = [];
  const host = options.localIp.includes(':') ? `[${options.localIp}]` : options.localIp;
  try {
    for (const [i, scenario] of scenarios.entries()) {
      const protocol = options.transport ?? scenario.transport ?? 'udp';
      const port = i === 0 ? options.localPort ?? (scenario.role === 'uas' ? 5060 : 0) : 0;
      const transport = await NodeTransport.open({ listen: [`${protocol}:${host}:${port}`] }).catch((error: Error) => {
        throw new RunSetupError('bind-failed', `agent ${scenario.name}: ${error.message}`);
      });
      live.push({ scenario, transport, clock: new RealClock(), local: transport.listenPoints[0]!.local });
    }
  } catch (error) {
    await Promise.all(live.map((a) => a.transport.close()));
    throw error;
  }
  return live;
}

/** Starts the agents and resolves when they are all finished; true when -timeout ended the run. */
function drive(
  live: readonly LiveAgent[], runners: readonly AgentRunnerApi[], options: RunOptions, io: SocketRunIo,
  file: ScenarioFile, startMs: number, startWallMs: number, cleanups: (() => void)[],
): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    let timedOut = false;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      traces.forEach((trace) => trace.row(performance.now()));
      resolve(timedOut);
    };
    const stopAll = (now: boolean): void => {
      for (const r of runners) r.stop(now);
      if (now) {
        const grace = setTimeout(finish, STOP_GRACE_MS);
        cleanups.push(() => clearTimeout(grace));
      }
    };
    const check = (): void => {
      if (runners.every((r) => r.finished)) finish();
      // Callee agents of a self-contained run end when the callers are done (they have no -m of their own).
      else if (live.some((a) => a.scenario.role === 'uac') && runners.every((r, i) => live[i]!.scenario.role === 'uas' || r.finished)) {
        for (const [i, r] of runners.entries()) if (live[i]!.scenario.role === 'uas') r.stop(false);
      }
    };
    const traces = options.traceStat
      ? runners.map((r) => new StatTrace(
        perAgentFile(options.statFile ?? defaultTraceFile(file.file, io.pid, '.csv'), r.name, runners.length),
        r.stats, (options.rate * 1000) / options.ratePeriodMs, io, startWallMs, startMs))
      : [];
    traces.forEach((trace) => trace.row(performance.now()));
    if (traces.length > 0) {
      const statTimer = setInterval(() => traces.forEach((trace) => trace.row(performance.now())), options.statPeriodMs);
      cleanups.push(() => clearInterval(statTimer));
    }
    if (!options.quiet) {
      let lastCreated = 0;
      let lastMs = startMs;
      const progress = setInterval(() => {
        const now = performance.now();
        const created = runners.reduce((n, r) => n + r.stats.totalCallsCreated, 0);
        io.stderr(`${formatProgressLine(runners.map((r) => r.stats), { elapsedMs: now - startMs, createdInPeriod: created - lastCreated, periodMs: now - lastMs })}\n`);
        lastCreated = created;
        lastMs = now;
      }, 1000);
      cleanups.push(() => clearInterval(progress));
    }
    if (options.globalTimeoutMs !== undefined) {
      const timeout = setTimeout(() => {
        timedOut = true;
        stopAll(true);
        check();
      }, options.globalTimeoutMs);
      cleanups.push(() => clearTimeout(timeout));
    }
    let signals = 0;
    cleanups.push(io.onSignal(() => {
      signals++;
      stopAll(signals > 1);
      check();
    }));
    for (const r of runners) r.onFinished(check);
    for (const { runner } of startOrder(live.map((a) => ({ scenario: a.scenario, runner: a.runner! })))) runner.start();
    check();
  });
}
