/** Tests of the SIPp-style per-step table. */
import t from 'tap';
import { formatStepTable } from './step-table';
import { fixtureScenario, fixtureStats } from './test-fixtures';

t.test('the step table has one SIPp-style row per visible step', async (t) => {
  const text = formatStepTable(fixtureScenario(), fixtureStats().steps, { defaultPauseMs: 0 });
  const lines = text.split('\n');
  t.match(lines[0], /^ {33}Messages {2}Retrans {3}Timeout {3}Unexpected-Msg$/);
  t.equal(lines[1], '      INVITE ---------->  B-RTD1 10        2         0');
  t.equal(lines[2], '        100? <----------         7         0         0         0');
  t.equal(lines[3], '         200 <----------  E-RTD1 10        0         0         1');
  t.equal(lines[4], '         ACK ---------->         10        0         0');
  t.equal(lines[5], '      Pause [      0ms]         10                            0');
  t.equal(lines[6], '         BYE ---------->         10        0         0');
  t.equal(lines[8], '', 'crlf adds an empty line');
  t.equal(lines.length, 9, 'the hidden nop has no row');
});

t.test('a missing stats entry counts as zero and the default pause shows -d', async (t) => {
  const text = formatStepTable(fixtureScenario(), [], { defaultPauseMs: 1500 });
  t.match(text, /Pause \[ {3}1500ms\] +0 +0/);
  t.match(text, /INVITE ---------->  B-RTD1 0 +0 +0/);
});
