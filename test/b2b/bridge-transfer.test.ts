/** REFER transfers through the bridge procedure in the simulator (opensips-b2b.md §1.4 bridging, §6.5 03–16, 21–24, 29–34). */
import t from 'tap';
import { distinct } from './starters-support';
import { notifyLines, partySdp, transferWorld } from './bridge-support';

t.test('plain REFER from the callee: transferor BYEd at once, referee called late, caller re-INVITEd with its offer (§6.5 03/04)', async (t) => {
  const s = transferWorld(1);
  s.refer();
  s.world.runSync({ until: () => s.referee.wire.includes('ACK caller') });
  t.same(distinct(s.callee.wire), ['INVITE caller', 'ACK empty', '202 empty', 'BYE empty'], 'transferor: 202 then BYE');
  t.same(distinct(s.referee.wire), ['INVITE empty', 'ACK caller'], 'referee: late INVITE, the caller answer in the ACK');
  t.same(distinct(s.caller.wire), ['200 callee', 'INVITE referee'], 'caller: one re-INVITE with the referee offer');
  t.equal(s.referee.requests[0]!.header('x-transfer'), 'yes', 'the client declaration headers go with the INVITE');
  const listed = s.b2b.app.stack.logic.list()[0]!;
  t.equal(listed.state, 4, 'bridged');
  t.same(listed.bridgeEntities.map((e) => e.scenarioId), ['caller', 'referee']);
  s.referee.session!.bye();
  s.world.runSync();
  t.equal(s.caller.ended, 'bye-received', 'the referee BYE reaches the caller');
  t.same(s.nothingLeft(), []);
});

t.test('REFER from the caller works the same way (the callee is kept)', async (t) => {
  const s = transferWorld(2);
  s.refer('caller');
  s.world.runSync({ until: () => s.referee.wire.includes('ACK callee') });
  t.same(distinct(s.callee.wire), ['INVITE caller', 'ACK empty', 'INVITE referee'], 'callee re-INVITEd with the referee offer');
  t.same(distinct(s.caller.wire).slice(0, 3), ['200 callee', '202 empty', 'BYE empty']);
  s.callee.session!.bye();
  s.world.runSync();
  t.equal(s.referee.ended, 'bye-received');
  t.same(s.nothingLeft(), []);
});

t.test('referee rejects without rollback: the kept caller is BYEd and the session ends (§6.5 05/06)', async (t) => {
  const s = transferWorld(3, { referee: { reject: 404 } });
  s.refer();
  s.world.runSync();
  t.equal(s.caller.ended, 'bye-received');
  t.same(s.b2b.app.stack.logic.list(), []);
  t.same(s.nothingLeft(), []);
});

t.test('notify: NOTIFY 100 then 200 to the transferor, which is BYEd after (§6.5 07/08)', async (t) => {
  const s = transferWorld(4, { flags: { notify: true } });
  s.refer();
  s.world.runSync({ until: () => s.referee.wire.includes('ACK caller') && s.callee.ended !== undefined });
  t.same(notifyLines(s.callee), ['SIP/2.0 100 Trying', 'SIP/2.0 200 OK']);
  t.same(s.callee.wire.slice(2).filter((l) => l !== '202 empty'), ['NOTIFY other', 'NOTIFY other', 'BYE empty'], 'the BYE comes after both NOTIFYs');
  const notify = s.callee.requests.find((r) => r.method === 'NOTIFY')!;
  t.match(notify.header('event') ?? '', /^refer;id=\d+$/);
  t.equal(notify.header('content-type'), 'message/sipfrag;version=2.0');
  s.caller.session!.bye();
  s.world.runSync();
  t.equal(s.referee.ended, 'bye-received');
  t.same(s.nothingLeft(), []);
});

t.test('notify + rollback-failed: NOTIFY 404 and the original call stays up (§6.5 09/10)', async (t) => {
  const s = transferWorld(5, { flags: { notify: true, rollbackFailed: true }, referee: { reject: 404 } });
  s.refer();
  s.world.runSync({ until: () => notifyLines(s.callee).length === 2 });
  s.world.runSync({ untilMs: s.world.nowMs + 5000 });
  t.same(notifyLines(s.callee), ['SIP/2.0 100 Trying', 'SIP/2.0 404 Not Found']);
  t.equal(s.callee.ended, undefined, 'transferor kept');
  t.equal(s.caller.ended, undefined, 'caller kept');
  t.same(distinct(s.caller.wire), ['200 callee'], 'no re-INVITE needed');
  s.caller.session!.bye();
  s.world.runSync();
  t.equal(s.callee.ended, 'bye-received', 'the restored pair is relayed');
  t.same(s.nothingLeft(), []);
});

