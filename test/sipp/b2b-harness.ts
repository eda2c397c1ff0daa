/**
 * Test support for the B2B engine against SIPp on real loopback sockets: an in-process engine
 * (`startEngine`, the shipped top-hiding script, port 0), the b2b/ scenarios with their ports filled
 * in, a callee SIPp, a caller SIPp through the engine, and what each side and the engine report.
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfigOrThrow } from '../../engine/config';
import type { LogFields, Logger } from '../../engine/ports/logger';
import { startEngine, type RunningEngine } from '../../engine/runtime/engine-runtime';
import { freeUdpPort, readSippStats, sippCounts, startSipp, type SippCounts } from './sipp-runner';

export const SCENARIO_DIR = join(__dirname, 'b2b');

/** What the caller SIPp puts in every Call-ID, so the callee can tell a leak. */
export const CALLER_CID = 'callerleak-%u-%p@%s';

/** A TCP port that was free a moment ago. */
export function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Waits until something holds UDP `port` (SIPp has bound it), or the time is up. */
export async function waitForUdpBound(port: number, limitMs = 5000): Promise<boolean> {
  const until = Date.now() + limitMs;
  while (Date.now() < until) {
    const taken = await new Promise<boolean>((resolve) => {
      const socket = createSocket('udp4');
      socket.once('error', () => { socket.close(); resolve(true); });
      socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(false)));
    });
    if (taken) return true;
    await delay(50);
  }
  return false;
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A logger keeping warn and error lines (the engine should have none on a clean run). */
export interface MemoryLogger extends Logger {
  readonly lines: string[];
}

export function memoryLogger(base: LogFields = {}, lines: string[] = []): MemoryLogger {
  const keep = (level: string) => (fields: LogFields, message: string): void => {
    if (lines.length < 200) lines.push(`${level} ${message} ${JSON.stringify({ ...base, ...fields })}`);
  };
  return {
    lines,
    trace: () => undefined,
    debug: () => undefined,
    info: () => undefined,
    warn: keep('warn'),
    error: keep('error'),
    child: (fields) => memoryLogger({ ...base, ...fields }, lines),
  };
}

export interface EngineUnderTest {
  readonly engine: RunningEngine;
  readonly udpPort: number;
  readonly tcpPort: number;
  readonly log: MemoryLogger;
}

/** The engine on 127.0.0.1 port 0 (UDP and TCP), no MI, the shipped top-hiding script, `upstream` = the callee. */
export async function startTestEngine(upstreamPort: number, overrides: readonly string[] = []): Promise<EngineUnderTest> {
  const config = parseConfigOrThrow({
    overrides: ['listen=udp:127.0.0.1:0,tcp:127.0.0.1:0', 'mi=false', `upstream=sip:127.0.0.1:${upstreamPort}`, ...overrides],
  });
  const log = memoryLogger();
  const engine = await startEngine(config, { logger: log, drainMs: 500 });
  const udp = engine.sip.find((p) => p.protocol === 'udp');
  const tcp = engine.sip.find((p) => p.protocol === 'tcp');
  if (udp === undefined || tcp === undefined) throw new Error('the engine bound no UDP or no TCP socket');
  return { engine, udpPort: udp.local.port, tcpPort: tcp.local.port, log };
}

/** The engine's live state: everything returns to zero once every call has ended. */
export function engineCounts(engine: RunningEngine): { sessions: number; servers: number; clients: number; transactions: number; timers: number } {
  return { ...engine.stack.counts(), timers: engine.timers.armedCount };
}

/** Polls until the engine holds no session, entity, transaction or armed timer (or the time is up); returns the last counts. */
export async function waitForEngineIdle(engine: RunningEngine, limitMs: number): Promise<ReturnType<typeof engineCounts>> {
  const until = Date.now() + limitMs;
  let counts = engineCounts(engine);
  while (Date.now() < until) {
    counts = engineCounts(engine);
    if (counts.sessions + counts.servers + counts.clients + counts.transactions + counts.timers === 0) break;
    await delay(50);
  }
  return counts;
}

/** Writes `name` from b2b/ to `dir` with @CALLER_PORT@, @CALLEE_PORT@, @ENGINE_PORT@ replaced. */
export function fillScenario(dir: string, name: string, ports: { caller: number; callee: number; engine: number }): string {
  const text = readFileSync(join(SCENARIO_DIR, name), 'utf8')
    .replaceAll('@CALLER_PORT@', String(ports.caller))
    .replaceAll('@CALLEE_PORT@', String(ports.callee))
    .replaceAll('@ENGINE_PORT@', String(ports.engine));
  const out = join(dir, name);
  writeFileSync(out, text);
  return out;
}

export interface PairOptions {
  /** Scenario files in b2b/ (`caller-basic.xml`), or SIPp's built-in `uac` / `uas`. */
  readonly caller: string;
  readonly callee: string;
  readonly calls: number;
  readonly ratePerS: number;
  /** At most this many calls at once on the caller (SIPp -l); default 10 × rate. */
  readonly limit?: number;
  /** The caller's transport toward the engine; the callee side is always UDP. */
  readonly callerTransport?: 'udp' | 'tcp';
  /** `--set` overrides for the engine. */
  readonly overrides?: readonly string[];
  /** SIPp's -timeout for both (seconds); default 60. */
  readonly timeoutS?: number;
}

