/**
 * Parses `b2bkit run` arguments the way SIPp spells them: single-dash long options (`-trace_stat`,
 * `-max_retrans`), `-set NAME VALUE` with two values, times with SIPp's units; `--agent`, `--sim`,
 * `--seed`, `--loss`, `--quiet` are ours (one or two dashes both work for every option).
 */
import type { SocketAddress } from '../../engine/ports/transport';
import type { DefaultBehaviors } from '../exec/agent-runner-api';
import { DEFAULT_RUN_OPTIONS, type RunOptions } from './run-options';

export type RunArgsResult = { readonly ok: true; readonly options: RunOptions } | { readonly ok: false; readonly message: string };

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Draft = Mutable<Omit<RunOptions, 'file'>> & { file?: string; variables: Map<string, string>; injectionFiles: string[] };

interface OptionSpec {
  readonly values: 0 | 1 | 2;
  readonly apply: (draft: Draft, values: readonly string[], name: string) => void;
}

class ArgError extends Error {}

const OPTIONS: Readonly<Record<string, OptionSpec>> = {
  sf: { values: 1, apply: (d, [v]) => { d.file = v; } },
  t: { values: 1, apply: (d, [v]) => { d.transport = transportMode(v!); } },
  i: { values: 1, apply: (d, [v], n) => { d.localIp = ipLiteral(v!, n); } },
  p: { values: 1, apply: (d, [v], n) => { d.localPort = integer(v!, n, 0, 65535); } },
  mi: { values: 1, apply: (d, [v], n) => { d.mediaIp = ipLiteral(v!, n); } },
  mp: { values: 1, apply: (d, [v], n) => { d.mediaPort = integer(v!, n, 0, 65535); } },
  r: { values: 1, apply: (d, [v], n) => { d.rate = positive(v!, n); } },
  rp: { values: 1, apply: (d, [v], n) => { d.ratePeriodMs = time(v!, n, 'ms', true); } },
  l: { values: 1, apply: (d, [v], n) => { d.limit = integer(v!, n, 1); } },
  m: { values: 1, apply: (d, [v], n) => { d.maxCalls = integer(v!, n, 1); } },
  d: { values: 1, apply: (d, [v], n) => { d.defaultPauseMs = time(v!, n, 'ms'); } },
  s: { values: 1, apply: (d, [v]) => { d.service = v!; } },
  inf: { values: 1, apply: (d, [v]) => { d.injectionFiles.push(v!); } },
  set: { values: 2, apply: (d, [k, v]) => { d.variables.set(k!, v!); } },
  nr: { values: 0, apply: (d) => { d.noRetrans = true; } },
  max_retrans: { values: 1, apply: (d, [v], n) => { d.maxInviteRetrans = d.maxNonInviteRetrans = integer(v!, n, 0); } },
  max_invite_retrans: { values: 1, apply: (d, [v], n) => { d.maxInviteRetrans = integer(v!, n, 0); } },
  max_non_invite_retrans: { values: 1, apply: (d, [v], n) => { d.maxNonInviteRetrans = integer(v!, n, 0); } },
  T2: { values: 1, apply: (d, [v], n) => { d.t2Ms = time(v!, n, 'ms', true); } },
  recv_timeout: { values: 1, apply: (d, [v], n) => { d.recvTimeoutMs = time(v!, n, 'ms', true); } },
  timeout: { values: 1, apply: (d, [v], n) => { d.globalTimeoutMs = time(v!, n, 's', true); } },
  timeout_error: { values: 0, apply: (d) => { d.timeoutError = true; } },
  trace_stat: { values: 0, apply: (d) => { d.traceStat = true; } },
  stf: { values: 1, apply: (d, [v]) => { d.statFile = v; } },
  fd: { values: 1, apply: (d, [v], n) => { d.statPeriodMs = time(v!, n, 's', true); } },
  trace_err: { values: 0, apply: (d) => { d.traceErr = true; } },
  error_file: { values: 1, apply: (d, [v]) => { d.errorFile = v; } },
  bind_local: { values: 0, apply: (d) => { d.bindLocal = true; } },
  aa: { values: 0, apply: (d) => { d.behaviors = { ...d.behaviors, autoAnswer: true }; } },
  default_behaviors: { values: 1, apply: (d, [v], n) => { d.behaviors = behaviors(v!, n, d.behaviors); } },
  cid_str: { values: 1, apply: (d, [v]) => { d.callIdPattern = v; } },
  nostdin: { values: 0, apply: () => undefined },
  agent: { values: 1, apply: (d, [v]) => { d.agent = v; } },
  sim: { values: 0, apply: (d) => { d.sim = true; } },
  seed: { values: 1, apply: (d, [v], n) => { d.seed = integer(v!, n, 0, 2 ** 32 - 1); } },
  loss: { values: 1, apply: (d, [v], n) => { d.lossProbability = probability(v!, n); } },
  quiet: { values: 0, apply: (d) => { d.quiet = true; } },
};