t.test('provisional media: the caller is re-INVITEd late for the media server, then gets the referee offer (2 re-INVITEs), media BYEd (§6.5 11/12)', async (t) => {
  const s = transferWorld(6, { provMedia: true });
  s.refer();
  s.world.runSync({ until: () => s.referee.wire.includes('ACK caller') });
  t.same(distinct(s.caller.wire), ['200 callee', 'INVITE empty', 'ACK media', 'INVITE referee'], 'late re-INVITE, media answer in the ACK, then the referee offer');
  t.same(distinct(s.media.wire), ['INVITE caller', 'ACK empty', 'BYE empty'], "media server: INVITE with the caller's offer");
  s.caller.session!.bye();
  s.world.runSync();
  t.same(s.nothingLeft(), []);
});

t.test('provisional media + notify + rollback, referee rejects: media ended, the old pair re-offered (§6.5 15/16)', async (t) => {
  const s = transferWorld(7, { provMedia: true, flags: { notify: true, rollbackFailed: true }, referee: { reject: 404 } });
  s.refer();
  s.world.runSync({ until: () => s.caller.wire.filter((l) => l.startsWith('INVITE')).length === 2 && s.caller.wire.includes('ACK callee') });
  t.same(notifyLines(s.callee), ['SIP/2.0 100 Trying', 'SIP/2.0 404 Not Found']);
  t.same(distinct(s.caller.wire).filter((l) => l.startsWith('INVITE')), ['INVITE empty', 'INVITE callee'], 'late for the media, then the transferor offer');
  t.ok(s.caller.wire.includes('ACK media'), 'the caller got the media answer in its ACK (SIPssert 15 checks it)');
  t.ok(s.callee.wire.some((l) => l === 'INVITE empty'), 'the transferor gets a late re-INVITE');
  t.equal(s.media.ended, 'bye-received');
  s.callee.session!.bye();
  s.world.runSync();
  t.equal(s.caller.ended, 'bye-received');
  t.same(s.nothingLeft(), []);
});

t.test('hold: the caller first gets its last SDP inactive, then the referee offer (§6.5 21)', async (t) => {
  const s = transferWorld(8, { flags: { hold: true } });
  s.refer();
  s.world.runSync({ until: () => s.referee.wire.includes('ACK caller') });
  const reinvites = s.caller.requests.filter((r) => r.method === 'INVITE');
  t.equal(reinvites.length, 2, 'the kept party sees 2 re-INVITEs');
  const held = new TextDecoder().decode(reinvites[0]!.body);
  t.match(held, /o=callee 1 2 /, 'the callee SDP we last sent it, as a new version');
  t.match(held, /a=inactive/);
  t.notMatch(held, /a=sendrecv/);
  t.same(distinct(s.caller.wire).filter((l) => l.startsWith('INVITE')), ['INVITE callee', 'INVITE referee']);
  s.caller.session!.bye();
  s.world.runSync();
  t.same(s.nothingLeft(), []);
});

t.test('no-late-sdp: the referee gets the caller SDP, then a re-INVITE with the caller new offer (§6.5 22)', async (t) => {
  const s = transferWorld(9, { flags: { noLateSdp: true } });
  s.refer();
  s.world.runSync({ until: () => s.referee.wire.filter((l) => l.startsWith('ACK')).length === 2 });
  t.same(distinct(s.referee.wire), ['INVITE caller', 'ACK empty', 'INVITE caller', 'ACK empty']);
  s.world.runSync({ until: () => s.caller.wire.includes('ACK referee') });
  t.same(distinct(s.caller.wire), ['200 callee', 'INVITE empty', 'ACK referee']);
  s.referee.session!.bye();
  s.world.runSync();
  t.same(s.nothingLeft(), []);
});

t.test('retry: the referee rejects, the reply route retries to a failure announcement (§6.5 24)', async (t) => {
  const s = transferWorld(10, { referee: { reject: 486 }, retry: true });
  s.refer();
  s.world.runSync({ until: () => s.failure.wire.includes('ACK caller') });
  t.same(distinct(s.failure.wire), ['INVITE empty', 'ACK caller']);
  t.same(distinct(s.caller.wire), ['200 callee', 'INVITE failure']);
  s.failure.session!.bye();
  s.world.runSync();
  t.equal(s.caller.ended, 'bye-received');
  t.same(s.nothingLeft(), []);
});

