/** Building in-dialog requests (RFC 3261 §12.2.1.1): strict/loose routing, CSeq, tags, Contact. */
import t from 'tap';
import { formatUri, parseNameAddr, parseUri } from '../sip';
import type { Uri } from '../sip/types';
import { Dialog } from './dialog';
import { buildInDialogRequest, requestTarget } from './in-dialog-request';
import { ScriptedRandom } from './test-support';

function uri(text: string): Uri {
  const u = parseUri(text);
  if (u === undefined) throw new Error(`bad uri ${text}`);
  return u;
}

function routes(...texts: string[]) {
  return texts.map((text) => {
    const n = parseNameAddr(text);
    if (n === undefined) throw new Error(`bad route ${text}`);
    return n;
  });
}

t.test('Request-URI and Route from the route set (§12.2.1.1)', async (t) => {
  const target = uri('sip:bob@192.0.2.9:5080');
  const table: { name: string; routeSet: string[]; wantUri: string; wantRoutes: string[] }[] = [
    { name: 'empty route set', routeSet: [], wantUri: 'sip:bob@192.0.2.9:5080', wantRoutes: [] },
    { name: 'loose first route', routeSet: ['<sip:p1.example;lr>', '<sip:p2.example>'], wantUri: 'sip:bob@192.0.2.9:5080', wantRoutes: ['sip:p1.example;lr', 'sip:p2.example'] },
    { name: 'strict first route', routeSet: ['<sip:p1.example>', '<sip:p2.example;lr>'], wantUri: 'sip:p1.example', wantRoutes: ['sip:p2.example;lr', 'sip:bob@192.0.2.9:5080'] },
    { name: 'strict route loses method param', routeSet: ['<sip:p1.example;method=INVITE;transport=tcp>'], wantUri: 'sip:p1.example;transport=tcp', wantRoutes: ['sip:bob@192.0.2.9:5080'] },
  ];
  for (const row of table) {
    const got = requestTarget(routes(...row.routeSet), target);
    t.equal(formatUri(got.uri), row.wantUri, `${row.name}: Request-URI`);
    t.same(got.routes.map((r) => formatUri(r.uri)), row.wantRoutes, `${row.name}: Route`);
  }
});

function dialog(localSeq: number | undefined, routeSet: string[] = []): Dialog {
  return new Dialog({
    id: { callId: 'cid', localTag: 'ltag', remoteTag: 'rtag' }, role: 'uas', state: 'confirmed',
    localUri: parseNameAddr('<sip:bob@example.com>')!, remoteUri: parseNameAddr('"Alice" <sip:alice@example.com>')!,
    remoteTarget: uri('sip:alice@192.0.2.1:5070'), routeSet: routes(...routeSet), localSeq, remoteSeq: 4,
    secure: false, localContact: '<sip:bob@192.0.2.2>',
  });
}

function header(parts: { headers: ReadonlyArray<readonly [string, string]> }, name: string): string[] {
  return parts.headers.filter(([n]) => n === name).map(([, v]) => v);
}

t.test('CSeq, tags, Call-ID and Contact of in-dialog requests (§12.2.1.1)', async (t) => {
  const table: { method: string; localSeq: number | undefined; cseq?: number; wantCSeq: string; wantLocalSeq: number | undefined; contact: boolean }[] = [
    { method: 'BYE', localSeq: 5, wantCSeq: '6 BYE', wantLocalSeq: 6, contact: false },
    { method: 'INVITE', localSeq: 5, wantCSeq: '6 INVITE', wantLocalSeq: 6, contact: true },
    { method: 'UPDATE', localSeq: 1, wantCSeq: '2 UPDATE', wantLocalSeq: 2, contact: true },
    { method: 'INFO', localSeq: 9, wantCSeq: '10 INFO', wantLocalSeq: 10, contact: false },
    { method: 'ACK', localSeq: 5, cseq: 5, wantCSeq: '5 ACK', wantLocalSeq: 5, contact: false },
    // ScriptedRandom([0]) gives 0 → initial 1: the first request of a UAS-side dialog picks a fresh number.
    { method: 'BYE', localSeq: undefined, wantCSeq: '1 BYE', wantLocalSeq: 1, contact: false },
  ];
  for (const row of table) {
    const d = dialog(row.localSeq);
    const parts = buildInDialogRequest(d, row.method, new ScriptedRandom([0]), { cseq: row.cseq });
    const name = `${row.method} from ${String(row.localSeq)}`;
    t.same(header(parts, 'CSeq'), [row.wantCSeq], `${name}: CSeq`);
    t.equal(d.localSeq, row.wantLocalSeq, `${name}: local sequence`);
    t.same(header(parts, 'From'), ['<sip:bob@example.com>;tag=ltag'], `${name}: From has local tag`);
    t.same(header(parts, 'To'), ['"Alice" <sip:alice@example.com>;tag=rtag'], `${name}: To has remote tag`);
    t.same(header(parts, 'Call-ID'), ['cid']);
    t.equal(header(parts, 'Contact').length, row.contact ? 1 : 0, `${name}: Contact`);
    t.equal(formatUri(parts.uri), 'sip:alice@192.0.2.1:5070', `${name}: remote target`);
  }
});

t.test('next hop is the top Route or the Request-URI; ACK needs a CSeq; terminated dialogs refuse', async (t) => {
  const loose = buildInDialogRequest(dialog(1, ['<sip:p1.example;lr>']), 'BYE', new ScriptedRandom());
  t.equal(formatUri(loose.nextHop), 'sip:p1.example;lr');
  t.same(header(loose, 'Route'), ['<sip:p1.example;lr>']);
  const direct = buildInDialogRequest(dialog(1), 'BYE', new ScriptedRandom());
  t.equal(formatUri(direct.nextHop), 'sip:alice@192.0.2.1:5070');
  t.throws(() => buildInDialogRequest(dialog(1), 'ACK', new ScriptedRandom()), { code: 'bad-cseq' });
  const ended = dialog(1);
  ended.terminate('bye');
  t.throws(() => buildInDialogRequest(ended, 'BYE', new ScriptedRandom()), { code: 'dialog-terminated' });
});
