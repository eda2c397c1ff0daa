/** Configuration errors: every problem names where it was written (`file:line` or `--set k=v`) and what is allowed. */

export type ConfigIssueCode =
  | 'yaml-syntax' | 'not-a-map' | 'unknown-key' | 'bad-value' | 'not-supported' | 'bad-override';

export interface ConfigIssue {
  readonly code: ConfigIssueCode;
  /** `path/to/file.yaml:12` or `--set b2b_logic.hash_size=30`. */
  readonly where: string;
  /** Dotted key (`b2b_logic.hash_size`), empty for whole-file problems. */
  readonly key: string;
  readonly message: string;
}

export class ConfigError extends Error {
  readonly code = 'bad-config';
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'ConfigError';
  }
}

export function formatIssue(issue: ConfigIssue): string {
  return `${issue.where}: ${issue.key === '' ? '' : `${issue.key}: `}${issue.message}`;
}
