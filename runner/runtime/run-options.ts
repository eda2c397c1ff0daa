/** What one `b2bkit run` is asked to do: the scenario file plus SIPp's load, timing, trace and behaviour options (ecosystem.md §2.7). */
import type { SocketAddress } from '../../engine/ports/transport';
import type { DefaultBehaviors } from '../exec/agent-runner-api';

export interface RunOptions {
  readonly file: string;
  /** TARGET_HOST:PORT: the remote of agents without an agent target. */
  readonly target?: SocketAddress;
  /** -t u1 | t1; undefined: each agent's own preference, else UDP. */
  readonly transport?: 'udp' | 'tcp';
  /** -i (default 127.0.0.1). */
  readonly localIp: string;
  /** -p: the first agent's port; undefined: 5060 for a uas, 0 (any) for a uac. */
  readonly localPort?: number;
  /** -mi / -mp: `[media_ip]` / `[media_port]` (defaults: -i and 6000 like SIPp). */
  readonly mediaIp?: string;
  readonly mediaPort: number;
  /** -r / -rp / -l / -m. */
  readonly rate: number;
  readonly ratePeriodMs: number;
  readonly limit?: number;
  readonly maxCalls?: number;
  /** -d (ms), -s. */
  readonly defaultPauseMs: number;
  readonly service: string;
  /** -inf FILE (repeatable). */
  readonly injectionFiles: readonly string[];
  /** -set NAME VALUE (repeatable). */
  readonly variables: ReadonlyMap<string, string>;
  /** -nr, -max_retrans / -max_invite_retrans / -max_non_invite_retrans, -T2. */
  readonly noRetrans: boolean;
  readonly maxInviteRetrans: number;
  readonly maxNonInviteRetrans: number;
  readonly t1Ms: number;
  readonly t2Ms: number;
  /** -recv_timeout (ms), -timeout (global), -timeout_error. */
  readonly recvTimeoutMs?: number;
  readonly globalTimeoutMs?: number;
  readonly timeoutError: boolean;
  /** -trace_stat, -stf FILE, -fd (period). */
  readonly traceStat: boolean;
  readonly statFile?: string;
  readonly statPeriodMs: number;
  /** -trace_err, -error_file FILE. */
  readonly traceErr: boolean;
  readonly errorFile?: string;
  /** -bind_local: accepted; sockets always bind to -i here. */
  readonly bindLocal: boolean;
  /** -default_behaviors and -aa. */
  readonly behaviors: DefaultBehaviors;
  /** -cid_str. */
  readonly callIdPattern?: string;
  /** --agent NAME: run only this agent of a multi-agent file. */
  readonly agent?: string;
  /** --sim, --seed N, --loss P. */
  readonly sim: boolean;
  readonly seed: number;
  readonly lossProbability?: number;
  /** --quiet: no progress line. */
  readonly quiet: boolean;
}

export const DEFAULT_RUN_OPTIONS: Omit<RunOptions, 'file'> = {
  localIp: '127.0.0.1',
  mediaPort: 6000,
  rate: 10,
  ratePeriodMs: 1000,
  defaultPauseMs: 0,
  service: 'service',
  injectionFiles: [],
  variables: new Map(),
  noRetrans: false,
  maxInviteRetrans: 5,
  maxNonInviteRetrans: 7,
  t1Ms: 500,
  t2Ms: 4000,
  timeoutError: false,
  traceStat: false,
  statPeriodMs: 60_000,
  traceErr: false,
  bindLocal: false,
  behaviors: { bye: true, abortUnexpected: true, autoAnswer: false },
  sim: false,
  seed: 1,
  quiet: false,
};
