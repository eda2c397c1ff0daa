/**
 * Shared by every benchmark: gathers the machine and build a run was made on, and writes its
 * figures as `reports/bench/<name>.json` plus a short `reports/bench/<name>.md`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, arch, loadavg, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';

export interface BenchEnvironment {
  /** `git rev-parse HEAD`, or null outside a git checkout. */
  readonly gitCommit: string | null;
  /** true when the working tree had uncommitted changes (the figures may not match gitCommit). */
  readonly gitDirty: boolean | null;
  readonly node: string;
  readonly v8: string;
  readonly platform: string;
  readonly arch: string;
  readonly osRelease: string;
  readonly cpuModel: string;
  readonly cpuCount: number;
  readonly totalMemoryMb: number;
  /** os.loadavg()[0] when the run finished: a load above cpuCount means other work shared the CPUs. */
  readonly loadAverage1m: number;
  /** ISO time the run finished. */
  readonly date: string;
}

export const REPORT_DIR = join(__dirname, '..', 'reports', 'bench');

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd: __dirname, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

export function gatherEnvironment(): BenchEnvironment {
  const cpuList = cpus();
  const status = git(['status', '--porcelain', '--untracked-files=no']);
  return {
    gitCommit: git(['rev-parse', 'HEAD']),
    gitDirty: status === null ? null : status.length > 0,
    node: process.version,
    v8: process.versions.v8,
    platform: platform(),
    arch: arch(),
    osRelease: release(),
    cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
    cpuCount: cpuList.length,
    totalMemoryMb: Math.round(totalmem() / 1024 / 1024),
    loadAverage1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    date: new Date().toISOString(),
  };
}

/** A Markdown table; numbers are printed as given, so format them before. */
export function markdownTable(headers: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const line = (cells: ReadonlyArray<string | number>) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/** One line describing the environment, for the top of a Markdown report. */
export function environmentLine(env: BenchEnvironment): string {
  const commit = env.gitCommit ? `${env.gitCommit.slice(0, 12)}${env.gitDirty ? ' (with uncommitted changes)' : ''}` : 'no git commit';
  return `${env.date} · ${commit} · Node ${env.node} · ${env.cpuModel} × ${env.cpuCount} · ${env.platform}/${env.arch} · load ${env.loadAverage1m}`;
}

export interface WrittenReport {
  readonly jsonPath: string;
  readonly mdPath: string;
}

/** Writes `<dir>/<name>.json` (the report object, pretty-printed) and `<dir>/<name>.md`. */
export function writeBenchReport(name: string, report: object, markdown: string, dir: string = REPORT_DIR): WrittenReport {
  if (!/^[a-z0-9_-]+$/.test(name)) throw new Error(`bench report name must be kebab-case or snake_case, got "${name}"`);
  mkdirSync(dir, { recursive: true });
  const jsonPath = join(dir, `${name}.json`);
  const mdPath = join(dir, `${name}.md`);
  writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(mdPath, markdown.endsWith('\n') ? markdown : `${markdown}\n`);
  return { jsonPath, mdPath };
}
