/**
 * Runs a scenario's agents inside the deterministic simulator: each agent is a host (10.0.0.x,
 * port 5060) with the world's virtual clock, timers and seeded randomness; an optional system under
 * test (the B2BUA) is one more host that agents without an agent target send to. Same seed, same run.
 */
import type { SocketAddress, TransportProtocol } from '../../engine/ports/transport';
import { World } from '../../simulator/world';
import type { HostContext, SimHost } from '../../simulator/host';
import type { LinkSpec } from '../../simulator/link';
import { createAgentRunner } from '../exec/agent-runner';
import type { AgentRunnerApi, DefaultBehaviors, InjectionFile, MiInvoker } from '../exec/agent-runner-api';
import { InProcessCommandBus } from '../exec/in-process-command-bus';
import type { AgentScenario, FlowSut, ScenarioFile } from '../model/scenario';
import { exitCodeFor, type AgentStats, type ErrorLogEntry } from '../model/stats';
import { engineSut } from './engine-sut';
import { RunSetupError, aliasAbsentTargets, callControlFor, remoteFor, startOrder, timingFrom, type TimingInput } from '../runtime/agent-plan';

/** What a system under test learns about the run when it is built. */
export interface SutRunInfo {
  /** The agents' addresses (for `[agent:NAME]` in script parameters). */
  readonly agents: ReadonlyMap<string, SocketAddress>;
}

/** A system under test: a host built from the engine's layers on the simulator's ports. */
export interface SimSut {
  readonly name: string;
  readonly address: SocketAddress;
  /** Listen protocols on `address.port` (default UDP and TCP). */
  readonly protocols?: readonly TransportProtocol[];
  build(ctx: HostContext, run: SutRunInfo): unknown;
  /** Runs `mi` steps' management commands (in-process). */
  readonly mi?: MiInvoker;
  /** What the SUT still holds after the run (sessions, entities, transactions, armed timers); empty when clean. */
  leftovers?(): string[];
  /** False while the SUT holds calls: callee agents keep taking calls until it is idle (default: idle). */
  idle?(): boolean;
}

export interface SimRunOptions {
  readonly seed: number;
  readonly link?: Partial<LinkSpec>;
  /** -m for uac agents (default 1); for a run with no uac agent, the calls each uas takes before it stops. */
  readonly calls?: number;
  /** -r (default 10) per `ratePeriodMs` (default 1000). */
  readonly rate?: number;
  readonly ratePeriodMs?: number;
  readonly limit?: number;
  /** Names of the agents to run (default all). */
  readonly agents?: readonly string[];
  /** The system under test; default: the engine built from the file's `sut:` block, when it has one. */
  readonly sut?: SimSut;
  readonly timing?: Partial<TimingInput>;
  readonly behaviors?: DefaultBehaviors;
  readonly service?: string;
  readonly variables?: ReadonlyMap<string, string>;
  readonly injection?: readonly InjectionFile[];
  /** Every message an agent sends or receives (SIPp -trace_msg), with the agent's name. */
  readonly onMessage?: (event: AgentMessageEvent) => void;
  /** Virtual time after which the run is stopped (exit 97); default one hour. */
  readonly maxVirtualMs?: number;
}

/** A message an agent sent or received, for traces and timing checks. */
export interface AgentMessageEvent {
  readonly agent: string;
  readonly atMs: number;
  readonly direction: 'sent' | 'received';
  readonly callId: string;
  readonly text: string;
}

export interface SimRunResult {
  readonly stats: AgentStats[];
  readonly errors: ErrorLogEntry[];
  readonly digest: string;
  readonly exitCode: number;
  /** Live calls and armed timers left on the runner hosts, and what the SUT still holds, after the run (empty when clean). */
  readonly leftovers: string[];
  /** The scenarios that ran, in the order of `stats`. */
  readonly agents: readonly AgentScenario[];
  /** Virtual ms from the start to the end of the run. */
  readonly elapsedMs: number;
  readonly timedOut: boolean;
}

const SIP_PORT = 5060;
/** Virtual time allowed after the run for timers to expire before leftovers are counted (> 64·T1). */
const DRAIN_MS = 120_000;
const DEFAULT_TIMING: TimingInput = { t1Ms: 500, t2Ms: 4000, maxInviteRetrans: 5, maxNonInviteRetrans: 7, defaultPauseMs: 0, noRetrans: false };

