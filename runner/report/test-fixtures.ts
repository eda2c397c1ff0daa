/** Hand-built scenario and stats for the report tests (the executor's own stats factory is not needed to test formatting). */
import type { AgentScenario, Step } from '../model/scenario';
import { FAILURE_REASONS, type AgentStats, type DurationStats, type FailureReason } from '../model/stats';

const at = { file: 'basic.yaml', line: 1 };

export function fixtureScenario(): AgentScenario {
  const steps: Step[] = [
    { kind: 'send', location: at, message: 'INVITE sip:[service]@[remote_ip] SIP/2.0\nVia: x\n\n', startRtd: ['1'] },
    { kind: 'recv', location: at, match: { kind: 'response', code: 100 }, optional: true, actions: [] },
    { kind: 'recv', location: at, match: { kind: 'response', code: 200 }, optional: false, actions: [], rtd: ['1'] },
    { kind: 'send', location: at, message: 'ACK sip:x SIP/2.0\n\n' },
    { kind: 'pause', location: at, duration: { kind: 'default' } },
    { kind: 'send', location: at, message: 'BYE sip:x SIP/2.0\n\n' },
    { kind: 'recv', location: at, match: { kind: 'response', code: 200 }, optional: false, actions: [], crlf: true },
    { kind: 'nop', location: at, actions: [], hide: true },
  ];
  return { name: 'uac', role: 'uac', location: at, steps, labels: new Map(), globalVariables: [], userVariables: [], referenceVariables: [] };
}

export function durationStats(limitsMs: readonly number[], samplesMs: readonly number[]): DurationStats {
  const d: DurationStats = { count: 0, sumMs: 0, sumSquaresMs: 0, minMs: Infinity, maxMs: -Infinity, limitsMs, bucketCounts: limitsMs.map(() => 0).concat(0) };
  for (const ms of samplesMs) {
    d.count++;
    d.sumMs += ms;
    d.sumSquaresMs += ms * ms;
    d.minMs = Math.min(d.minMs, ms);
    d.maxMs = Math.max(d.maxMs, ms);
    const i = limitsMs.findIndex((l) => ms < l);
    d.bucketCounts[i < 0 ? limitsMs.length : i]!++;
  }
  return d;
}

export function fixtureStats(overrides: Partial<Record<FailureReason, number>> = {}): AgentStats {
  const failures = {} as Record<FailureReason, number>;
  for (const r of FAILURE_REASONS) failures[r] = overrides[r] ?? 0;
  const failed = Object.values(failures).reduce((a, b) => a + b, 0);
  return {
    agent: 'uac', startMs: 0,
    incomingCalls: 0, outgoingCalls: 10, totalCallsCreated: 10, currentCalls: 0,
    successfulCalls: 10 - failed, failedCalls: failed, failures,
    outOfCallMessages: 1, retransmissions: 2, autoAnswered: 0,
    steps: [
      { messages: 10, retransmissions: 2, timeouts: 0, unexpected: 0, lost: 0 },
      { messages: 7, retransmissions: 0, timeouts: 0, unexpected: 0, lost: 0 },
      { messages: 10, retransmissions: 0, timeouts: 0, unexpected: 1, lost: 0 },
      { messages: 10, retransmissions: 0, timeouts: 0, unexpected: 0, lost: 0 },
      { messages: 10, retransmissions: 0, timeouts: 0, unexpected: 0, lost: 0 },
      { messages: 10, retransmissions: 0, timeouts: 0, unexpected: 0, lost: 0 },
      { messages: 10, retransmissions: 0, timeouts: 0, unexpected: 0, lost: 0 },
      { messages: 10, retransmissions: 0, timeouts: 0, unexpected: 0, lost: 0 },
    ],
    responseTimes: new Map([['1', durationStats([10, 20], [5, 5, 15, 30])]]),
    callLength: durationStats([100, 1000], [50, 150, 150, 2000]),
    counters: new Map([['answered', 10]]),
  };
}
