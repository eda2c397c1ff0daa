/** Receiving in-dialog requests (RFC 3261 §12.2.2): CSeq order and target refresh. */
import t from 'tap';
import { formatUri, parseNameAddr, parseUri } from '../sip';
import { Dialog } from './dialog';
import { receiveInDialogRequest, refreshTargetFromResponse } from './in-dialog-receive';
import { requestFixture, responseFixture } from './test-support';

function dialog(remoteSeq: number | undefined): Dialog {
  return new Dialog({
    id: { callId: 'cid', localTag: 'ltag', remoteTag: 'rtag' }, role: 'uac', state: 'confirmed',
    localUri: parseNameAddr('<sip:a@example.com>')!, remoteUri: parseNameAddr('<sip:b@example.com>')!,
    remoteTarget: parseUri('sip:b@192.0.2.2')!, routeSet: [], localSeq: 1, remoteSeq, secure: false, localContact: '<sip:a@192.0.2.1>',
  });
}

function request(method: string, seq: number, contact?: string) {
  return requestFixture([
    `${method} sip:a@192.0.2.1 SIP/2.0`, 'Via: SIP/2.0/UDP 192.0.2.2;branch=z9hG4bKx', 'Max-Forwards: 70',
    'From: <sip:b@example.com>;tag=rtag', 'To: <sip:a@example.com>;tag=ltag', 'Call-ID: cid', `CSeq: ${seq} ${method}`,
    ...(contact === undefined ? [] : [`Contact: ${contact}`]),
  ]);
}

t.test('remote CSeq rules and target refresh (§12.2.2)', async (t) => {
  const table: { name: string; remoteSeq: number | undefined; method: string; seq: number; contact?: string; status?: number; wantSeq: number | undefined; wantTarget: string }[] = [
    { name: 'empty remote sequence is set', remoteSeq: undefined, method: 'BYE', seq: 40, wantSeq: 40, wantTarget: 'sip:b@192.0.2.2' },
    { name: 'higher number accepted', remoteSeq: 10, method: 'INFO', seq: 11, wantSeq: 11, wantTarget: 'sip:b@192.0.2.2' },
    { name: 'lower number gets 500', remoteSeq: 10, method: 'BYE', seq: 9, status: 500, wantSeq: 10, wantTarget: 'sip:b@192.0.2.2' },
    { name: 're-INVITE refreshes target', remoteSeq: 10, method: 'INVITE', seq: 12, contact: '<sip:b@192.0.2.77:5090>', wantSeq: 12, wantTarget: 'sip:b@192.0.2.77:5090' },
    { name: 'UPDATE refreshes target (RFC 3311)', remoteSeq: 10, method: 'UPDATE', seq: 11, contact: '<sip:b@192.0.2.78>', wantSeq: 11, wantTarget: 'sip:b@192.0.2.78' },
    { name: 'INFO does not refresh target', remoteSeq: 10, method: 'INFO', seq: 11, contact: '<sip:b@192.0.2.79>', wantSeq: 11, wantTarget: 'sip:b@192.0.2.2' },
    { name: 'out-of-order re-INVITE does not refresh', remoteSeq: 10, method: 'INVITE', seq: 3, contact: '<sip:b@192.0.2.80>', status: 500, wantSeq: 10, wantTarget: 'sip:b@192.0.2.2' },
  ];
  for (const row of table) {
    const d = dialog(row.remoteSeq);
    const check = receiveInDialogRequest(d, request(row.method, row.seq, row.contact));
    t.equal(check.ok ? undefined : check.status, row.status, `${row.name}: verdict`);
    t.equal(d.remoteSeq, row.wantSeq, `${row.name}: remote sequence`);
    t.equal(formatUri(d.remoteTarget), row.wantTarget, `${row.name}: remote target`);
  }
});

t.test('a 2xx to our target refresh replaces the remote target (§12.2.1.2)', async (t) => {
  const response = (status: number, method: string) => responseFixture([
    `SIP/2.0 ${status} X`, 'Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKy', 'From: <sip:a@example.com>;tag=ltag',
    'To: <sip:b@example.com>;tag=rtag', 'Call-ID: cid', `CSeq: 2 ${method}`, 'Contact: <sip:b@192.0.2.99>',
  ]);
  const table: [number, string, string][] = [
    [200, 'INVITE', 'sip:b@192.0.2.99'], [491, 'INVITE', 'sip:b@192.0.2.2'], [200, 'INFO', 'sip:b@192.0.2.2'], [200, 'UPDATE', 'sip:b@192.0.2.99'],
  ];
  for (const [status, method, want] of table) {
    const d = dialog(1);
    refreshTargetFromResponse(d, method, response(status, method));
    t.equal(formatUri(d.remoteTarget), want, `${status} to ${method}`);
  }
});
