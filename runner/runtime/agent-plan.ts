/** Turns run options into what each agent's executor needs, shared by real-socket and simulated runs: which agents, their call control, timing, ports and remotes. */
import type { SocketAddress } from '../../engine/ports/transport';
import type { CallControl, Timing } from '../exec/agent-runner-api';
import type { AgentScenario, ScenarioFile } from '../model/scenario';

export class RunSetupError extends Error {
  constructor(readonly code: 'unknown-agent' | 'no-target' | 'bind-failed' | 'bad-injection' | 'needs-sim' | 'bad-sut', message: string) {
    super(message);
    this.name = 'RunSetupError';
  }
}

/** The agents to run: all of the file's, or the one `--agent` names. */
export function selectAgents(file: ScenarioFile, only: string | undefined): readonly AgentScenario[] {
  if (only === undefined) return file.agents;
  const agent = file.agents.find((a) => a.name === only);
  if (agent === undefined) {
    throw new RunSetupError('unknown-agent', `--agent ${only}: ${file.file} has no such agent (it has ${file.agents.map((a) => a.name).join(', ')})`);
  }
  return [agent];
}

export interface LoadControl {
  readonly rate: number;
  readonly ratePeriodMs: number;
  readonly limit?: number;
  readonly maxCalls?: number;
}

/** uac agents generate calls; a uas agent stops after -m calls only when it runs alone or when asked to. */
export function callControlFor(agent: AgentScenario, load: LoadControl, uasMaxCalls: number | undefined): CallControl {
  const maxCalls = agent.role === 'uac' ? load.maxCalls : uasMaxCalls;
  return {
    rate: load.rate,
    ratePeriodMs: load.ratePeriodMs,
    ...(load.limit !== undefined ? { limit: load.limit } : {}),
    ...(maxCalls !== undefined ? { maxCalls } : {}),
  };
}

export interface TimingInput {
  readonly t1Ms: number;
  readonly t2Ms: number;
  readonly maxInviteRetrans: number;
  readonly maxNonInviteRetrans: number;
  readonly defaultPauseMs: number;
  readonly recvTimeoutMs?: number;
  readonly noRetrans: boolean;
}

export function timingFrom(input: TimingInput): Timing {
  return {
    t1Ms: input.t1Ms,
    t2Ms: input.t2Ms,
    maxInviteRetrans: input.maxInviteRetrans,
    maxNonInviteRetrans: input.maxNonInviteRetrans,
    defaultPauseMs: input.defaultPauseMs,
    ...(input.recvTimeoutMs !== undefined ? { recvTimeoutMs: input.recvTimeoutMs } : {}),
    noRetrans: input.noRetrans,
  };
}

/**
 * Where an agent sends by default: the agent its `target` names when that agent is part of this
 * run, else the run's target (TARGET_HOST:PORT or the simulator's SUT). A uac needs one; a uas
 * without one answers the source of each request.
 */
export function remoteFor(agent: AgentScenario, agents: ReadonlyMap<string, SocketAddress>, runTarget: SocketAddress | undefined): SocketAddress | undefined {
  const viaAgent = agent.target !== undefined ? agents.get(agent.target) : undefined;
  const remote = viaAgent ?? runTarget;
  if (remote === undefined && agent.role === 'uac') {
    const why = agent.target !== undefined ? `its target agent "${agent.target}" is not part of this run` : 'it has no target agent';
    throw new RunSetupError('no-target', `agent ${agent.name} needs TARGET_HOST:PORT: ${why}`);
  }
  return remote;
}

/**
 * An agent's target that is not part of this run (`--agent uac` of a two-agent file) stands for the
 * run's target (TARGET_HOST:PORT or the simulator's SUT), so `target:` and `to:` reach the real peer.
 */
export function aliasAbsentTargets(addresses: Map<string, SocketAddress>, agents: readonly AgentScenario[], runTarget: SocketAddress | undefined): Map<string, SocketAddress> {
  if (runTarget === undefined) return addresses;
  for (const agent of agents) {
    if (agent.target !== undefined && !addresses.has(agent.target)) addresses.set(agent.target, runTarget);
  }
  return addresses;
}

/** uas agents start first so they listen before the first request arrives. */
export function startOrder<T extends { readonly scenario: AgentScenario }>(agents: readonly T[]): readonly T[] {
  return [...agents.filter((a) => a.scenario.role === 'uas'), ...agents.filter((a) => a.scenario.role === 'uac')];
}
