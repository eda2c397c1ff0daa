/** Tests of the error log entries, its summary, and the progress line. */
import t from 'tap';
import { formatErrorEntry, formatErrorLog, formatErrorSummary } from './error-log';
import { formatProgressLine } from './progress-line';
import { fixtureStats } from './test-fixtures';
import type { ErrorLogEntry } from '../model/stats';

const entry: ErrorLogEntry = {
  atMs: 2500, agent: 'uac', callId: '7-1@127.0.0.1', stepIndex: 2, reason: 'FailedUnexpectedMessage',
  detail: 'while expecting 200, received BYE', message: 'BYE sip:a SIP/2.0\r\nCall-ID: 7-1@127.0.0.1\r\n\r\n',
};

t.test('an error entry names time, agent, call, step and reason, with the message indented', async (t) => {
  t.equal(formatErrorEntry(entry, 500), [
    '[    2.000 s] uac call 7-1@127.0.0.1 step 2: FailedUnexpectedMessage: while expecting 200, received BYE',
    '    BYE sip:a SIP/2.0',
    '    Call-ID: 7-1@127.0.0.1',
  ].join('\n'));
  const { message: _m, ...noMessage } = entry;
  t.equal(formatErrorEntry(noMessage, 0).split('\n').length, 1);
  t.equal(formatErrorLog([entry, entry], 0).split('\n\n').length, 3);
});

t.test('the summary counts entries and shows the first few', async (t) => {
  t.equal(formatErrorSummary([], 0), 'Error log: empty');
  const text = formatErrorSummary([entry, entry, entry], 0, 2);
  t.match(text, /^Error log: 3 entries \(first 2 shown\)/);
  t.equal(text.match(/FailedUnexpectedMessage/g)?.length, 2);
  t.match(formatErrorSummary([entry], 0), /^Error log: 1 entry\n/);
});

t.test('the progress line sums the agents and gives the current rate', async (t) => {
  const a = fixtureStats();
  const b = { ...fixtureStats({ FailedMaxUDPRetrans: 3 }), currentCalls: 2 };
  t.equal(formatProgressLine([a, b], { elapsedMs: 12_000, createdInPeriod: 150, periodMs: 1500 }),
    '   12.0 s  created 20  live 2  ok 17  failed 3  rate 100.0 cps');
});
