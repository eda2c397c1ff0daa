/** Number formatting shared by the reports: SIPp's `HH:MM:SS:uuuuuu` durations, mean and standard deviation of a DurationStats. */
import type { DurationStats } from '../model/stats';

/** SIPp's duration form `HH:MM:SS:uuuuuu` (hours, minutes, seconds, microseconds). */
export function formatDurationUs(ms: number): string {
  const totalUs = Math.max(0, Math.round(ms * 1000));
  const us = totalUs % 1_000_000;
  const totalS = Math.floor(totalUs / 1_000_000);
  return `${hms(totalS)}:${String(us).padStart(6, '0')}`;
}

/** SIPp's elapsed-time form in the statistics CSV: `HH:MM:SS`. */
export function formatElapsed(ms: number): string {
  return hms(Math.floor(Math.max(0, ms) / 1000));
}

function hms(totalS: number): string {
  const h = Math.floor(totalS / 3600);
  const m = Math.floor((totalS % 3600) / 60);
  const s = totalS % 60;
  return `${pad2(h)}:${pad2(m)}:${pad2(s)}`;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** Count, sum and sum of squares: enough for mean and stdev, and subtractable for periodic values. */
export interface Moments {
  readonly count: number;
  readonly sumMs: number;
  readonly sumSquaresMs: number;
}

export function meanMs(m: Moments): number {
  return m.count === 0 ? 0 : m.sumMs / m.count;
}

/** Population standard deviation, as SIPp prints it. */
export function stdevMs(m: Moments): number {
  if (m.count === 0) return 0;
  const mean = m.sumMs / m.count;
  return Math.sqrt(Math.max(0, m.sumSquaresMs / m.count - mean * mean));
}

/** The moments accumulated since `before` (periodic values). */
export function momentsSince(now: Moments, before: Moments | undefined): Moments {
  if (before === undefined) return { count: now.count, sumMs: now.sumMs, sumSquaresMs: now.sumSquaresMs };
  return { count: now.count - before.count, sumMs: now.sumMs - before.sumMs, sumSquaresMs: now.sumSquaresMs - before.sumSquaresMs };
}

export function momentsOf(d: DurationStats): Moments {
  return { count: d.count, sumMs: d.sumMs, sumSquaresMs: d.sumSquaresMs };
}

/** Milliseconds with up to three decimals and no trailing zeros, for the text report. */
export function formatMs(ms: number): string {
  return `${Number(ms.toFixed(3))} ms`;
}
