/**
 * Test support for the service scripts (scenarios/scripts/*.ts, opensips-b2b.md §6.2–6.5) on real
 * loopback sockets: the engine in-process with a service script and its `script_params`, any number
 * of SIPp agents (uas ones first, then the uacs, each on its own port), an optional driver (MI calls),
 * and what every agent and the engine report.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { parseConfigOrThrow } from '../../engine/config';
import { startEngine } from '../../engine/runtime/engine-runtime';
import { loadScript } from '../../engine/runtime/script-loader';
import { delay, engineCounts, memoryLogger, waitForUdpBound, type EngineUnderTest, type SideResult } from './b2b-harness';
import { freeUdpPort, readSippStats, sippCounts, startSipp } from './sipp-runner';

export const SERVICE_SCENARIOS = join(__dirname, 'services');
export const SCRIPTS = join(__dirname, '..', '..', 'scenarios', 'scripts');

/** Every agent's port by name, and the engine's. */
export type Ports = Readonly<Record<string, number>> & { readonly engine: number };

export interface Agent {
  /** Also the placeholder of its port: agent "media" → @MEDIA_PORT@ in every scenario and in `vars`. */
  readonly name: string;
  /** A file in services/. */
  readonly scenario: string;
  readonly role: 'uac' | 'uas';
  /** Calls this agent takes part in (a uas: calls it receives; SIPp -m). */
  readonly calls: number;
  /** uac only: calls per second and at most this many at once. */
  readonly ratePerS?: number;
  readonly limit?: number;
  /**
   * Placeholders of this agent's scenario (@TARGET_URI@, @REFER_TO@, @PAUSE_MS@, @ANSWER_SDP@ …), ports filled
   * in. @AGENT@ is the agent's name: it names the SDP it sends (`s=`), so others can check whose SDP they got.
   */
  readonly vars?: Readonly<Record<string, string>>;
}

export interface ServiceRunOptions {
  /** A file in scenarios/scripts/. */
  readonly script: string;
  /** `script_params`; @NAME_PORT@ placeholders are filled in. */
  readonly params: Readonly<Record<string, string>>;
  /** More engine configuration (b2b_logic: …), as in b2bkit.yaml. */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Start the MI HTTP endpoint (port 0). */
  readonly mi?: boolean;
  readonly agents: readonly Agent[];
  /** Runs once the uas agents are up, alongside the uacs (e.g. MI calls); its errors fail the run. */
  readonly drive?: (context: { readonly miUrl: string | undefined; readonly ports: Ports; readonly fill: (text: string) => string }) => Promise<void>;
  /** SIPp -timeout (s); default 60. */
  readonly timeoutS?: number;
}

export interface ServiceResult {
  readonly agents: Readonly<Record<string, SideResult>>;
  readonly after: ReturnType<typeof engineCounts>;
  readonly engineLog: readonly string[];
  readonly elapsedMs: number;
  readonly sut: EngineUnderTest;
  readonly ports: Ports;
  close(): Promise<void>;
}

/** @ENGINE_PORT@ and @<AGENT>_PORT@ replaced. */
export function fillPorts(text: string, ports: Ports): string {
  return text.replace(/@([A-Z0-9_]+)_PORT@/g, (whole, name: string) => {
    const port = ports[name === 'ENGINE' ? 'engine' : name.toLowerCase()];
    return port === undefined ? whole : String(port);
  });
}

