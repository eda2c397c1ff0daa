/** One agent's run statistics with SIPp's counter names (ecosystem.md §2.8): creation and the small updates the executor makes. */
import type { Step } from '../model/scenario';
import { FAILURE_REASONS, type AgentStats, type DurationStats, type FailureReason, type StepCounts } from '../model/stats';

/** SIPp's default repartition limits when a scenario declares none. */
const DEFAULT_RTD_LIMITS_MS: readonly number[] = [10, 20, 30, 40, 50, 100, 150, 200];
const DEFAULT_CALL_LENGTH_LIMITS_MS: readonly number[] = [10, 50, 100, 500, 1000, 5000, 10000];

export function createDurationStats(limitsMs: readonly number[]): DurationStats {
  return {
    count: 0, sumMs: 0, sumSquaresMs: 0, minMs: 0, maxMs: 0,
    limitsMs: [...limitsMs], bucketCounts: new Array<number>(limitsMs.length + 1).fill(0),
  };
}

export function recordDuration(stats: DurationStats, ms: number): void {
  if (stats.count === 0 || ms < stats.minMs) stats.minMs = ms;
  if (stats.count === 0 || ms > stats.maxMs) stats.maxMs = ms;
  stats.count++;
  stats.sumMs += ms;
  stats.sumSquaresMs += ms * ms;
  const limits = stats.limitsMs;
  let bucket = 0;
  while (bucket < limits.length && ms >= (limits[bucket] as number)) bucket++;
  stats.bucketCounts[bucket] = (stats.bucketCounts[bucket] as number) + 1;
}

export function createAgentStats(
  agent: string,
  steps: readonly Step[],
  startMs: number,
  rtdLimits?: readonly number[],
  callLengthLimits?: readonly number[],
): AgentStats {
  const failures = {} as Record<FailureReason, number>;
  for (const reason of FAILURE_REASONS) failures[reason] = 0;
  const stepCounts: StepCounts[] = steps.map(() => ({ messages: 0, retransmissions: 0, timeouts: 0, unexpected: 0, lost: 0 }));
  const responseTimes = new Map<string, DurationStats>();
  const rtdLimitsMs = rtdLimits ?? DEFAULT_RTD_LIMITS_MS;
  // Every timer a step names exists from the start, so reports show a zero row rather than nothing.
  for (const step of steps) {
    for (const name of [...(step.startRtd ?? []), ...(step.rtd ?? [])]) {
      if (!responseTimes.has(name)) responseTimes.set(name, createDurationStats(rtdLimitsMs));
    }
  }
  const counters = new Map<string, number>();
  for (const step of steps) if (step.counter !== undefined) counters.set(step.counter, 0);
  return {
    agent, startMs,
    incomingCalls: 0, outgoingCalls: 0, totalCallsCreated: 0, currentCalls: 0,
    successfulCalls: 0, failedCalls: 0, failures,
    outOfCallMessages: 0, retransmissions: 0, autoAnswered: 0,
    steps: stepCounts, responseTimes,
    callLength: createDurationStats(callLengthLimits ?? DEFAULT_CALL_LENGTH_LIMITS_MS),
    counters,
  };
}

/** The response-time stats for `name`, created with the agent's limits on first use. */
export function responseTimeStats(stats: AgentStats, name: string): DurationStats {
  let entry = stats.responseTimes.get(name);
  if (entry === undefined) {
    const any = stats.responseTimes.values().next();
    entry = createDurationStats(any.done === true ? DEFAULT_RTD_LIMITS_MS : any.value.limitsMs);
    stats.responseTimes.set(name, entry);
  }
  return entry;
}
