/**
 * The engine as the simulator's system under test, from a flow's `sut:` block: the user's script
 * (loaded as engine/runtime/script-loader.ts loads it) and the B2B stack (createB2bStack + ScriptHost,
 * wired as engine/runtime/engine-runtime.ts wires them) on the simulator's ports; MI commands run
 * in-process through the JSON-RPC handler; leftovers are what a clean engine must not keep.
 */
import type { SocketAddress } from '../../engine/ports/transport';
import type { LogFields, Logger, LogLevel } from '../../engine/ports/logger';
import type { B2bStack } from '../../engine/b2b/b2b-stack';
import { defaultEngineConfig, parseConfigOrThrow, type EngineConfig } from '../../engine/config';
import { defaultMiRegistry, handleJsonRpc } from '../../engine/mgmt';
import { loadScript, type LoadedScript } from '../../engine/runtime/script-loader';
import type { ScriptHost } from '../../engine/script/script-host';
import { createScriptedStack } from '../../engine/script/scripted-stack';
import type { ListenPoint } from '../../engine/transport/listen-point';
import type { HostContext } from '../../simulator/host';
import type { MiCallOutcome } from '../exec/agent-runner-api';
import type { FlowSut } from '../model/scenario';
import type { SimSut, SutRunInfo } from './run-in-simulator';

export const SUT_ADDRESS: SocketAddress = { host: '10.0.0.100', port: 5060 };

/** What the SUT logged at warn or error level (a script that threw, a route that answered 500 …). */
export interface SutLogEntry {
  readonly atMs: number;
  readonly level: LogLevel;
  readonly message: string;
  readonly fields: LogFields;
}

export interface EngineSut extends SimSut {
  /** The running engine once the world built it. */
  readonly stack: B2bStack | undefined;
  readonly log: readonly SutLogEntry[];
  readonly config: EngineConfig;
  readonly script: LoadedScript;
}

/** Builds the SUT for a flow. Config or script problems throw here, before the run (ConfigError, ScriptLoadError). */
export function engineSut(flow: FlowSut, address: SocketAddress = SUT_ADDRESS): EngineSut {
  const config = flow.configText === undefined ? defaultEngineConfig : parseConfigOrThrow({ file: { name: flow.location.file, text: flow.configText } });
  const script = loadScript(flow.script);
  const log: SutLogEntry[] = [];
  let stack: B2bStack | undefined;
  let host: ScriptHost | undefined;
  let ctxOf: HostContext | undefined;
  const sut: EngineSut = {
    name: 'sut', address, config, script, log,
    get stack() { return stack; },
    build(ctx: HostContext, run: SutRunInfo) {
      ctxOf = ctx;
      const logger = memoryLogger(log, () => ctx.clock.nowMs(), {});
      const params = expandParams(flow.params, run.agents);
      const built = buildEngineOnHost(ctx, config, script, logger, params);
      stack = built.stack;
      host = built.host;
      return built;
    },
    mi(command, params) {
      if (stack === undefined) return { ok: false, code: 500, message: 'the system under test is not running' };
      return runMi(stack, command, params);
    },
    idle() {
      return stack === undefined || stack.logic.counts.sessions === 0;
    },
    leftovers() {
      if (stack === undefined || ctxOf === undefined) return [];
      const out: string[] = [];
      const c = stack.counts();
      if (c.sessions !== 0) out.push(`sut: ${c.sessions} sessions`);
      if (c.servers !== 0) out.push(`sut: ${c.servers} server entities`);
      if (c.clients !== 0) out.push(`sut: ${c.clients} client entities`);
      if (c.transactions !== 0) out.push(`sut: ${c.transactions} transactions`);
      if (ctxOf.timers.armedCount !== 0) out.push(`sut: ${ctxOf.timers.armedCount} timers armed`);
      if (host !== undefined && host.pending !== 0) out.push(`sut: ${host.pending} main routes still running`);
      return out;
    },
  };
  return sut;
}

/** `[agent:NAME]`, `[agent_ip:NAME]`, `[agent_port:NAME]` in script_params become the simulated agents' addresses. */
export function expandParams(params: ReadonlyMap<string, string>, agents: ReadonlyMap<string, SocketAddress>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, value] of params) {
    out.set(name, value.replace(/\[agent(_ip|_port)?:([^\]]+)\]/g, (whole, part: string | undefined, agent: string) => {
      const address = agents.get(agent.trim());
      if (address === undefined) return whole;
      return part === '_ip' ? address.host : part === '_port' ? String(address.port) : `${address.host}:${address.port}`;
    }));
  }
  return out;
}

interface BuiltEngine {
  readonly stack: B2bStack;
  readonly host: ScriptHost;
}

/** The runtime's wiring (createScriptedStack) on a simulator host: no sockets, no MI server, no wall clock. */
function buildEngineOnHost(ctx: HostContext, config: EngineConfig, script: LoadedScript, logger: Logger, params: ReadonlyMap<string, string>): BuiltEngine {
  const listen: ListenPoint[] = ctx.listenPoints.map((p) => ({ protocol: p.protocol, local: { host: p.host, port: p.port }, advertised: { host: p.host, port: p.port } }));
  const built = createScriptedStack({
    transport: ctx.transport, listen, timers: ctx.timers, clock: ctx.clock, random: ctx.random, logger,
    config, routes: script.routes, scriptFile: script.file, params: new Map([...config.scriptParams, ...params]),
  });
  ctx.onPacket((packet) => built.stack.receive(packet));
  return built;
}

/** One MI command through the JSON-RPC handler (the same path as `b2bkit mi` over HTTP). */
export function runMi(stack: B2bStack, command: string, params: readonly string[] | Readonly<Record<string, string>>): MiCallOutcome {
  const text = handleJsonRpc(JSON.stringify({ jsonrpc: '2.0', id: 1, method: command, params }), defaultMiRegistry, stack);
  const reply = JSON.parse(text ?? '{}') as { result?: unknown; error?: { code: number; message: string } };
  if (reply.error !== undefined) return { ok: false, code: reply.error.code, message: reply.error.message };
  return { ok: true, result: reply.result };
}

/** Keeps warn and error lines (the flow harness reports them); the rest is dropped. */
function memoryLogger(sink: SutLogEntry[], now: () => number, bound: LogFields): Logger {
  const keep = (level: LogLevel) => (fields: LogFields, message: string): void => {
    sink.push({ atMs: now(), level, message, fields: { ...bound, ...fields } });
  };
  return {
    trace: () => undefined, debug: () => undefined, info: () => undefined,
    warn: keep('warn'), error: keep('error'),
    child: (fields) => memoryLogger(sink, now, { ...bound, ...fields }),
  };
}
