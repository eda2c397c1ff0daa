/** A frozen copy of an agent's counters at one instant, so periodic (P) values are "now minus the last snapshot" like SIPp's. */
import { FAILURE_REASONS, type AgentStats, type FailureReason } from '../model/stats';
import { momentsOf, type Moments } from './duration-format';

export interface StatsSnapshot {
  readonly atMs: number;
  readonly incomingCalls: number;
  readonly outgoingCalls: number;
  readonly totalCallsCreated: number;
  readonly successfulCalls: number;
  readonly failedCalls: number;
  readonly failures: Readonly<Record<FailureReason, number>>;
  readonly outOfCallMessages: number;
  readonly retransmissions: number;
  readonly autoAnswered: number;
  readonly counters: ReadonlyMap<string, number>;
  readonly responseTimes: ReadonlyMap<string, Moments>;
  readonly callLength: Moments;
}

export function snapshotStats(stats: AgentStats, atMs: number): StatsSnapshot {
  const failures = {} as Record<FailureReason, number>;
  for (const reason of FAILURE_REASONS) failures[reason] = stats.failures[reason];
  return {
    atMs,
    incomingCalls: stats.incomingCalls,
    outgoingCalls: stats.outgoingCalls,
    totalCallsCreated: stats.totalCallsCreated,
    successfulCalls: stats.successfulCalls,
    failedCalls: stats.failedCalls,
    failures,
    outOfCallMessages: stats.outOfCallMessages,
    retransmissions: stats.retransmissions,
    autoAnswered: stats.autoAnswered,
    counters: new Map(stats.counters),
    responseTimes: new Map([...stats.responseTimes].map(([name, d]) => [name, momentsOf(d)])),
    callLength: momentsOf(stats.callLength),
  };
}
