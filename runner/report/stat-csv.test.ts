/** Tests of the -trace_stat CSV: SIPp column names, (P)/(C) values, time cells. */
import t from 'tap';
import { statCsvHeader, statCsvRow, wallTime } from './stat-csv';
import { snapshotStats } from './stats-snapshot';
import { fixtureStats } from './test-fixtures';

t.test('the header has SIPp\'s column names in (P)/(C) form with a trailing delimiter', async (t) => {
  const header = statCsvHeader(fixtureStats());
  t.ok(header.startsWith('StartTime;LastResetTime;CurrentTime;ElapsedTime(P);ElapsedTime(C);TargetRate;CallRate(P);CallRate(C);IncomingCall(P);IncomingCall(C);OutgoingCall(P);OutgoingCall(C);TotalCallCreated;CurrentCall;SuccessfulCall(P);SuccessfulCall(C);FailedCall(P);FailedCall(C);FailedCannotSendMessage(P);'));
  for (const col of ['FailedTimeoutOnRecv(C)', 'OutOfCallMsgs(P)', 'Retransmissions(C)', 'AutoAnswered(P)', 'answered(C)',
    'ResponseTime1(P)', 'ResponseTime1StDev(C)', 'CallLength(C)', 'CallLengthStDev(P)',
    'ResponseTimeRepartition1', 'ResponseTimeRepartition1_<10', 'ResponseTimeRepartition1_>=20', 'CallLengthRepartition_<1000', 'CallLengthRepartition_>=1000']) {
    t.ok(header.split(';').includes(col), col);
  }
  t.ok(header.endsWith(';'));
});

t.test('a row has one cell per column; periodic values are differences from the previous snapshot', async (t) => {
  const stats = fixtureStats({ FailedTimeoutOnRecv: 1 });
  const header = statCsvHeader(stats).split(';');
  const before = snapshotStats(stats, 0);
  stats.totalCallsCreated += 5;
  stats.outgoingCalls += 5;
  stats.successfulCalls += 4;
  stats.failedCalls += 1;
  stats.failures.FailedTimeoutOnRecv += 1;
  const row = statCsvRow(stats, before, {
    startWallMs: 1_700_000_000_000, lastResetWallMs: 1_700_000_001_000, nowWallMs: 1_700_000_002_000,
    elapsedMs: 2000, periodMs: 1000, targetRate: 10, utcOffsetMinutes: 0,
  }).split(';');
  t.equal(row.length, header.length, 'same number of cells as columns');
  const cell = (name: string): string => row[header.indexOf(name)]!;
  t.equal(cell('StartTime'), '2023-11-14\t22:13:20.000000\t1700000000.000000');
  t.equal(cell('ElapsedTime(P)'), '00:00:01');
  t.equal(cell('ElapsedTime(C)'), '00:00:02');
  t.equal(cell('CallRate(P)'), '5');
  t.equal(cell('CallRate(C)'), '7.5');
  t.equal(cell('OutgoingCall(P)'), '5');
  t.equal(cell('OutgoingCall(C)'), '15');
  t.equal(cell('SuccessfulCall(P)'), '4');
  t.equal(cell('FailedTimeoutOnRecv(P)'), '1');
  t.equal(cell('FailedTimeoutOnRecv(C)'), '2');
  t.equal(cell('ResponseTime1(P)'), '00:00:00:000000', 'no new samples in the period');
  t.equal(cell('ResponseTime1(C)'), '00:00:00:013750');
  t.equal(cell('ResponseTimeRepartition1_<10'), '2');
  t.equal(cell('CallLengthRepartition_>=1000'), '1');
});

t.test('the first row has cumulative values as periodic ones', async (t) => {
  const stats = fixtureStats();
  const header = statCsvHeader(stats).split(';');
  const row = statCsvRow(stats, undefined, { startWallMs: 0, lastResetWallMs: 0, nowWallMs: 500, elapsedMs: 500, periodMs: 500, targetRate: 10, utcOffsetMinutes: 60 }).split(';');
  t.equal(row[header.indexOf('SuccessfulCall(P)')], '10');
  t.equal(wallTime(1500.25, 60), '1970-01-01\t01:00:01.500250\t1.500250', 'local offset applies to the date, not the epoch');
});
