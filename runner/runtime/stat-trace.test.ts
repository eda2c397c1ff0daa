/** Tests of the -trace_stat file writer and SIPp's trace file names. */
import t from 'tap';
import { defaultTraceFile, perAgentFile, StatTrace } from './stat-trace';
import { fixtureStats } from '../report/test-fixtures';

t.test('trace file names follow SIPp, with the agent added for multi-agent runs', async (t) => {
  t.equal(defaultTraceFile('/x/flows/basic-call.yaml', 123, '.csv'), 'basic-call_123_.csv');
  t.equal(defaultTraceFile('uac.xml', 7, 'errors.log'), 'uac_7_errors.log');
  t.equal(perAgentFile('s.csv', 'uac', 1), 's.csv');
  t.equal(perAgentFile('dir.v2/s.csv', 'uas', 2), 'dir.v2/s_uas.csv');
  t.equal(perAgentFile('dir.v2/stats', 'uas', 2), 'dir.v2/stats_uas');
});

t.test('a stat trace writes the header, then one row per call of row()', async (t) => {
  const files = new Map<string, string>();
  let wall = 1_000_000;
  const io = {
    writeFile: (p: string, text: string) => { files.set(p, text); },
    appendFile: (p: string, text: string) => { files.set(p, (files.get(p) ?? '') + text); },
    wallNowMs: () => wall,
  };
  const stats = fixtureStats();
  const trace = new StatTrace('s.csv', stats, 10, io, wall, 0);
  trace.row(0);
  stats.successfulCalls += 3;
  wall += 1000;
  trace.row(1000);
  const lines = files.get('s.csv')!.trimEnd().split('\n');
  t.equal(lines.length, 3);
  const header = lines[0]!.split(';');
  const cell = (line: string, name: string): string => line.split(';')[header.indexOf(name)]!;
  t.equal(cell(lines[1]!, 'SuccessfulCall(C)'), '10');
  t.equal(cell(lines[2]!, 'SuccessfulCall(P)'), '3', 'periodic since the previous row');
  t.equal(cell(lines[2]!, 'SuccessfulCall(C)'), '13');
  t.equal(cell(lines[2]!, 'ElapsedTime(C)'), '00:00:01');
});
