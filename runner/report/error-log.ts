/** The error log (SIPp -trace_err): one entry per unexpected message or failed check, with the offending message indented below. */
import type { ErrorLogEntry } from '../model/stats';

/** One entry; `startMs` is the run's start on the same clock as `entry.atMs`. */
export function formatErrorEntry(entry: ErrorLogEntry, startMs: number): string {
  const at = ((entry.atMs - startMs) / 1000).toFixed(3).padStart(9);
  const head = `[${at} s] ${entry.agent} call ${entry.callId} step ${entry.stepIndex}: ${entry.reason}: ${entry.detail}`;
  if (entry.message === undefined) return head;
  const body = entry.message.replace(/\r\n/g, '\n').replace(/\n+$/, '').split('\n').map((line) => `    ${line}`);
  return [head, ...body].join('\n');
}

/** The whole log, entries in order, each followed by an empty line. */
export function formatErrorLog(entries: readonly ErrorLogEntry[], startMs: number): string {
  return entries.map((e) => `${formatErrorEntry(e, startMs)}\n\n`).join('');
}

/** The report's summary: how many entries, and the first `shown` of them. */
export function formatErrorSummary(entries: readonly ErrorLogEntry[], startMs: number, shown = 5): string {
  if (entries.length === 0) return 'Error log: empty';
  const head = `Error log: ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}${entries.length > shown ? ` (first ${shown} shown)` : ''}`;
  return [head, ...entries.slice(0, shown).map((e) => formatErrorEntry(e, startMs))].join('\n');
}