t.test('491 from the referee to the re-INVITE: the caller is ACKed, the re-INVITE retried 2.1 s later (§6.5 30)', async (t) => {
  const s = transferWorld(11, { flags: { noLateSdp: true, notify: true, rollbackFailed: true } });
  s.refer();
  s.world.runSync({ until: () => s.referee.session !== undefined && s.referee.wire.includes('ACK empty') });
  let refused = 0;
  s.referee.onReinvite = (_request, reply, answer) => {
    if (refused++ === 0) reply(491);
    else answer();
  };
  s.world.runSync({ until: () => s.referee.wire.filter((l) => l.startsWith('INVITE')).length === 3 && s.referee.wire.filter((l) => l.startsWith('ACK')).length >= 2 });
  const invites = s.referee.wire.map((l, i) => [l, s.referee.times[i]!] as const).filter(([l]) => l.startsWith('INVITE'));
  t.equal(invites.length, 3, 'initial INVITE, refused re-INVITE, retried re-INVITE');
  const gap = invites[2]![1] - invites[1]![1];
  t.ok(gap >= 2100 && gap < 2400, `retried 2.1 s after the 491 went out (gap ${gap} ms)`);
  t.ok(s.caller.wire.includes('ACK referee'), 'the caller was ACKed with the referee last SDP');
  s.world.runSync({ until: () => s.b2b.app.stack.logic.list()[0]?.state === 4 });
  t.equal(s.b2b.app.stack.logic.list()[0]?.state, 4, 'bridged');
  s.caller.session!.bye();
  s.world.runSync();
  t.same(s.nothingLeft(), []);
});

t.test('the transferor hangs up while the referee rings (notify + rollback): referee CANCELled, the call ends (§6.5 33/34)', async (t) => {
  const s = transferWorld(12, { flags: { notify: true, rollbackFailed: true }, referee: 'ring' });
  s.refer();
  s.world.runSync({ until: () => s.referee.invite !== undefined && notifyLines(s.callee).length === 1 });
  s.callee.session!.bye();
  s.world.runSync();
  t.equal(s.caller.ended, 'bye-received');
  t.equal(s.referee.invite!.state === 'proceeding', false, 'the referee INVITE was cancelled');
  t.same(s.nothingLeft(), []);
});

t.test('the kept caller hangs up while the referee rings: everything ends', async (t) => {
  const s = transferWorld(13, { flags: { notify: true }, referee: 'ring' });
  s.refer();
  s.world.runSync({ until: () => s.referee.invite !== undefined });
  s.caller.session!.bye();
  s.world.runSync();
  t.ok(s.callee.ended !== undefined, 'transferor ended');
  t.same(s.nothingLeft(), []);
});

t.test('491 from the referee, then the referee re-INVITEs first: its re-INVITE is relayed and no retry goes out (§6.5 29)', async (t) => {
  const s = transferWorld(14, { flags: { noLateSdp: true, notify: true, rollbackFailed: true } });
  s.refer();
  s.world.runSync({ until: () => s.referee.session !== undefined && s.referee.wire.includes('ACK empty') });
  s.referee.onReinvite = (_request, reply) => {
    reply(491);
    s.referee.onReinvite = undefined;
  };
  s.world.runSync({ until: () => s.referee.wire.filter((l) => l.startsWith('INVITE')).length === 2 });
  s.world.runSync({ until: () => s.caller.wire.includes('ACK referee') });
  t.ok(s.referee.session!.reinvite({ body: partySdp('referee') }), 'referee re-INVITEs');
  s.world.runSync({ untilMs: s.world.nowMs + 10_000 });
  t.equal(s.referee.wire.filter((l) => l.startsWith('INVITE')).length, 2, 'no retry from the B2BUA');
  t.same(s.caller.wire.filter((l) => l.startsWith('INVITE')), ['INVITE empty', 'INVITE referee'], 'the referee re-INVITE reached the caller');
  t.equal(s.b2b.app.stack.logic.list()[0]?.state, 4, 'bridged');
  s.caller.session!.bye();
  s.world.runSync();
  t.equal(s.referee.ended, 'bye-received');
  t.same(s.nothingLeft(), []);
});

t.test('provisional media + no-late-sdp: the referee gets the caller SDP and no re-INVITE (§6.5 23)', async (t) => {
  const s = transferWorld(15, { provMedia: true, flags: { noLateSdp: true } });
  s.refer();
  s.world.runSync({ until: () => s.referee.wire.includes('ACK empty') && s.caller.wire.filter((l) => l.startsWith('ACK')).length >= 2 });
  t.same(distinct(s.referee.wire), ['INVITE caller', 'ACK empty']);
  t.same(distinct(s.caller.wire).filter((l) => l.startsWith('INVITE')), ['INVITE empty', 'INVITE referee']);
  s.referee.session!.bye();
  s.world.runSync();
  t.equal(s.caller.ended, 'bye-received');
  t.same(s.nothingLeft(), []);
});
