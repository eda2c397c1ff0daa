/** What a call needs from its agent: the compiled scenario, options, stats, and the agent's ways to send, log and report. */
import type { Random } from '../../engine/ports/random';
import type { SocketAddress } from '../../engine/ports/transport';
import type { TimerService } from '../../engine/timers/timer-service';
import type { AgentStats, ErrorLogEntry } from '../model/stats';
import type { AgentRunnerOptions } from './agent-runner-api';
import type { CompiledScenario } from './compile-scenario';
import type { KeywordEnv } from './keywords';
import type { VarValue } from './variables';

/** Where a call's messages go: the address and, for TCP, the connection to reuse. */
export interface Route {
  readonly destination: SocketAddress;
  readonly connectionId: string | undefined;
}

/** The call's handle on its agent (implemented by the agent runner). */
export interface AgentContext {
  readonly name: string;
  readonly options: AgentRunnerOptions;
  readonly compiled: CompiledScenario;
  readonly stats: AgentStats;
  readonly env: KeywordEnv;
  readonly timers: TimerService;
  readonly random: Random;
  readonly globals: Map<string, VarValue>;
  /** Initial per-call variables (-set, YAML vars). */
  readonly initialVariables: ReadonlyMap<string, VarValue>;
  /** UDP and not -nr. */
  readonly retransEnabled: boolean;
  nowMs(): number;
  /** Encodes and sends; returns the bytes (kept for retransmission). */
  transmit(callId: string, text: string, route: Route): Uint8Array;
  /** Sends bytes already encoded (a retransmission). */
  retransmit(callId: string, data: Uint8Array, route: Route): void;
  error(entry: Omit<ErrorLogEntry, 'agent' | 'atMs'>): void;
  log(level: 'info' | 'warn' | 'error', callId: string, text: string): void;
  /** The call ended (success or failure): the agent drops it and may start others. */
  callEnded(callId: string): void;
  stopAgent(now: boolean): void;
}
