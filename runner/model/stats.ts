/** Run statistics with SIPp's names (ecosystem.md §2.8): counters, per-step counts, timings. */

/** Why a call failed, with SIPp's counter names. */
export type FailureReason =
  | 'FailedCannotSendMessage' | 'FailedMaxUDPRetrans' | 'FailedUnexpectedMessage' | 'FailedCallRejected'
  | 'FailedCmdNotSent' | 'FailedRegexpDoesntMatch' | 'FailedRegexpShouldntMatch' | 'FailedRegexpHdrNotFound'
  | 'FailedOutboundCongestion' | 'FailedTimeoutOnRecv' | 'FailedTimeoutOnSend' | 'FailedAssertion';

export const FAILURE_REASONS: readonly FailureReason[] = [
  'FailedCannotSendMessage', 'FailedMaxUDPRetrans', 'FailedUnexpectedMessage', 'FailedCallRejected',
  'FailedCmdNotSent', 'FailedRegexpDoesntMatch', 'FailedRegexpShouldntMatch', 'FailedRegexpHdrNotFound',
  'FailedOutboundCongestion', 'FailedTimeoutOnRecv', 'FailedTimeoutOnSend', 'FailedAssertion',
];

/** Counts for one step, as SIPp's scenario screen shows them. */
export interface StepCounts {
  /** Messages sent (send) or received and matched (recv); pauses and nops count executions. */
  messages: number;
  retransmissions: number;
  timeouts: number;
  /** Messages that arrived while the call waited on this step and matched nothing. */
  unexpected: number;
  /** Sends dropped on purpose (`lost`). */
  lost: number;
}

/** Running distribution of durations: count, sum, sum of squares, and repartition buckets. */
export interface DurationStats {
  count: number;
  sumMs: number;
  sumSquaresMs: number;
  minMs: number;
  maxMs: number;
  /** Bucket upper limits (ms) and the counts for each; the last count is "above the last limit". */
  readonly limitsMs: readonly number[];
  readonly bucketCounts: number[];
}

/** One agent's statistics; the executor mutates it, reports read it. */
export interface AgentStats {
  readonly agent: string;
  /** Clock ms when the run started (the run's own clock: virtual in the simulator). */
  readonly startMs: number;
  incomingCalls: number;
  outgoingCalls: number;
  totalCallsCreated: number;
  currentCalls: number;
  successfulCalls: number;
  failedCalls: number;
  readonly failures: Record<FailureReason, number>;
  outOfCallMessages: number;
  retransmissions: number;
  autoAnswered: number;
  /** Indexed like the agent's steps. */
  readonly steps: StepCounts[];
  /** Response-time timers by name (`rtd`). */
  readonly responseTimes: Map<string, DurationStats>;
  readonly callLength: DurationStats;
  /** Scenario counters (`counter` attribute). */
  readonly counters: Map<string, number>;
}

/** One line of the error log: an unexpected message or a failed check, with the message text. */
export interface ErrorLogEntry {
  readonly atMs: number;
  readonly agent: string;
  readonly callId: string;
  readonly stepIndex: number;
  readonly reason: FailureReason;
  readonly detail: string;
  /** The offending message as received, when there is one. */
  readonly message?: string;
}

/** SIPp's exit codes (ecosystem.md §2.8). */
export const EXIT_ALL_SUCCEEDED = 0;
export const EXIT_SOME_FAILED = 1;
export const EXIT_INTERNAL_OR_TIMEOUT = 97;
export const EXIT_NO_CALLS = 99;
export const EXIT_FATAL = 255; // SIPp's -1
export const EXIT_BIND_FAILED = 254; // SIPp's -2

export function exitCodeFor(stats: readonly AgentStats[], globalTimeout: boolean): number {
  if (globalTimeout) return EXIT_INTERNAL_OR_TIMEOUT;
  const created = stats.reduce((n, s) => n + s.totalCallsCreated, 0);
  if (created === 0) return EXIT_NO_CALLS;
  return stats.some((s) => s.failedCalls > 0) ? EXIT_SOME_FAILED : EXIT_ALL_SUCCEEDED;
}
