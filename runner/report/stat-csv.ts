/**
 * SIPp's periodic statistics CSV (`-trace_stat`, ecosystem.md §2.8): the same column names with
 * (P)eriodic and (C)umulative forms, `;` delimiter and a trailing delimiter, one row per period.
 */
import { FAILURE_REASONS, type AgentStats, type DurationStats } from '../model/stats';
import { formatDurationUs, formatElapsed, meanMs, momentsOf, momentsSince, stdevMs, type Moments } from './duration-format';
import type { StatsSnapshot } from './stats-snapshot';

export interface StatCsvTimes {
  /** Wall-clock epoch ms of the run start, the last reset (previous row) and now. */
  readonly startWallMs: number;
  readonly lastResetWallMs: number;
  readonly nowWallMs: number;
  /** Run-clock ms: elapsed since the start and since the previous row. */
  readonly elapsedMs: number;
  readonly periodMs: number;
  /** Calls per second the run aims at (SIPp TargetRate). */
  readonly targetRate: number;
  /** Wall time as local time (SIPp prints local time); tests pass a fixed offset. */
  readonly utcOffsetMinutes?: number;
}

const DELIMITER = ';';

/** The header line (no newline): column names depend on the scenario's rtds, counters and repartition limits. */
export function statCsvHeader(stats: AgentStats): string {
  const cols = ['StartTime', 'LastResetTime', 'CurrentTime', ...pc('ElapsedTime'), 'TargetRate', ...pc('CallRate'),
    ...pc('IncomingCall'), ...pc('OutgoingCall'), 'TotalCallCreated', 'CurrentCall', ...pc('SuccessfulCall'), ...pc('FailedCall')];
  for (const reason of FAILURE_REASONS) cols.push(...pc(reason));
  cols.push(...pc('OutOfCallMsgs'), ...pc('Retransmissions'), ...pc('AutoAnswered'));
  for (const name of stats.counters.keys()) cols.push(...pc(name));
  for (const name of stats.responseTimes.keys()) cols.push(...pc(`ResponseTime${name}`), ...pc(`ResponseTime${name}StDev`));
  cols.push(...pc('CallLength'), ...pc('CallLengthStDev'));
  for (const [name, d] of stats.responseTimes) cols.push(...repartitionHeader(`ResponseTimeRepartition${name}`, d));
  cols.push(...repartitionHeader('CallLengthRepartition', stats.callLength));
  return cols.join(DELIMITER) + DELIMITER;
}

/** One data row (no newline); `previous` is the snapshot taken at the previous row (undefined for the first). */
export function statCsvRow(stats: AgentStats, previous: StatsSnapshot | undefined, times: StatCsvTimes): string {
  const offset = times.utcOffsetMinutes ?? -new Date(times.nowWallMs).getTimezoneOffset();
  const p = (now: number, before: number | undefined): [number, number] => [now - (before ?? 0), now];
  const periodCalls = stats.totalCallsCreated - (previous?.totalCallsCreated ?? 0);
  const cells: (string | number)[] = [
    wallTime(times.startWallMs, offset), wallTime(times.lastResetWallMs, offset), wallTime(times.nowWallMs, offset),
    formatElapsed(times.periodMs), formatElapsed(times.elapsedMs), times.targetRate,
    rate(periodCalls, times.periodMs), rate(stats.totalCallsCreated, times.elapsedMs),
    ...p(stats.incomingCalls, previous?.incomingCalls), ...p(stats.outgoingCalls, previous?.outgoingCalls),
    stats.totalCallsCreated, stats.currentCalls,
    ...p(stats.successfulCalls, previous?.successfulCalls), ...p(stats.failedCalls, previous?.failedCalls),
  ];
  for (const reason of FAILURE_REASONS) cells.push(...p(stats.failures[reason], previous?.failures[reason]));
  cells.push(...p(stats.outOfCallMessages, previous?.outOfCallMessages), ...p(stats.retransmissions, previous?.retransmissions),
    ...p(stats.autoAnswered, previous?.autoAnswered));
  for (const [name, value] of stats.counters) cells.push(...p(value, previous?.counters.get(name)));
  for (const [name, d] of stats.responseTimes) cells.push(...timing(momentsOf(d), previous?.responseTimes.get(name)));
  cells.push(...timing(momentsOf(stats.callLength), previous?.callLength));
  for (const d of stats.responseTimes.values()) cells.push(...repartitionCells(d));
  cells.push(...repartitionCells(stats.callLength));
  return cells.join(DELIMITER) + DELIMITER;
}

function pc(name: string): [string, string] {
  return [`${name}(P)`, `${name}(C)`];
}

/** Mean (P), mean (C), stdev (P), stdev (C) in SIPp's column order (ResponseTime(P);(C);StDev(P);(C)). */
function timing(now: Moments, before: Moments | undefined): string[] {
  const periodic = momentsSince(now, before);
  return [formatDurationUs(meanMs(periodic)), formatDurationUs(meanMs(now)), formatDurationUs(stdevMs(periodic)), formatDurationUs(stdevMs(now))];
}

function repartitionHeader(name: string, d: DurationStats): string[] {
  return [name, ...d.limitsMs.map((l) => `${name}_<${l}`), `${name}_>=${d.limitsMs[d.limitsMs.length - 1] ?? 0}`];
}

function repartitionCells(d: DurationStats): (string | number)[] {
  return ['', ...d.limitsMs.map((_, i) => d.bucketCounts[i] ?? 0), d.bucketCounts[d.limitsMs.length] ?? 0];
}

/** SIPp's call rate cells print up to 6 significant digits (`9.80392`). */
function rate(calls: number, ms: number): number {
  return ms <= 0 ? 0 : Number(((calls * 1000) / ms).toPrecision(6));
}

/** SIPp's time cell: `YYYY-MM-DD<TAB>HH:MM:SS.uuuuuu<TAB>epoch.uuuuuu` in local time. */
export function wallTime(epochMs: number, utcOffsetMinutes: number): string {
  const local = new Date(epochMs + utcOffsetMinutes * 60_000);
  const us = Math.round((epochMs % 1000) * 1000) % 1_000_000;
  const date = `${local.getUTCFullYear()}-${p2(local.getUTCMonth() + 1)}-${p2(local.getUTCDate())}`;
  const time = `${p2(local.getUTCHours())}:${p2(local.getUTCMinutes())}:${p2(local.getUTCSeconds())}.${String(us).padStart(6, '0')}`;
  return `${date}\t${time}\t${Math.floor(epochMs / 1000)}.${String(us).padStart(6, '0')}`;
}

function p2(n: number): string {
  return String(n).padStart(2, '0');
}
