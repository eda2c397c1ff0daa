/** Tests of the whole final report of a run. */
import t from 'tap';
import { formatRunReport } from './run-report';
import { fixtureScenario, fixtureStats } from './test-fixtures';

t.test('the run report puts step table, statistics, repartitions, error summary and result together', async (t) => {
  const text = formatRunReport({
    scenarioName: 'basic call',
    agents: [{ scenario: fixtureScenario(), stats: fixtureStats({ FailedUnexpectedMessage: 1 }) }],
    errors: [], startMs: 1000, endMs: 3000, defaultPauseMs: 0, exitCode: 1, trailer: ['digest: abc'],
  });
  t.match(text, /- Scenario basic call · agent uac \(uac\) -/);
  t.match(text, /INVITE ---------->/);
  t.match(text, /Elapsed Time {11}\| 00:00:02:000000/);
  t.match(text, /Average Response Time Repartition 1/);
  t.match(text, /Average Call Length Repartition/);
  t.match(text, /Error log: empty/);
  t.match(text, /Result: 10 calls created, 9 successful, 1 failed · exit code 1\ndigest: abc\n$/);
});
