/** The dialog state machine (RFC 3261 §12): allowed transitions, history and listener. */
import t from 'tap';
import { Dialog, DialogError, type DialogState } from './dialog';

function make(state: 'early' | 'confirmed'): Dialog {
  const uri = { scheme: 'sip' as const, host: 'a.example', isIpv6: false, params: new Map(), headers: new Map() };
  return new Dialog({
    id: { callId: 'c1', localTag: 'l', remoteTag: 'r' }, role: 'uac', state,
    localUri: { uri, params: new Map() }, remoteUri: { uri, params: new Map() }, remoteTarget: uri,
    routeSet: [], localSeq: 1, remoteSeq: undefined, secure: false, localContact: '<sip:a.example>',
  });
}

t.test('state machine transitions (§12)', async (t) => {
  const table: { from: 'early' | 'confirmed'; to: DialogState; ok: boolean }[] = [
    { from: 'early', to: 'confirmed', ok: true },
    { from: 'early', to: 'terminated', ok: true },
    { from: 'confirmed', to: 'terminated', ok: true },
    { from: 'confirmed', to: 'early', ok: false },
  ];
  for (const row of table) {
    const d = make(row.from);
    const seen: string[] = [];
    d.onTransition((_, change) => seen.push(`${change.from}->${change.to}`));
    if (row.ok) {
      d.transition(row.to, 'final-2xx');
      t.equal(d.state, row.to, `${row.from} -> ${row.to}`);
      t.same(seen, [`${row.from}->${row.to}`], 'listener told once');
      t.equal(d.history.length, 1, 'recorded');
    } else {
      t.throws(() => d.transition(row.to, 'final-2xx'), DialogError, `${row.from} -> ${row.to} refused`);
      t.equal(d.state, row.from);
    }
  }
});

t.test('terminated is final and terminate() is idempotent', async (t) => {
  const d = make('confirmed');
  d.terminate('bye');
  d.terminate('bye');
  t.equal(d.state, 'terminated');
  t.equal(d.history.length, 1);
  t.throws(() => d.transition('confirmed', 'final-2xx'), { code: 'bad-transition' });
  t.equal(d.key, 'c1\u0000l\u0000r');
});
