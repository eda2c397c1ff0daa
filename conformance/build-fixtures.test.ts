/** The committed .sip fixtures are exactly what their RFC-notation sources decode to. */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { buildSuite, FIXTURE_SUITES } from './build-fixtures';

for (const suite of FIXTURE_SUITES) {
  t.test(`${suite}: every messages/*.sip matches its source`, async (t) => {
    const fixtures = buildSuite(suite);
    t.ok(fixtures.length > 0, `${suite} has sources`);
    const stale = fixtures.filter((f) => Buffer.compare(readFileSync(f.messagePath), Buffer.from(f.bytes)) !== 0).map((f) => f.name);
    t.same(stale, [], 'fixtures differing from their source (run conformance/build-fixtures.ts)');
  });
}

t.test('known sizes from the RFC archive hold (byte-exactness spot checks)', async (t) => {
  const byName = new Map(buildSuite('rfc4475').map((f) => [f.name, f.bytes]));
  t.equal(byName.get('wsinv')?.length, 1001, 'wsinv is 1001 octets');
  const dblreq = Buffer.from(byName.get('dblreq') ?? new Uint8Array());
  t.equal(dblreq.length - (dblreq.indexOf('\r\n\r\n') + 4), 450, 'dblreq carries 450 trailing octets');
  const mpart = Buffer.from(byName.get('mpart01') ?? new Uint8Array());
  t.equal(mpart.length - (mpart.indexOf('\r\n\r\n') + 4), 553, 'mpart01 body matches its Content-Length 553');
});
