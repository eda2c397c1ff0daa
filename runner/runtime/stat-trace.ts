/** SIPp -trace_stat on a real run: writes the header and a first row at start, a row every -fd period, and a last row at the end. */
import type { AgentStats } from '../model/stats';
import { statCsvHeader, statCsvRow } from '../report/stat-csv';
import { snapshotStats, type StatsSnapshot } from '../report/stats-snapshot';

export interface StatTraceIo {
  writeFile(path: string, text: string): void;
  appendFile(path: string, text: string): void;
  wallNowMs(): number;
}

export class StatTrace {
  private previous: StatsSnapshot | undefined = undefined;
  private lastWallMs: number;
  private lastRunMs: number;

  constructor(
    private readonly path: string,
    private readonly stats: AgentStats,
    private readonly targetRate: number,
    private readonly io: StatTraceIo,
    private readonly startWallMs: number,
    private readonly startRunMs: number,
  ) {
    this.lastWallMs = startWallMs;
    this.lastRunMs = startRunMs;
    io.writeFile(path, `${statCsvHeader(stats)}\n`);
  }

  /** Appends one row covering the time since the previous row. */
  row(nowRunMs: number): void {
    const nowWallMs = this.io.wallNowMs();
    const line = statCsvRow(this.stats, this.previous, {
      startWallMs: this.startWallMs, lastResetWallMs: this.lastWallMs, nowWallMs,
      elapsedMs: nowRunMs - this.startRunMs, periodMs: nowRunMs - this.lastRunMs, targetRate: this.targetRate,
    });
    this.io.appendFile(this.path, `${line}\n`);
    this.previous = snapshotStats(this.stats, nowRunMs);
    this.lastWallMs = nowWallMs;
    this.lastRunMs = nowRunMs;
  }
}

/** SIPp's default names: `<scenario>_<pid>_.csv` (and `_errors.log`); a multi-agent run adds the agent's name. */
export function defaultTraceFile(scenarioFile: string, pid: number, suffix: '.csv' | 'errors.log'): string {
  const base = scenarioFile.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '');
  return `${base}_${pid}_${suffix}`;
}

export function perAgentFile(path: string, agent: string, agentCount: number): string {
  if (agentCount <= 1) return path;
  const dot = path.lastIndexOf('.');
  return dot > path.lastIndexOf('/') && dot > 0 ? `${path.slice(0, dot)}_${agent}${path.slice(dot)}` : `${path}_${agent}`;
}
