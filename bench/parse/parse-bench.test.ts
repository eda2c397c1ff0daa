/** The parse benchmark's shape (every message × operation, sound figures, the Markdown table); no speed is asserted. */
import t from 'tap';
import { parseBenchMarkdown, runParseBench } from './parse-bench';
import { BENCH_MESSAGES, INVITE } from './bench-messages';
import { parseMessage } from '../../engine/sip';

const tuning = { measure: { warmupMs: 5, rounds: 3, roundMs: 3, allocationSamples: 6, allocationBatch: 10 }, warmIterations: 50 };

t.test('the bench messages are realistic and parse', async (t) => {
  t.ok(INVITE.length >= 850 && INVITE.length <= 1100, `the INVITE is about 900 bytes (${INVITE.length})`);
  for (const { name, bytes } of BENCH_MESSAGES) {
    const parsed = parseMessage(bytes);
    t.ok(parsed.ok, `${name} parses`);
  }
  const invite = parseMessage(INVITE);
  if (invite.ok) {
    t.equal(invite.message.vias.length, 2, 'two Vias');
    t.equal(invite.message.recordRoutes.length, 1, 'a Record-Route');
    t.equal(invite.message.contentType?.value, 'application/sdp');
  }
});

t.test('runParseBench measures 3 messages × 4 operations without writing', async (t) => {
  const result = await runParseBench({ quick: true, write: false, tuning });
  t.equal(result.results.length, 12);
  t.same([...new Set(result.results.map((r) => r.operation))], ['parse', 'parse+read5', 'serialize', 'parse+edit+serialize']);
  t.equal(result.written, undefined, 'nothing written');
  for (const r of result.results) {
    t.ok(r.nsPerOp > 0 && Number.isFinite(r.opsPerSec), `${r.message} ${r.operation} has finite figures`);
  }
  const md = parseBenchMarkdown(result);
  t.match(md, /^# Parser benchmark/);
  t.equal(md.split('\n').filter((l) => l.startsWith('| INVITE+SDP')).length, 4, 'four INVITE rows in the table');
});