/** The option names, for the usage text. */
export const RUN_OPTION_NAMES: readonly string[] = Object.keys(OPTIONS);

export function parseRunArgs(args: readonly string[]): RunArgsResult {
  const draft: Draft = { ...DEFAULT_RUN_OPTIONS, variables: new Map(), injectionFiles: [] };
  const positional: string[] = [];
  try {
    for (let i = 0; i < args.length; i++) {
      const arg = args[i]!;
      if (!arg.startsWith('-') || arg === '-') {
        positional.push(arg);
        continue;
      }
      const name = arg.replace(/^--?/, '');
      const spec = OPTIONS[name];
      if (spec === undefined) throw new ArgError(`unknown option ${arg}`);
      const values = args.slice(i + 1, i + 1 + spec.values);
      if (values.length < spec.values) throw new ArgError(`option ${arg} needs ${spec.values === 2 ? 'two values' : 'a value'}`);
      spec.apply(draft, values, arg);
      i += spec.values;
    }
    if (draft.file === undefined) draft.file = positional.shift();
    if (draft.file === undefined) throw new ArgError('the scenario FILE is missing');
    if (positional.length > 1) throw new ArgError(`unexpected argument ${positional[1]}`);
    if (positional.length === 1) draft.target = hostPort(positional[0]!);
    if (draft.lossProbability !== undefined && !draft.sim) throw new ArgError('--loss works only with --sim');
  } catch (error) {
    if (error instanceof ArgError) return { ok: false, message: error.message };
    throw error;
  }
  return { ok: true, options: draft as RunOptions };
}

function transportMode(v: string): 'udp' | 'tcp' {
  if (v === 'u1') return 'udp';
  if (v === 't1') return 'tcp';
  throw new ArgError(`-t ${v} is not supported (use u1 for one UDP socket or t1 for one TCP socket)`);
}

function integer(v: string, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new ArgError(`${name}: expected an integer from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`}, got "${v}"`);
  return Number(v);
}

function positive(v: string, name: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n <= 0) throw new ArgError(`${name}: expected a positive number, got "${v}"`);
  return n;
}

function probability(v: string, name: string): number {
  const n = Number(v);
  if (v.trim() === '' || !(n >= 0 && n <= 1)) throw new ArgError(`${name}: expected a probability from 0 to 1, got "${v}"`);
  return n;
}

const UNITS_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** SIPp times: a number with an optional unit ms, s, m or h; `defaultUnit` when there is none. */
function time(v: string, name: string, defaultUnit: 'ms' | 's', mustBePositive = false): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(v.trim());
  if (!match) throw new ArgError(`${name}: expected a time like 500, 500ms, 2s or 1m, got "${v}"`);
  const ms = Number(match[1]) * UNITS_MS[match[2] ?? defaultUnit]!;
  if (mustBePositive && ms <= 0) throw new ArgError(`${name}: must be more than zero, got "${v}"`);
  return ms;
}

function ipLiteral(v: string, name: string): string {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(v) || (v.includes(':') && /^[0-9a-fA-F:.]+$/.test(v))) return v;
  throw new ArgError(`${name}: expected an IPv4 or IPv6 address, got "${v}"`);
}

/** `host:port`, `[v6]:port`, or a bare host (port 5060). */
function hostPort(v: string): SocketAddress {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(v);
  const v4 = /^([^:[\]]+)(?::(\d+))?$/.exec(v);
  const match = v6 ?? v4;
  if (!match) throw new ArgError(`TARGET: expected HOST:PORT, got "${v}"`);
  const host = match[1]!;
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(host) && !host.includes(':')) {
    throw new ArgError(`TARGET: "${host}" must be an IP address (names are not resolved)`);
  }
  return { host, port: match[2] === undefined ? 5060 : integer(match[2], 'TARGET port', 1, 65535) };
}

/** SIPp's `-default_behaviors all|none|bye,abortunexp,pingreply,cseq`, with `-name` to remove one. */
function behaviors(v: string, name: string, start: DefaultBehaviors): DefaultBehaviors {
  let b: Mutable<DefaultBehaviors> = { ...start };
  for (const raw of v.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const on = !raw.startsWith('-');
    const word = raw.replace(/^-/, '');
    switch (word) {
      case 'all': b = { bye: on, abortUnexpected: on, autoAnswer: on }; break;
      case 'none': b = { bye: false, abortUnexpected: false, autoAnswer: false }; break;
      case 'bye': b.bye = on; break;
      case 'abortunexp': b.abortUnexpected = on; break;
      case 'pingreply': b.autoAnswer = on; break;
      case 'cseq': break; // SIPp's CSeq check of ACK/CANCEL: our matching always checks it.
      default: throw new ArgError(`${name}: unknown behaviour "${word}" (all, none, bye, abortunexp, pingreply, cseq)`);
    }
  }
  return b;
}