export async function runInSimulator(scenario: ScenarioFile, options: SimRunOptions): Promise<SimRunResult> {
  const selected = pick(scenario, options.agents);
  const sut = options.sut ?? (scenario.sut !== undefined ? sutOf(scenario.sut) : undefined);
  const world = new World({ seed: options.seed, ...(options.link !== undefined ? { link: options.link } : {}) });
  const addresses = aliasAbsentTargets(agentAddresses(selected, sut?.address.host), selected, sut?.address);
  const errors: ErrorLogEntry[] = [];
  const bus = selected.length > 1 ? new InProcessCommandBus() : undefined;
  const hasUac = selected.some((a) => a.role === 'uac');
  const load = { rate: options.rate ?? 10, ratePeriodMs: options.ratePeriodMs ?? 1000, maxCalls: options.calls ?? 1, ...(options.limit !== undefined ? { limit: options.limit } : {}) };
  const timing = timingFrom({ ...DEFAULT_TIMING, ...options.timing });
  if (sut !== undefined) addSut(world, sut, addresses);
  const hosts: SimHost<AgentRunnerApi>[] = selected.map((agent) => {
    const local = addresses.get(agent.name)!;
    const remote = remoteFor(agent, addresses, sut?.address);
    const protocol = agent.transport ?? 'udp';
    return world.addHost<AgentRunnerApi>({
      name: agent.name,
      addresses: [local.host],
      listen: [{ protocol, port: local.port }],
      build: (ctx) => {
        const runner = createAgentRunner({
          scenario: agent, transport: ctx.transport, clock: ctx.clock, timers: ctx.timers, random: ctx.random,
          local, protocol, ...(remote !== undefined ? { remote } : {}), agents: addresses,
          media: { host: local.host, port: 6000 }, service: options.service ?? 'service',
          callControl: callControlFor(agent, load, hasUac ? undefined : load.maxCalls),
          timing, behaviors: options.behaviors ?? { bye: true, abortUnexpected: true, autoAnswer: false },
          injection: options.injection ?? [], variables: options.variables ?? new Map(),
          ...(bus !== undefined ? { commandBus: bus } : {}),
          ...(sut?.mi !== undefined ? { mi: sut.mi } : {}),
          ...(options.onMessage !== undefined ? { onMessage: (e: { atMs: number; direction: 'sent' | 'received'; callId: string; text: string }) => options.onMessage!({ agent: agent.name, atMs: e.atMs, direction: e.direction, callId: e.callId, text: e.text }) } : {}),
          onError: (entry) => errors.push(entry),
        });
        ctx.onPacket((packet) => runner.receive(packet));
        return runner;
      },
    });
  });
  const runners = hosts.map((h) => h.app);
  const startMs = world.nowMs;
  const callersDone = (): boolean => runners.every((r, i) => selected[i]!.role === 'uas' || r.finished);
  let calleesStopped = false;
  // Callee agents end once every caller is done and the SUT holds no call (it may still be calling
  // them: a call started from management outlives its starter): graceful, so calls in progress complete.
  const stopCallees = (): void => {
    if (calleesStopped || !hasUac || !callersDone() || sut?.idle?.() === false) return;
    calleesStopped = true;
    runners.forEach((u, i) => selected[i]!.role === 'uas' && u.stop(false));
  };
  for (const r of runners) r.onFinished(stopCallees);
  for (const { runner } of startOrder(runners.map((runner, i) => ({ scenario: selected[i]!, runner })))) runner.start();
  const maxVirtualMs = options.maxVirtualMs ?? 3_600_000;
  const allFinished = (): boolean => {
    stopCallees();
    return runners.every((r) => r.finished);
  };
  const result = await world.run({ until: allFinished, untilMs: startMs + maxVirtualMs });
  const timedOut = result.reason !== 'until';
  if (timedOut) {
    for (const r of runners) r.stop(true);
    await world.run({ until: () => runners.every((r) => r.finished), untilMs: world.nowMs + 64_000 });
  }
  const endMs = world.nowMs;
  // Let lingering timers (ended-call memory, timewait) run out, so what is left over is a real leak.
  await world.run({ untilMs: world.nowMs + DRAIN_MS });
  const stats = runners.map((r) => r.stats);
  return {
    stats, errors, digest: world.digest(), exitCode: exitCodeFor(stats, timedOut),
    leftovers: [...hosts.flatMap((h, i) => leftoversOf(h, runners[i]!)), ...(sut?.leftovers?.() ?? [])],
    agents: selected, elapsedMs: endMs - startMs, timedOut,
  };
}

/** The engine from a `sut:` block; a bad configuration or script is a setup error naming file and line. */
function sutOf(flow: FlowSut): SimSut {
  try {
    return engineSut(flow);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (error instanceof Error && (code === 'bad-config' || (typeof code === 'string' && code.startsWith('script-')))) {
      throw new RunSetupError('bad-sut', `sut: ${error.message}`);
    }
    throw error;
  }
}

function pick(scenario: ScenarioFile, names: readonly string[] | undefined): readonly AgentScenario[] {
  if (names === undefined) return scenario.agents;
  return names.map((name) => {
    const agent = scenario.agents.find((a) => a.name === name);
    if (agent === undefined) throw new RunSetupError('unknown-agent', `agent ${name}: ${scenario.file} has no such agent (it has ${scenario.agents.map((a) => a.name).join(', ')})`);
    return agent;
  });
}

/** 10.0.0.1, 10.0.0.2, … in file order, skipping the SUT's address. */
function agentAddresses(agents: readonly AgentScenario[], sutHost: string | undefined): Map<string, SocketAddress> {
  const out = new Map<string, SocketAddress>();
  let n = 1;
  for (const agent of agents) {
    if (`10.0.0.${n}` === sutHost) n++;
    out.set(agent.name, { host: `10.0.0.${n++}`, port: SIP_PORT });
  }
  return out;
}

function addSut(world: World, sut: SimSut, agents: ReadonlyMap<string, SocketAddress>): void {
  world.addHost({
    name: sut.name,
    addresses: [sut.address.host],
    listen: (sut.protocols ?? ['udp', 'tcp']).map((protocol) => ({ protocol, port: sut.address.port })),
    build: (ctx) => sut.build(ctx, { agents }),
  });
}

function leftoversOf(host: SimHost<AgentRunnerApi>, runner: AgentRunnerApi): string[] {
  const out: string[] = [];
  if (runner.liveCalls !== 0) out.push(`${host.name}: ${runner.liveCalls} live calls`);
  const armed = host.ctx.timers.armedCount;
  if (armed !== 0) out.push(`${host.name}: ${armed} timers armed`);
  return out;
}
