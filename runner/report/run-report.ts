/** The final report of a run: per agent the step table, statistics, repartitions; then the error-log summary (SIPp's final screens). */
import type { AgentScenario } from '../model/scenario';
import type { AgentStats, ErrorLogEntry } from '../model/stats';
import { formatErrorSummary } from './error-log';
import { formatStepTable } from './step-table';
import { formatRepartition, formatStatisticsScreen } from './statistics-screen';

export interface RunReportInput {
  readonly scenarioName: string;
  readonly agents: readonly { readonly scenario: AgentScenario; readonly stats: AgentStats }[];
  readonly errors: readonly ErrorLogEntry[];
  /** The run's start and end on its own clock. */
  readonly startMs: number;
  readonly endMs: number;
  readonly defaultPauseMs: number;
  readonly exitCode: number;
  /** Wall-clock start (real runs only). */
  readonly startedAt?: string;
  /** Extra lines at the end (the simulator's digest). */
  readonly trailer?: readonly string[];
}

export function formatRunReport(input: RunReportInput): string {
  const out: string[] = [];
  for (const { scenario, stats } of input.agents) {
    out.push(banner(`Scenario ${input.scenarioName} · agent ${scenario.name} (${scenario.role})`));
    out.push(formatStepTable(scenario, stats.steps, { defaultPauseMs: input.defaultPauseMs }), '');
    out.push(formatStatisticsScreen(stats, {
      elapsedMs: input.endMs - input.startMs,
      ...(input.startedAt !== undefined ? { startedAt: input.startedAt } : {}),
    }), '');
    for (const [name, d] of stats.responseTimes) {
      if (d.count > 0) out.push(formatRepartition(`Average Response Time Repartition ${name}`, d), '');
    }
    if (stats.callLength.count > 0) out.push(formatRepartition('Average Call Length Repartition', stats.callLength), '');
  }
  out.push(formatErrorSummary(input.errors, input.startMs));
  out.push(banner('Test Terminated'));
  out.push(`Result: ${summaryLine(input.agents.map((a) => a.stats))} · exit code ${input.exitCode}`);
  if (input.trailer !== undefined) out.push(...input.trailer);
  return `${out.join('\n')}\n`;
}

function summaryLine(stats: readonly AgentStats[]): string {
  const sum = (f: (s: AgentStats) => number): number => stats.reduce((n, s) => n + f(s), 0);
  return `${sum((s) => s.totalCallsCreated)} calls created, ${sum((s) => s.successfulCalls)} successful, ${sum((s) => s.failedCalls)} failed`;
}

function banner(text: string): string {
  const middle = ` ${text} `;
  const left = Math.max(2, Math.floor((80 - middle.length) / 2));
  return `${'-'.repeat(left)}${middle}${'-'.repeat(Math.max(2, 80 - left - middle.length))}`;
}
