/**
 * The contract between the executor (`agent-runner.ts`) and whoever runs it: the CLI on real sockets
 * (`runner/runtime/`) or a simulator host (`runner/sim/`). Sans-I/O like the engine: bytes leave
 * through the `Transport` port, arrive by `receive()`, time comes from the Clock/TimerService.
 */
import type { Clock } from '../../engine/ports/clock';
import type { InboundPacket, SocketAddress, Transport } from '../../engine/ports/transport';
import type { Random } from '../../engine/ports/random';
import type { TimerService } from '../../engine/timers/timer-service';
import type { AgentScenario } from '../model/scenario';
import type { AgentStats, ErrorLogEntry } from '../model/stats';

/** Call generation (SIPp -r, -rp, -l, -m, -users). Only `uac` agents generate calls. */
export interface CallControl {
  /** Calls per rate period (SIPp -r, default 10). */
  readonly rate: number;
  /** SIPp -rp in ms (default 1000). */
  readonly ratePeriodMs: number;
  /** Concurrent-call limit (SIPp -l); undefined: no limit. */
  readonly limit?: number;
  /** Stop creating calls after this many (SIPp -m); undefined: forever (until stop()). For uas agents: stop after this many calls ended. */
  readonly maxCalls?: number;
}

export interface Timing {
  readonly t1Ms: number; // 500
  readonly t2Ms: number; // 4000
  /** SIPp -max_retrans / -max_invite_retrans / -max_non_invite_retrans (defaults 5 INVITE, 7 others). */
  readonly maxInviteRetrans: number;
  readonly maxNonInviteRetrans: number;
  /** SIPp -d: default pause. */
  readonly defaultPauseMs: number;
  /** SIPp -recv_timeout: default timeout of a recv with none of its own (undefined: none). */
  readonly recvTimeoutMs?: number;
  /** SIPp -nr: no UDP retransmission at all. */
  readonly noRetrans?: boolean;
}

/** SIPp -default_behaviors: what happens around the steps. */
export interface DefaultBehaviors {
  /** On a failed call, end it with BYE (or CANCEL) toward the peer (SIPp "bye"). */
  readonly bye: boolean;
  /** An unexpected message fails the call (SIPp "abortunexp"). */
  readonly abortUnexpected: boolean;
  /** Answer OPTIONS/INFO/NOTIFY/UPDATE out of scenario with 200 (SIPp -aa / "pingreply"). */
  readonly autoAnswer: boolean;
}

/** Fields for `[fieldN]` from a SIPp injection file (-inf): SEQUENTIAL / RANDOM / USER order. */
export interface InjectionFile {
  readonly file: string;
  readonly order: 'SEQUENTIAL' | 'RANDOM' | 'USER';
  readonly rows: readonly (readonly string[])[];
}

/** 3PCC: commands between agents (in one process) or instances (control socket). */
export interface CommandBus {
  send(from: string, to: string | undefined, message: string): boolean;
  /** The agent registers to receive commands addressed to it. */
  register(agent: string, onCommand: (message: string, from: string) => void): void;
}

/** What an `mi` step's command returned: its result, or the MI error (code and text, e.g. 404 "B2B session not found"). */
export type MiCallOutcome = { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly code: number; readonly message: string };

/** Runs a management command against the system under test (in-process); positional or named parameters. */
export type MiInvoker = (command: string, params: readonly string[] | Readonly<Record<string, string>>) => MiCallOutcome;

export interface AgentRunnerOptions {
  readonly scenario: AgentScenario;
  readonly transport: Transport;
  readonly clock: Clock;
  readonly timers: TimerService;
  readonly random: Random;
  /** The socket this agent sends from and receives on (also `[local_ip]`/`[local_port]`). */
  readonly local: SocketAddress;
  readonly protocol: 'udp' | 'tcp';
  /** Where new requests go by default (`[remote_ip]`/`[remote_port]`); undefined for a uas (it answers the source). */
  readonly remote?: SocketAddress;
  /** Addresses of the other agents of the run, for `send to:` and `[agent:NAME]` keywords. */
  readonly agents: ReadonlyMap<string, SocketAddress>;
  readonly media: SocketAddress;
  /** SIPp -s (default "service"). */
  readonly service: string;
  readonly callControl: CallControl;
  readonly timing: Timing;
  readonly behaviors: DefaultBehaviors;
  readonly injection: readonly InjectionFile[];
  /** SIPp -set name value: initial values of variables. */
  readonly variables: ReadonlyMap<string, string>;
  readonly commandBus?: CommandBus;
  /** Where `mi` steps run (the simulator's system under test); absent: an mi step fails its call. */
  readonly mi?: MiInvoker;
  /** SIPp -cid_str pattern (default `%u-%p@%s`: call number, process id, local ip). */
  readonly callIdPattern?: string;
  /** The number `[pid]` and `%p` print (default 1: a real pid would make runs differ). */
  readonly pid?: number;
  /** `log`/`warning`/`error` actions and the executor's own notes (unparseable packets, internal errors). */
  readonly onLog?: (entry: { readonly atMs: number; readonly agent: string; readonly level: 'info' | 'warn' | 'error'; readonly callId: string; readonly text: string }) => void;
  /** Every unexpected message / failed check, as it happens (the error log, SIPp -trace_err). */
  readonly onError?: (entry: ErrorLogEntry) => void;
  /** Every message sent or received (SIPp -trace_msg), for reports and ladder diagrams. */
  readonly onMessage?: (event: { readonly atMs: number; readonly direction: 'sent' | 'received'; readonly callId: string; readonly text: string; readonly peer: SocketAddress }) => void;
}

/** The executor as the runtime sees it. */
export interface AgentRunnerApi {
  readonly name: string;
  readonly stats: AgentStats;
  /** Starts generating calls (uac) or accepting them (uas). */
  start(): void;
  /** Hand every packet for this agent's socket to this. Never throws on bad input. */
  receive(packet: InboundPacket): void;
  /** Stops creating calls; live calls go on (SIPp "stop gracefully"); `now` aborts them too. */
  stop(now?: boolean): void;
  /** True when no more calls will be created and none is live. */
  readonly finished: boolean;
  /** Called once when `finished` becomes true. */
  onFinished(listener: () => void): void;
  /** Live calls (for leak checks: 0 after the run). */
  readonly liveCalls: number;
}
