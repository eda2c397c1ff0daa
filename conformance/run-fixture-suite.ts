/**
 * The table-driven tap suite shared by the RFC 4475 and RFC 5118 fixture tests: one subtest per
 * message, a guard on the fixture count, and a closing "N/M as expected" summary.
 */
import type { Test } from 'tap';
import { evaluateCase } from './evaluate-case';
import { loadFixtureSuite } from './fixture-cases';

export interface SuiteRun {
  /** e.g. "RFC 4475". */
  readonly label: string;
  /** The number of messages the RFC defines; written in the test, not read from the YAML, so a lost case fails. */
  readonly expectedCount: number;
}

export function runFixtureSuite(t: Test, dir: string, run: SuiteRun): void {
  const suite = loadFixtureSuite(dir);

  t.test(`${run.label}: every message has a fixture and a case`, async (t) => {
    t.equal(suite.suite, run.label, 'cases.yaml names the suite');
    t.equal(suite.count, run.expectedCount, 'cases.yaml count');
    t.equal(suite.cases.length, run.expectedCount, 'number of cases');
    t.same(suite.orphanMessages, [], '.sip files without a case');
  });

  let asExpected = 0;
  for (const fixture of suite.cases) {
    const label = `${fixture.section} ${fixture.name} (${fixture.expect}): ${fixture.title}`;
    t.test(label, async (t) => {
      const problems = evaluateCase(fixture);
      if (fixture.knownFailure) {
        // Asserted rather than skipped: once the parser is fixed this fails, and the entry must go.
        t.not(problems.length, 0, `known failure still fails: ${fixture.knownFailure}`);
        return;
      }
      if (problems.length === 0) asExpected++;
      t.same(problems, [], `${fixture.checks} [${fixture.where}]`);
    });
  }

  t.test(`${run.label}: summary`, async (t) => {
    t.comment(`${run.label}: ${asExpected}/${run.expectedCount} as expected`);
    t.ok(asExpected <= run.expectedCount, 'summary counted each case once');
  });
}
