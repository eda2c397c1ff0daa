/** Parser limits (DESIGN.md: every limit lives in config with a unit and is validated at start-up); RFC 3261 §18.1.1 sizes. */

export interface ParseLimits {
  /** Largest whole message accepted, header section plus body. */
  readonly maxMessageBytes: number;
  /** Most header lines (after unfolding) in one message. */
  readonly maxHeaderCount: number;
  /** Longest single header line (after unfolding), counted in characters of the decoded header section. */
  readonly maxLineBytes: number;
}

export const defaultParseLimits: ParseLimits = Object.freeze({
  maxMessageBytes: 65535,
  maxHeaderCount: 256,
  maxLineBytes: 8192,
});

export interface ParseLimitsError {
  readonly code: 'bad-parse-limit';
  readonly field: keyof ParseLimits;
  readonly reason: string;
}

const BOUNDS: Readonly<Record<keyof ParseLimits, readonly [number, number]>> = {
  maxMessageBytes: [512, 16 * 1024 * 1024],
  maxHeaderCount: [8, 100_000],
  maxLineBytes: [128, 16 * 1024 * 1024],
};

/** Errors in a limits object (empty when valid): each must be an integer within its bounds. */
export function validateParseLimits(limits: Partial<ParseLimits>): ParseLimitsError[] {
  const errors: ParseLimitsError[] = [];
  for (const field of Object.keys(BOUNDS) as (keyof ParseLimits)[]) {
    const value = limits[field];
    if (value === undefined) continue;
    const [min, max] = BOUNDS[field];
    if (!Number.isInteger(value) || value < min || value > max) {
      errors.push({ code: 'bad-parse-limit', field, reason: `${field} must be an integer from ${min} to ${max}, got ${String(value)}` });
    }
  }
  return errors;
}

/** Fills in defaults; does not validate (call validateParseLimits at start-up). */
export function resolveParseLimits(limits: Partial<ParseLimits> | undefined): ParseLimits {
  if (limits === undefined) return defaultParseLimits;
  return {
    maxMessageBytes: limits.maxMessageBytes ?? defaultParseLimits.maxMessageBytes,
    maxHeaderCount: limits.maxHeaderCount ?? defaultParseLimits.maxHeaderCount,
    maxLineBytes: limits.maxLineBytes ?? defaultParseLimits.maxLineBytes,
  };
}
