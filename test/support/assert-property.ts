/**
 * Runs a fast-check property as tap assertions: one that fails with fast-check's report (seed and
 * path to replay) on a counter-example, and one that checks every requested run was executed.
 */
import fc from 'fast-check';

/** The one tap assertion used, typed loosely enough for any tap Test object. */
interface TapAsserts {
  equal(found: unknown, wanted: unknown, message: string): unknown;
}

const DEFAULT_RUNS = 100;

export async function assertProperty<Ts>(
  t: TapAsserts,
  property: fc.IRawProperty<Ts>,
  params: fc.Parameters<Ts> | undefined,
  what: string,
): Promise<void> {
  const details = await fc.check(property, params);
  t.equal(details.failed, false, details.failed ? (fc.defaultReportMessage(details) ?? what) : what);
  t.equal(details.numRuns, params?.numRuns ?? DEFAULT_RUNS, `${what}: every run executed`);
}
