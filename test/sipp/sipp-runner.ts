/** Test support for SIPp interop: finding sipp, free ports, running it, and reading its -trace_stat CSV. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, readFileSync } from 'node:fs';

export const SIPP_MISSING = 'sipp is not on PATH: install it with `apt-get install sip-tester` (CI installs it)';

export function sippAvailable(): boolean {
  const probe = spawnSync('sipp', ['-v'], { encoding: 'utf8' });
  return probe.error === undefined;
}

/** A UDP port that was free a moment ago (bind port 0, read it, close). */
export function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

export interface SippRun {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>;
  kill(): void;
}

export function startSipp(args: readonly string[], cwd: string): SippRun {
  const child = spawn('sipp', [...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output += chunk.toString('utf8');
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal, output }));
  });
  return {
    child, exited,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** The last row of a SIPp statistics CSV (`-trace_stat -stf file`), as column → value. */
export function readSippStats(file: string): Map<string, string> {
  if (!existsSync(file)) throw new Error(`SIPp wrote no statistics file ${file}`);
  const lines = readFileSync(file, 'utf8').split('\n').filter((line) => line.trim() !== '');
  const header = lines[0]?.split(';') ?? [];
  const last = lines[lines.length - 1]?.split(';') ?? [];
  const stats = new Map<string, string>();
  header.forEach((name, i) => stats.set(name, last[i] ?? ''));
  return stats;
}

export interface SippCounts {
  readonly successful: number;
  readonly failed: number;
  readonly unexpected: number;
  readonly outOfCall: number;
  readonly dead: number;
  readonly retransmissions: number;
}

export function sippCounts(stats: Map<string, string>): SippCounts {
  const n = (name: string): number => Number(stats.get(name) ?? 'NaN');
  return {
    successful: n('SuccessfulCall(C)'),
    failed: n('FailedCall(C)'),
    unexpected: n('FailedUnexpectedMessage(C)'),
    outOfCall: n('OutOfCallMsgs(C)'),
    dead: n('DeadCallMsgs(C)'),
    retransmissions: n('Retransmissions(C)'),
  };
}