export async function runService(options: ServiceRunOptions): Promise<ServiceResult> {
  const dir = mkdtempSync(join(tmpdir(), 'b2bkit-sipp-services-'));
  const agentPorts: Record<string, number> = {};
  for (const agent of options.agents) agentPorts[agent.name] = await freeUdpPort();
  const log = memoryLogger();
  // Port 0 for the engine, unless the configuration must name its address (`server_address` for MI-started calls).
  const needsEnginePort = JSON.stringify([options.params, options.config ?? {}]).includes('@ENGINE_PORT@');
  const draftPorts = { ...agentPorts, engine: needsEnginePort ? await freeUdpPort() : 0 } as Ports;
  const fillDeep = (value: unknown): unknown => typeof value === 'string' ? fillPorts(value, draftPorts)
    : Array.isArray(value) ? value.map(fillDeep)
    : value !== null && typeof value === 'object' ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillDeep(v)]))
    : value;
  const yaml = stringify({
    listen: [`udp:127.0.0.1:${draftPorts.engine}`], mi: options.mi === true ? { listen: '127.0.0.1:0' } : false,
    ...(fillDeep(options.config ?? {}) as object), script_params: fillDeep(options.params),
  });
  const config = parseConfigOrThrow({ file: { name: join(dir, 'b2bkit.yaml'), text: yaml } });
  const engine = await startEngine(config, { logger: log, drainMs: 500, script: loadScript(join(SCRIPTS, options.script)) });
  const udp = engine.sip.find((p) => p.protocol === 'udp');
  if (udp === undefined) throw new Error('the engine bound no UDP socket');
  const sut: EngineUnderTest = { engine, udpPort: udp.local.port, tcpPort: 0, log };
  const close = (): Promise<void> => engine.stop('leave');
  const ports = { ...agentPorts, engine: udp.local.port } as Ports;
  const fill = (text: string): string => fillPorts(text, ports);
  const timeout = `${options.timeoutS ?? 60}s`;
  const runs = new Map<string, ReturnType<typeof startSipp>>();
  const start = (agent: Agent): void => {
    let text = readFileSync(join(SERVICE_SCENARIOS, agent.scenario), 'utf8');
    for (const [name, value] of Object.entries({ AGENT: agent.name, ...agent.vars })) text = text.replaceAll(`@${name}@`, fill(value));
    text = fill(text);
    const leftover = /@[A-Z0-9_]+@/.exec(text);
    if (leftover !== null) throw new Error(`${agent.scenario}: placeholder ${leftover[0]} not filled for agent ${agent.name}`);
    const file = join(dir, `${agent.name}.xml`);
    writeFileSync(file, text);
    const args = [
      '-sf', file, '-i', '127.0.0.1', '-p', String(ports[agent.name]), '-m', String(agent.calls), '-nostdin',
      '-timeout', timeout, '-timeout_error', '-trace_stat', '-stf', join(dir, `${agent.name}-stats.csv`), '-fd', '1',
      '-trace_err', '-error_file', join(dir, `${agent.name}-errors.log`),
      ...(process.env.B2BKIT_SIPP_TRACE === '1' ? ['-trace_msg', '-message_file', join(dir, `${agent.name}-messages.log`)] : []),
    ];
    if (agent.role === 'uac') {
      const rate = agent.ratePerS ?? 20;
      args.unshift(`127.0.0.1:${ports.engine}`);
      args.push('-r', String(rate), '-l', String(agent.limit ?? rate * 10));
    }
    runs.set(agent.name, startSipp(args, dir));
  };
  const started = Date.now();
  try {
    for (const agent of options.agents.filter((a) => a.role === 'uas')) start(agent);
    for (const agent of options.agents.filter((a) => a.role === 'uas')) {
      if (!(await waitForUdpBound(ports[agent.name]!))) throw new Error(`SIPp agent ${agent.name} did not bind ${ports[agent.name]}`);
    }
    const uacs = options.agents.filter((a) => a.role === 'uac');
    const driving = options.drive?.({ miUrl: engine.mi?.url, ports, fill }) ?? Promise.resolve();
    for (const agent of uacs) start(agent);
    await driving;
    const exits = new Map<string, { code: number | null; output: string }>();
    for (const agent of uacs) exits.set(agent.name, await runs.get(agent.name)!.exited);
    // Every uas ends on its own once its last call is through.
    const limit = delay(20_000).then(() => undefined);
    for (const agent of options.agents.filter((a) => a.role === 'uas')) {
      const run = runs.get(agent.name)!;
      const exit = await Promise.race([run.exited, limit]);
      if (exit === undefined) run.kill();
      exits.set(agent.name, exit ?? { ...(await run.exited), code: null });
    }
    const after = await waitForSessionsGone(sut, 10_000);
    const elapsedMs = Date.now() - started;
    const agents: Record<string, SideResult> = {};
    for (const [name, exit] of exits) agents[name] = side(dir, name, exit.code, exit.output);
    if (process.env.B2BKIT_SIPP_TRACE === '1') process.stderr.write(`services-harness: SIPp files kept in ${dir}\n`);
    return { agents, after, engineLog: log.lines, elapsedMs, sut, ports, close };
  } catch (error) {
    await close();
    throw error;
  } finally {
    for (const run of runs.values()) run.kill();
    if (process.env.B2BKIT_SIPP_TRACE !== '1') rmSync(dir, { recursive: true, force: true });
  }
}

async function waitForSessionsGone(sut: EngineUnderTest, limitMs: number): Promise<ReturnType<typeof engineCounts>> {
  const until = Date.now() + limitMs;
  let counts = engineCounts(sut.engine);
  while (counts.sessions + counts.servers + counts.clients > 0 && Date.now() < until) {
    await delay(50);
    counts = engineCounts(sut.engine);
  }
  return counts;
}

function side(dir: string, name: string, code: number | null, output: string): SideResult {
  const statsFile = join(dir, `${name}-stats.csv`);
  const counts = existsSync(statsFile)
    ? sippCounts(readSippStats(statsFile))
    : { successful: NaN, failed: NaN, unexpected: NaN, outOfCall: NaN, dead: NaN, retransmissions: NaN };
  const errorFile = join(dir, `${name}-errors.log`);
  const text = existsSync(errorFile) ? readFileSync(errorFile, 'utf8') : '';
  return { code, counts, errors: `${text.slice(0, 4000)}${code === 0 ? '' : `\n--- output ---\n${output.slice(-2000)}`}` };
}