export interface SideResult {
  readonly code: number | null;
  readonly counts: SippCounts;
  /** The start of SIPp's error file and output, for the failure message. */
  readonly errors: string;
}

export interface PairResult {
  readonly caller: SideResult;
  readonly callee: SideResult;
  /** The engine's counts once both SIPps were done and sessions and entities were gone (or 5 s ran out). */
  readonly after: ReturnType<typeof engineCounts>;
  /** Warn/error lines the engine logged. */
  readonly engineLog: readonly string[];
  readonly elapsedMs: number;
  /** The engine, still running: transactions linger for Timer J/L/M (64·T1) after the last call. */
  readonly sut: EngineUnderTest;
  /** Stops the engine (idempotent). */
  close(): Promise<void>;
}

/**
 * Engine, callee SIPp, caller SIPp through the engine. The SIPps are gone when it returns; the engine
 * keeps running until `close()` (also called when anything fails on the way).
 */
export async function runPair(options: PairOptions): Promise<PairResult> {
  const dir = mkdtempSync(join(tmpdir(), 'b2bkit-sipp-b2b-'));
  const calleePort = await freeUdpPort();
  const callerTransport = options.callerTransport ?? 'udp';
  const callerPort = callerTransport === 'tcp' ? await freeTcpPort() : await freeUdpPort();
  const timeout = `${options.timeoutS ?? 60}s`;
  const sut = await startTestEngine(calleePort, options.overrides);
  const close = (): Promise<void> => sut.engine.stop('leave');
  const enginePort = callerTransport === 'tcp' ? sut.tcpPort : sut.udpPort;
  const ports = { caller: callerPort, callee: calleePort, engine: sut.udpPort };
  const common = (side: string): string[] => [
    '-i', '127.0.0.1', '-m', String(options.calls), '-nostdin', '-timeout', timeout, '-timeout_error',
    '-trace_stat', '-stf', join(dir, `${side}-stats.csv`), '-fd', '1',
    '-trace_err', '-error_file', join(dir, `${side}-errors.log`),
    ...(process.env.B2BKIT_SIPP_TRACE === '1' ? ['-trace_msg', '-message_file', join(dir, `${side}-messages.log`)] : []),
  ];
  const scenario = (name: string, builtin: 'uac' | 'uas'): string[] =>
    name === builtin ? ['-sn', builtin] : ['-sf', fillScenario(dir, name, ports)];
  const started = Date.now();
  const callee = startSipp([...scenario(options.callee, 'uas'), '-p', String(calleePort), ...common('callee')], dir);
  let caller: ReturnType<typeof startSipp> | undefined;
  try {
    if (!(await waitForUdpBound(calleePort))) throw new Error(`the callee SIPp did not bind ${calleePort}`);
    caller = startSipp([
      ...scenario(options.caller, 'uac'), `127.0.0.1:${enginePort}`, '-p', String(callerPort),
      '-t', callerTransport === 'tcp' ? 't1' : 'u1', '-cid_str', CALLER_CID,
      '-r', String(options.ratePerS), '-l', String(options.limit ?? options.ratePerS * 10),
      ...common('caller'),
    ], dir);
    const callerExit = await caller.exited;
    // The callee ends on its own once its last call is through (its scenarios end on a short pause).
    const calleeExit = await Promise.race([callee.exited, delay(10_000).then(() => undefined)]);
    if (calleeExit === undefined) callee.kill();
    const calleeDone = calleeExit ?? (await callee.exited);
    const after = await waitForSessionsGone(sut.engine, 5000);
    const elapsedMs = Date.now() - started;
    if (process.env.B2BKIT_SIPP_TRACE === '1') process.stderr.write(`b2b-harness: SIPp files kept in ${dir}\n`);
    return {
      caller: side(dir, 'caller', callerExit.code, callerExit.output),
      callee: side(dir, 'callee', calleeExit === undefined ? null : calleeDone.code, calleeDone.output),
      after, engineLog: sut.log.lines, elapsedMs, sut, close,
    };
  } catch (error) {
    await close();
    throw error;
  } finally {
    caller?.kill();
    callee.kill();
    if (process.env.B2BKIT_SIPP_TRACE !== '1') rmSync(dir, { recursive: true, force: true });
  }
}

/** Polls until the engine holds no session and no entity (transactions may linger for their timers). */
async function waitForSessionsGone(engine: RunningEngine, limitMs: number): Promise<ReturnType<typeof engineCounts>> {
  const until = Date.now() + limitMs;
  let counts = engineCounts(engine);
  while (counts.sessions + counts.servers + counts.clients > 0 && Date.now() < until) {
    await delay(50);
    counts = engineCounts(engine);
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
  // Entries start with a timestamp; "Dead call" ones are late retransmissions to calls already over: count them, show the rest.
  const entries = text.split(/(?=\d{4}-\d\d-\d\d\t\d\d:\d\d:\d\d\.\d+\t)/).filter((e) => e.trim() !== '');
  const dead = entries.filter((e) => e.includes('Dead call')).length;
  const shown = entries.filter((e) => !e.includes('Dead call')).join('').slice(0, 4000);
  const errors = `${shown}${dead > 0 ? `\n(${dead} "Dead call" entries: messages for calls already over)` : ''}`;
  return { code, counts, errors: `${errors}${code === 0 ? '' : `\n--- output ---\n${output.slice(-2000)}`}` };
}
