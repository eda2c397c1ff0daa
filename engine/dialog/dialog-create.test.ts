/** Dialog creation as UAS (RFC 3261 §12.1.1) and UAC (§12.1.2), forking and early→confirmed (§13.2.2.4). */
import t from 'tap';
import { formatUri } from '../sip';
import { createUacDialog, createUasDialog, updateUacDialogFromResponse } from './dialog-create';
import { inviteFixture, inviteResponseFixture } from './test-support';

const RR = ['Record-Route: <sip:p1.example;lr>, <sip:p2.example;lr>', 'Record-Route: <sip:p3.example;lr>'];

t.test('UAS dialog from request + our response (§12.1.1)', async (t) => {
  const invite = inviteFixture(['Contact: <sip:alice@192.0.2.1:5070>', ...RR], 7);
  const table: { status: number; state: string }[] = [{ status: 180, state: 'early' }, { status: 200, state: 'confirmed' }];
  for (const row of table) {
    const d = createUasDialog(invite, row.status, { localTag: 'btag', localContact: '<sip:bob@192.0.2.2>' });
    if (d === undefined) throw new Error('no dialog');
    t.equal(d.state, row.state, `${row.status} makes ${row.state}`);
    t.same(d.id, { callId: 'call-1@192.0.2.1', localTag: 'btag', remoteTag: 'atag' });
    t.same(d.routeSet.map((r) => formatUri(r.uri)), ['sip:p1.example;lr', 'sip:p2.example;lr', 'sip:p3.example;lr'], 'route set in Record-Route order');
    t.equal(formatUri(d.remoteTarget), 'sip:alice@192.0.2.1:5070', 'remote target from Contact');
    t.equal(d.remoteSeq, 7, 'remote sequence from CSeq');
    t.equal(d.localSeq, undefined, 'local sequence empty');
    t.equal(d.remoteUri.params.has('tag'), false, 'remote URI kept without tag');
    t.equal(d.role, 'uas');
  }
  t.equal(createUasDialog(inviteFixture(), 200, { localTag: 'b', localContact: 'x' }), undefined, 'no Contact: no dialog');
});

t.test('UAC dialog from our request + response (§12.1.2)', async (t) => {
  const invite = inviteFixture(['Contact: <sip:alice@192.0.2.1>'], 3);
  const table: { status: number; tag: string | undefined; state: string | undefined }[] = [
    { status: 100, tag: 'b1', state: undefined },
    { status: 180, tag: undefined, state: undefined },
    { status: 180, tag: 'b1', state: 'early' },
    { status: 183, tag: 'b2', state: 'early' },
    { status: 200, tag: 'b1', state: 'confirmed' },
    { status: 486, tag: 'b1', state: undefined },
  ];
  for (const row of table) {
    const response = inviteResponseFixture(row.status, row.tag, ['Contact: <sip:bob@192.0.2.9:5080>', ...RR]);
    const d = createUacDialog(invite, response, { localContact: '<sip:alice@192.0.2.1>' });
    t.equal(d?.state, row.state, `${row.status} tag=${row.tag ?? '-'}`);
    if (d === undefined) continue;
    t.same(d.routeSet.map((r) => formatUri(r.uri)), ['sip:p3.example;lr', 'sip:p2.example;lr', 'sip:p1.example;lr'], 'route set reversed');
    t.equal(formatUri(d.remoteTarget), 'sip:bob@192.0.2.9:5080');
    t.equal(d.localSeq, 3);
    t.equal(d.remoteSeq, undefined);
    t.same(d.id, { callId: 'call-1@192.0.2.1', localTag: 'atag', remoteTag: row.tag });
  }
});

t.test('forking: one early dialog per To tag, each with its own key', async (t) => {
  const invite = inviteFixture(['Contact: <sip:alice@192.0.2.1>']);
  const a = createUacDialog(invite, inviteResponseFixture(180, 'x1', ['Contact: <sip:b@192.0.2.5>']), { localContact: 'c' });
  const b = createUacDialog(invite, inviteResponseFixture(180, 'x2', ['Contact: <sip:b@192.0.2.6>']), { localContact: 'c' });
  t.not(a?.key, b?.key);
  t.equal(formatUri(b!.remoteTarget), 'sip:b@192.0.2.6');
});

t.test('2xx confirms an early dialog and recomputes its route set (§13.2.2.4)', async (t) => {
  const invite = inviteFixture(['Contact: <sip:alice@192.0.2.1>']);
  const d = createUacDialog(invite, inviteResponseFixture(180, 'x1', ['Contact: <sip:b@192.0.2.5>', 'Record-Route: <sip:old.example;lr>']), { localContact: 'c' })!;
  updateUacDialogFromResponse(d, inviteResponseFixture(200, 'x1', ['Contact: <sip:b@192.0.2.7>', 'Record-Route: <sip:n1.example;lr>, <sip:n2.example;lr>']));
  t.equal(d.state, 'confirmed');
  t.same(d.routeSet.map((r) => formatUri(r.uri)), ['sip:n2.example;lr', 'sip:n1.example;lr']);
  t.equal(formatUri(d.remoteTarget), 'sip:b@192.0.2.7');
  // A later 1xx does not move a confirmed dialog back or change its target.
  updateUacDialogFromResponse(d, inviteResponseFixture(183, 'x1', ['Contact: <sip:b@192.0.2.8>']));
  t.equal(d.state, 'confirmed');
  t.equal(formatUri(d.remoteTarget), 'sip:b@192.0.2.7');
});
