/** The SIPp-style statistics screen: call counters, failures by reason, response times and call length (mean, stdev, min, max). */
import { FAILURE_REASONS, type AgentStats, type DurationStats } from '../model/stats';
import { formatDurationUs, formatMs, meanMs, momentsOf, stdevMs } from './duration-format';

const RULE = `${'-'.repeat(25)}+${'-'.repeat(27)}+${'-'.repeat(26)}`;

export interface StatisticsScreenOptions {
  /** Run length on the run's own clock (virtual in the simulator). */
  readonly elapsedMs: number;
  /** Wall-clock start for real runs; omitted in the simulator so output stays deterministic. */
  readonly startedAt?: string;
}

/** One agent's counters, SIPp's cumulative column, plus the failure reasons that occurred. */
export function formatStatisticsScreen(stats: AgentStats, options: StatisticsScreenOptions): string {
  const rate = options.elapsedMs > 0 ? (stats.totalCallsCreated * 1000) / options.elapsedMs : 0;
  const lines: string[] = [];
  if (options.startedAt !== undefined) lines.push(`  Start Time             | ${options.startedAt}`);
  lines.push(RULE, `${'  Counter Name'.padEnd(25)}| ${'Cumulative value'.padEnd(26)}|`, RULE);
  lines.push(counter('Elapsed Time', formatDurationUs(options.elapsedMs)));
  lines.push(counter('Call Rate', `${rate.toFixed(3)} cps`), RULE);
  lines.push(counter('Incoming calls created', stats.incomingCalls));
  lines.push(counter('Outgoing calls created', stats.outgoingCalls));
  lines.push(counter('Total Calls created', stats.totalCallsCreated));
  lines.push(counter('Current Calls', stats.currentCalls), RULE);
  lines.push(counter('Successful call', stats.successfulCalls));
  lines.push(counter('Failed call', stats.failedCalls));
  for (const reason of FAILURE_REASONS) {
    if (stats.failures[reason] > 0) lines.push(counter(`  ${reason}`, stats.failures[reason]));
  }
  lines.push(RULE);
  lines.push(counter('Out-of-call messages', stats.outOfCallMessages));
  lines.push(counter('Retransmissions', stats.retransmissions));
  lines.push(counter('Auto-answered', stats.autoAnswered), RULE);
  for (const [name, d] of stats.responseTimes) lines.push(...distributionRows(`Response Time ${name}`, d));
  lines.push(...distributionRows('Call Length', stats.callLength));
  if (stats.counters.size > 0) {
    lines.push(RULE);
    for (const [name, value] of stats.counters) lines.push(counter(`Counter ${name}`, value));
  }
  lines.push(RULE);
  return lines.join('\n');
}

function counter(name: string, value: string | number): string {
  return `  ${name.padEnd(23)}| ${String(value).padEnd(26)}|`;
}

function distributionRows(name: string, d: DurationStats): string[] {
  const m = momentsOf(d);
  if (m.count === 0) return [counter(name, 'no samples')];
  return [
    counter(name, `${formatMs(meanMs(m))} mean`),
    counter('  std deviation', formatMs(stdevMs(m))),
    counter('  min / max', `${formatMs(d.minMs)} / ${formatMs(d.maxMs)}`),
    counter('  samples', d.count),
  ];
}

/** SIPp's repartition screen: one line per bucket, `lo ms <= n < hi ms : count`, the last `n >= last ms`. */
export function formatRepartition(title: string, d: DurationStats): string {
  const lines = [`  ${title}`];
  let low = 0;
  d.limitsMs.forEach((limit, i) => {
    lines.push(`  ${String(low).padStart(10)} ms <= n < ${String(limit).padStart(10)} ms : ${String(d.bucketCounts[i] ?? 0).padStart(10)}`);
    low = limit;
  });
  lines.push(`  ${' '.repeat(17)}n >= ${String(low).padStart(10)} ms : ${String(d.bucketCounts[d.limitsMs.length] ?? 0).padStart(10)}`);
  return lines.join('\n');
}
