/** A small line logger implementing the Logger port: `time LEVEL message key=value …`, filtered by `log_level`. */
import type { LogFields, LogLevel, Logger } from '../ports/logger';

const RANK: Readonly<Record<LogLevel, number>> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50 };

export interface ConsoleLoggerOptions {
  readonly level: LogLevel;
  /** Where lines go (default: stderr). */
  readonly write?: (line: string) => void;
  /** Leave out the timestamp (tests). */
  readonly timestamps?: boolean;
}

export function createConsoleLogger(options: ConsoleLoggerOptions): Logger {
  const write = options.write ?? ((line: string) => { process.stderr.write(line); });
  return make(RANK[options.level], write, options.timestamps ?? true, {});
}

function make(min: number, write: (line: string) => void, timestamps: boolean, bound: LogFields): Logger {
  const emit = (level: LogLevel) => (fields: LogFields, message: string): void => {
    if (RANK[level] < min) return;
    const parts: string[] = [];
    if (timestamps) parts.push(new Date().toISOString());
    parts.push(level.toUpperCase().padEnd(5), message);
    for (const [key, value] of Object.entries({ ...bound, ...fields })) {
      if (value === undefined) continue;
      const text = String(value);
      parts.push(`${key}=${/[\s"=]/.test(text) || text === '' ? JSON.stringify(text) : text}`);
    }
    write(`${parts.join(' ')}\n`);
  };
  return {
    trace: emit('trace'),
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    child: (fields) => make(min, write, timestamps, { ...bound, ...fields }),
  };
}
