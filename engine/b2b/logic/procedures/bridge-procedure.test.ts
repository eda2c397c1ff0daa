/** Tests of the bridge procedure against a hand-driven host (opensips-b2b.md §1.4, §6.5, §6.7, §6.8). */
import t from 'tap';
import type { BridgeFlags, BridgeStart, ClientDeclaration, MediaProcedure } from '../scripted-types';
import { parseUri } from '../../../sip';
import { bridgeProcedure } from './bridge-procedure';
import { FakeHost, sdp } from './procedure-test-host';

const referee: ClientDeclaration = { id: 'referee', uri: parseUri('sip:x@10.0.0.7')!, headers: [['X-Extra', '1']] };
const media: ClientDeclaration = { id: 'media', uri: parseUri('sip:ringing@10.0.0.8')! };

interface Setup {
  readonly host: FakeHost;
  readonly proc: MediaProcedure;
}

/** The callee REFERs: caller kept, callee the initiator (still up unless `endInitiator`, as `endDlgLeg` does). */
function transfer(flags: BridgeFlags = {}, extra: Partial<BridgeStart> = {}, endInitiator = false, host = new FakeHost()): Setup {
  if (endInitiator) {
    host.callee.disconnected = true;
    host.callee.peer = undefined;
    host.caller.peer = undefined;
    host.entity('callee').state = 'terminated';
  }
  const proc = bridgeProcedure(host, {
    kept: host.caller, target: referee, initiator: host.callee, flags, referCseq: 2, oldPeer: 'initiator', ...extra,
  });
  return { host, proc };
}

t.test('default late SDP: INVITE without SDP, its offer re-INVITEs the kept party, the answer goes in the ACK', async (t) => {
  const { host, proc } = transfer({}, {}, true);
  t.same(host.take(), ['referee new INVITE X-Extra:1']);
  t.equal(host.session.state, 'bridging');
  t.equal(host.lifetimeMs, undefined, '§6.8: no expiry while the target is called');
  host.replyTo(proc, 'referee', 180);
  t.same(host.take(), []);
  host.replyTo(proc, 'referee', 200, sdp('referee'));
  t.same(host.take(), ['caller INVITE sdp=referee']);
  t.equal(host.outcome, undefined);
  host.replyTo(proc, 'caller', 200, sdp('caller2'));
  t.same(host.take(), ['referee ACK sdp=caller2', 'caller ACK', 'paired caller+referee']);
  t.equal(host.outcome, 'completed caller+referee lifetime=43200000');
  t.equal(host.session.state, 'bridged');
  t.equal(host.leg('referee').state, 'confirmed');
  t.equal(host.timers.armedCount, 0);
});

t.test('an offer the target sent only in its 18x is used when its 200 has none (issue #2725)', async (t) => {
  const { host, proc } = transfer({}, {}, true);
  host.take();
  host.replyTo(proc, 'referee', 183, sdp('early'));
  host.replyTo(proc, 'referee', 200);
  t.same(host.take(), ['caller INVITE sdp=early']);
});

t.test('notify: 100 Trying at once, the final status when the target answers, then the initiator is BYEd', async (t) => {
  const { host, proc } = transfer({ notify: true });
  t.same(host.take(), [
    'callee NOTIFY message/sipfrag;version=2.0 Event:refer;id=2 Subscription-State:active;expires=60',
    'referee new INVITE X-Extra:1',
  ]);
  t.match(new TextDecoder().decode(host.entity('callee').sent[0]!.request.body), /^SIP\/2\.0 100 Trying/);
  host.replyTo(proc, 'callee', 200, undefined, 'NOTIFY');
  t.same(host.take(), [], 'the 100 Trying answer changes nothing');
  host.replyTo(proc, 'referee', 200, sdp('referee'));
  t.same(host.take(), ['callee NOTIFY message/sipfrag;version=2.0 Event:refer;id=2 Subscription-State:terminated;reason=noresource', 'caller INVITE sdp=referee']);
  t.match(new TextDecoder().decode(host.entity('callee').sent[1]!.request.body), /^SIP\/2\.0 200 OK/);
  host.replyTo(proc, 'callee', 200, undefined, 'NOTIFY');
  t.same(host.take(), ['callee BYE'], 'the BYE waits for the final NOTIFY to be answered');
  host.replyTo(proc, 'caller', 200, sdp('caller2'));
  t.same(host.take(), ['referee ACK sdp=caller2', 'caller ACK', 'paired caller+referee']);
  t.equal(host.outcome, 'completed caller+referee lifetime=43200000');
});

t.test('notify: a bridge connected before the final NOTIFY is answered completes with that answer', async (t) => {
  const { host, proc } = transfer({ notify: true });
  host.replyTo(proc, 'referee', 200, sdp('referee'));
  host.replyTo(proc, 'caller', 200, sdp('caller2'));
  host.take();
  t.equal(host.outcome, undefined);
  host.replyTo(proc, 'callee', 200, undefined, 'NOTIFY');
  t.same(host.take(), ['callee BYE', 'paired caller+referee']);
  t.equal(host.outcome, 'completed caller+referee lifetime=43200000');
});

t.test('a failed target without rollback ends the kept party and the session (§6.5 05/06)', async (t) => {
  const { host, proc } = transfer({}, {}, true);
  host.take();
  host.replyTo(proc, 'referee', 404);
  t.equal(host.outcome, 'failed 404 end=true');
  host.end(proc, 'referee', 'rejected');
  t.same(host.take(), []);
  t.equal(host.outcome, 'failed 404 end=true');
});

t.test('notify + rollback-failed: NOTIFY 404 and the old pair is restored without re-INVITEs (§6.5 09/10)', async (t) => {
  const { host, proc } = transfer({ notify: true, rollbackFailed: true });
  host.take();
  host.replyTo(proc, 'referee', 404);
  t.same(host.take(), ['callee NOTIFY message/sipfrag;version=2.0 Event:refer;id=2 Subscription-State:terminated;reason=noresource', 'paired caller+callee']);
  t.match(new TextDecoder().decode(host.entity('callee').sent[1]!.request.body), /^SIP\/2\.0 404 Not Found/);
  t.equal(host.outcome, 'failed 404 end=false');
  t.equal(host.session.state, 'bridged');
  t.equal(host.caller.peer, host.callee);
});

t.test('hold: the kept party is first re-INVITEd with its last SDP made inactive', async (t) => {
  const { host, proc } = transfer({ hold: true }, {}, true);
  t.same(host.take(), ['caller INVITE sdp=callee(inactive)']);
  t.equal(host.session.state, 'bridging-hold');
  host.replyTo(proc, 'caller', 200, sdp('caller'));
  t.same(host.take(), ['caller ACK', 'referee new INVITE X-Extra:1']);
  t.equal(host.session.state, 'bridging');
  host.replyTo(proc, 'referee', 200, sdp('referee'));
  host.replyTo(proc, 'caller', 200, sdp('caller2'));
  t.same(host.take(), ['caller INVITE sdp=referee', 'referee ACK sdp=caller2', 'caller ACK', 'paired caller+referee']);
});

t.test('hold is skipped when the kept party is already inactive', async (t) => {
  const host = new FakeHost();
  host.caller.outSdp = { body: new TextEncoder().encode('v=0\r\no=x 1 1 IN IP4 1.1.1.1\r\nm=audio 1 RTP/AVP 0\r\na=inactive\r\n'), contentType: 'application/sdp' };
  transfer({ hold: true }, {}, true, host);
  t.same(host.take(), ['referee new INVITE X-Extra:1']);
});

t.test('no-late-sdp: the target gets the kept SDP, then the kept party is re-INVITEd late and its offer goes to the target', async (t) => {
  const { host, proc } = transfer({ noLateSdp: true }, {}, true);
  t.same(host.take(), ['referee new INVITE sdp=caller X-Extra:1']);
  t.equal(host.session.state, 'bridging-init-sdp');
  host.replyTo(proc, 'referee', 200, sdp('referee'));
  t.same(host.take(), ['referee ACK', 'caller INVITE']);
  t.equal(host.session.state, 'bridging');
  host.replyTo(proc, 'caller', 200, sdp('caller2'));
  t.same(host.take(), ['referee INVITE sdp=caller2']);
  host.replyTo(proc, 'referee', 200, sdp('referee2'));
  t.same(host.take(), ['referee ACK', 'caller ACK sdp=referee2', 'paired caller+referee']);
  t.equal(host.outcome, 'completed caller+referee lifetime=43200000');
});

t.test('491 from the target: the kept party gets its last SDP; 2.1 s later the bridge restarts with a late re-INVITE of the kept party (§6.5 30)', async (t) => {
  const { host, proc } = transfer({ noLateSdp: true, notify: true, rollbackFailed: true });
  host.replyTo(proc, 'callee', 200, undefined, 'NOTIFY');
  host.replyTo(proc, 'referee', 200, sdp('referee'));
  host.replyTo(proc, 'callee', 200, undefined, 'NOTIFY');
  host.replyTo(proc, 'caller', 200, sdp('caller2'));
  host.take();
  host.replyTo(proc, 'referee', 491);
  t.same(host.take(), ['caller ACK sdp=referee']);
  t.equal(host.timers.armedCount, 1);
  host.clock.advanceBy(2099);
  t.same(host.take(), []);
  host.clock.advanceBy(1);
  // OpenSIPS bridging_start_old_ent: the kept party is asked again (SIPssert 30: its ACK carries SDP).
  t.same(host.take(), ['caller INVITE']);
  host.replyTo(proc, 'caller', 200, sdp('caller3'));
  t.same(host.take(), ['referee INVITE sdp=caller3'], 'the fresh offer goes to the target');
  host.replyTo(proc, 'referee', 491);
  t.same(host.take(), ['caller ACK sdp=referee']);
  host.clock.advanceBy(2100);
  t.same(host.take(), ['caller INVITE']);
  t.same(host.warnings, ['bridge: re-INVITE still refused'], 'warned once 4 s after the first 491');
  host.replyTo(proc, 'caller', 200, sdp('caller4'));
  t.same(host.take(), ['referee INVITE sdp=caller4']);
  host.replyTo(proc, 'referee', 200, sdp('referee3'));
  t.same(host.take(), ['referee ACK', 'caller ACK sdp=referee3', 'paired caller+referee']);
  t.equal(host.outcome, 'completed caller+referee lifetime=43200000');
  t.equal(host.timers.armedCount, 0);
});

t.test('491 retry: a kept party refusing the late re-INVITE keeps the call on the SDPs it has', async (t) => {
  const { host, proc } = transfer({ noLateSdp: true, rollbackFailed: true }, {}, true);
  host.replyTo(proc, 'referee', 200, sdp('referee'));
  host.replyTo(proc, 'caller', 200, sdp('caller2'));
  host.replyTo(proc, 'referee', 491);
  host.clock.advanceBy(2100);
  t.same(host.take().slice(-1), ['caller INVITE']);
  host.replyTo(proc, 'caller', 488);
  t.same(host.take(), ['paired caller+referee'], 'no rollback, no BYE');
  t.equal(host.outcome, 'completed caller+referee lifetime=43200000');
});

t.test('glare (§1.6): re-INVITE/UPDATE from a leg whose media the bridge is changing gets 491, the bridge goes on', async (t) => {
  const { host, proc } = transfer({ noLateSdp: true }, {}, true);
  host.take();
  t.equal(host.request(proc, 'caller', 'INVITE'), true, 'kept party while the target is called');
  t.same(host.take(), ['caller reply INVITE 491']);
  host.replyTo(proc, 'referee', 200, sdp('referee'));
  host.take();
  t.equal(host.request(proc, 'caller', 'UPDATE'), true, 'kept party while its late re-INVITE is out');
  t.equal(host.request(proc, 'referee', 'INVITE'), true, 'target while the kept party is re-INVITEd');
  t.same(host.take(), ['caller reply UPDATE 491', 'referee reply INVITE 491']);
  t.equal(host.request(proc, 'caller', 'INFO'), false, 'other methods are not the procedure’s');
  host.replyTo(proc, 'caller', 200, sdp('caller2'));
  t.same(host.take(), ['referee INVITE sdp=caller2']);
  t.equal(host.request(proc, 'referee', 'INVITE'), true, 'target while our re-INVITE is out');
  t.same(host.take(), ['referee reply INVITE 491']);
  host.replyTo(proc, 'referee', 200, sdp('referee2'));
  t.same(host.take(), ['referee ACK', 'caller ACK sdp=referee2', 'paired caller+referee']);
  t.equal(host.outcome, 'completed caller+referee lifetime=43200000');
  t.equal(host.request(proc, 'caller', 'INVITE'), false, 'after the bridge: relayed as usual');
});

t.test('glare (§1.6): the old partner is relayed to until the kept party is touched, then gets 491; the media server gets 491 while called', async (t) => {
  const { host, proc } = transfer({ notify: true }, { target: referee, provMedia: media });
  t.same(host.take().slice(-1), ['caller INVITE']);
  t.equal(host.request(proc, 'callee', 'INVITE'), true, 'the kept party is being re-INVITEd: its partner waits');
  t.same(host.take(), ['callee reply INVITE 491']);
  host.replyTo(proc, 'caller', 200, sdp('caller2'));
  host.take();
  t.equal(host.request(proc, 'media', 'UPDATE'), true);
  t.same(host.take(), ['media reply UPDATE 491']);
  const plain = transfer({ notify: true });
  plain.host.take();
  t.equal(plain.host.request(plain.proc, 'callee', 'INVITE'), false, 'untouched kept party: the partner’s re-INVITE is relayed');
});

t.test('491 from the target, then the target re-INVITEs first: the bridge completes and the re-INVITE is the script’s to relay (§6.5 29)', async (t) => {
  const { host, proc } = transfer({ noLateSdp: true }, {}, true);
  host.replyTo(proc, 'referee', 200, sdp('referee'));
  host.replyTo(proc, 'caller', 200, sdp('caller2'));
  host.replyTo(proc, 'referee', 491);
  host.take();
  t.equal(host.request(proc, 'referee', 'INVITE'), false);
  t.equal(host.outcome, 'completed caller+referee lifetime=43200000');
  t.equal(host.timers.armedCount, 0, 'the retry timer is cancelled');
});

t.test('provisional media: the kept party re-INVITEd late, its offer to the media server, then the target (§6.5 11/12)', async (t) => {
  const { host, proc } = transfer({ provmediaExtraHeaders: true }, { provMedia: media }, true);
  t.same(host.take(), ['caller INVITE']);
  t.equal(host.session.state, 'bridging');
  host.replyTo(proc, 'caller', 200, sdp('caller2'));
  t.same(host.take(), ['media new INVITE sdp=caller2 X-Extra:1'], 'provmedia-extra-headers: the target headers go to the media server');
  host.replyTo(proc, 'media', 200, sdp('media'));
  t.same(host.take(), ['caller ACK sdp=media', 'media ACK', 'referee new INVITE X-Extra:1']);
  host.replyTo(proc, 'referee', 200, sdp('referee'));
  t.same(host.take(), ['media BYE', 'caller INVITE sdp=referee']);
  host.replyTo(proc, 'caller', 200, sdp('caller3'));
  t.same(host.take(), ['referee ACK sdp=caller3', 'caller ACK', 'paired caller+referee']);
  t.equal(host.leg('media').disconnected, true);
});

t.test('provisional media: a media-server failure is skipped and the target called anyway', async (t) => {
  const { host, proc } = transfer({}, { provMedia: media }, true);
  host.replyTo(proc, 'caller', 200, sdp('caller2'));
  t.same(host.take(), ['caller INVITE', 'media new INVITE sdp=caller2']);
  host.replyTo(proc, 'media', 486);
  t.same(host.take(), ['caller ACK sdp=callee', 'referee new INVITE X-Extra:1'], 'the kept 2xx is answered with the SDP it had');
  host.end(proc, 'media', 'rejected');
  host.replyTo(proc, 'referee', 200, sdp('referee'));
  t.same(host.take(), ['caller INVITE sdp=referee']);
});

t.test('provisional media: a BYE from the media leg is answered and the target still answers into the call', async (t) => {
  const { host, proc } = transfer({}, { provMedia: media }, true);
  host.replyTo(proc, 'caller', 200, sdp('caller2'));
  host.replyTo(proc, 'media', 200, sdp('media'));
  host.take();
  t.equal(host.request(proc, 'media', 'BYE'), true);
  t.same(host.take(), ['media reply BYE 200']);
  host.end(proc, 'media', 'bye-received');
  host.replyTo(proc, 'referee', 200, sdp('referee'));
  t.same(host.take(), ['caller INVITE sdp=referee'], 'no second BYE to the media leg');
});

t.test('provisional media + notify + rollback: target fails, media ended, the old pair re-offered via re-INVITEs (§6.5 15/16)', async (t) => {
  const { host, proc } = transfer({ notify: true, rollbackFailed: true }, { provMedia: media });
  host.replyTo(proc, 'caller', 200, sdp('caller2'));
  host.replyTo(proc, 'media', 200, sdp('media'));
  host.take();
  host.replyTo(proc, 'referee', 404);
  t.same(host.take(), ['media BYE', 'callee NOTIFY message/sipfrag;version=2.0 Event:refer;id=2 Subscription-State:terminated;reason=noresource', 'callee INVITE']);
  t.equal(host.outcome, undefined);
  host.replyTo(proc, 'callee', 200, undefined, 'NOTIFY');
  host.replyTo(proc, 'callee', 200, sdp('callee2'));
  t.same(host.take(), ['caller INVITE sdp=callee2']);
  host.replyTo(proc, 'caller', 200, sdp('caller3'));
  t.same(host.take(), ['caller ACK', 'callee ACK sdp=caller3', 'paired caller+callee']);
  t.equal(host.outcome, 'failed 404 end=false');
  t.equal(host.session.state, 'bridged');
});

t.test('BYE from the kept party while the target rings: target CANCELled, the session ends', async (t) => {
  const { host, proc } = transfer({ notify: true });
  host.take();
  t.equal(host.request(proc, 'caller', 'BYE'), true);
  t.same(host.take(), ['caller reply BYE 200', 'referee CANCEL']);
  t.equal(host.outcome, 'failed 487 end=true');
});

t.test('the transferor hangs up while the target rings, rollback set: target CANCELled, everything ends (§6.5 33/34)', async (t) => {
  const { host, proc } = transfer({ notify: true, rollbackFailed: true });
  host.take();
  t.equal(host.request(proc, 'callee', 'BYE'), true);
  t.same(host.take(), ['callee reply BYE 200', 'referee CANCEL']);
  t.equal(host.outcome, 'failed 487 end=true');
});

t.test('the initiator hangs up without rollback: answered, the bridge goes on', async (t) => {
  const { host, proc } = transfer({ notify: true });
  host.take();
  t.equal(host.request(proc, 'callee', 'BYE'), true);
  host.end(proc, 'callee', 'bye-received');
  t.same(host.take(), ['callee reply BYE 200']);
  host.replyTo(proc, 'referee', 200, sdp('referee'));
  host.replyTo(proc, 'caller', 200, sdp('caller2'));
  t.same(host.take(), ['caller INVITE sdp=referee', 'referee ACK sdp=caller2', 'caller ACK', 'paired caller+referee']);
});

t.test('the target never answers (timer C / fr_inv gives 408): NOTIFY 408 and rollback (§6.5 31/32)', async (t) => {
  const { host, proc } = transfer({ notify: true, rollbackFailed: true });
  host.take();
  host.replyTo(proc, 'referee', 408);
  host.end(proc, 'referee', 'timeout');
  t.same(host.take(), ['callee NOTIFY message/sipfrag;version=2.0 Event:refer;id=2 Subscription-State:terminated;reason=noresource', 'paired caller+callee']);
  t.match(new TextDecoder().decode(host.entity('callee').sent[1]!.request.body), /^SIP\/2\.0 408/);
});

t.test('a target that ends without any final reply fails with a status for its end', async (t) => {
  const { host, proc } = transfer({ notify: true, rollbackFailed: true });
  host.take();
  host.end(proc, 'referee', 'transport-error');
  t.match(new TextDecoder().decode(host.entity('callee').sent[1]!.request.body), /^SIP\/2\.0 503/);
  t.equal(host.outcome, 'failed 503 end=false');
});

t.test('retry: after a >=300 the late bridge restarts with the new client (§2.1 b2b_bridge_retry)', async (t) => {
  const { host, proc } = transfer({ noLateSdp: true }, {}, true);
  host.take();
  host.entity('referee').state = 'terminated';
  t.equal(proc.retry({ id: 'failure', uri: parseUri('sip:fail@10.0.0.8')! }), true);
  t.same(host.take(), ['failure new INVITE'], 'late SDP, whatever the first flags');
  host.end(proc, 'referee', 'rejected');
  t.equal(host.outcome, undefined, 'the old target ending is ignored');
  host.replyTo(proc, 'failure', 200, sdp('failure'));
  host.replyTo(proc, 'caller', 200, sdp('caller2'));
  t.same(host.take(), ['caller INVITE sdp=failure', 'failure ACK sdp=caller2', 'caller ACK', 'paired caller+failure']);
  t.equal(proc.retry(media), false, 'not once the bridge is done');
});

t.test('max_duration=N: now + N from the start, kept after the answer (§6.8)', async (t) => {
  const { host, proc } = transfer({ maxDurationS: 30 }, {}, true);
  t.equal(host.lifetimeMs, 30000);
  host.clock.advanceBy(5000);
  host.replyTo(proc, 'referee', 200, sdp('referee'));
  host.replyTo(proc, 'caller', 200, sdp('caller2'));
  t.equal(host.outcome, 'completed caller+referee lifetime=25000');
});

t.test('MI / API bridge: the old peer is BYEd at once', async (t) => {
  const host = new FakeHost();
  const proc = bridgeProcedure(host, { kept: host.caller, target: referee, flags: {}, oldPeer: 'bye-now' });
  t.same(host.take(), ['callee BYE', 'referee new INVITE X-Extra:1']);
  t.equal(host.caller.peer, undefined);
  host.replyTo(proc, 'referee', 404);
  t.equal(host.outcome, 'failed 404 end=true');
});

t.test('a reject callback that drops: the failed entity goes, the kept party waits (§2.6)', async (t) => {
  const host = new FakeHost({ reject: 'drop' });
  const proc = bridgeProcedure(host, { kept: host.caller, target: referee, flags: { rollbackFailed: true }, oldPeer: 'bye-now' });
  host.take();
  host.replyTo(proc, 'referee', 486);
  t.equal(host.outcome, 'failed 486 end=false');
  t.same(host.take(), []);
});

t.test('the target hangs up while the kept party is being re-INVITEd: ACK first, then rollback re-offers', async (t) => {
  const { host, proc } = transfer({ rollbackFailed: true, notify: true });
  host.replyTo(proc, 'callee', 200, undefined, 'NOTIFY');
  host.replyTo(proc, 'referee', 200, sdp('referee'));
  host.take();
  t.equal(host.request(proc, 'referee', 'BYE'), true);
  host.end(proc, 'referee', 'bye-received');
  t.same(host.take(), ['referee reply BYE 200']);
  host.replyTo(proc, 'caller', 200, sdp('caller2'));
  t.same(host.take(), ['caller ACK', 'callee INVITE']);
});

t.test('a kept party refusing the re-INVITE for the moment (491) is re-INVITEd after 2.1 s', async (t) => {
  const { host, proc } = transfer({}, {}, true);
  host.replyTo(proc, 'referee', 200, sdp('referee'));
  host.take();
  host.replyTo(proc, 'caller', 491);
  t.same(host.take(), []);
  host.clock.advanceBy(2100);
  t.same(host.take(), ['caller INVITE sdp=referee']);
  host.replyTo(proc, 'caller', 200, sdp('caller2'));
  t.equal(host.outcome, 'completed caller+referee lifetime=43200000');
});

t.test('a kept party that cannot take a re-INVITE now is retried, then the bridge gives up', async (t) => {
  const { host, proc } = transfer({}, {}, true);
  host.entity('caller').refuse = true;
  host.take();
  host.replyTo(proc, 'referee', 200, sdp('referee'));
  for (let i = 0; i < 6; i++) host.clock.advanceBy(2100);
  t.equal(host.outcome, 'failed 500 end=true');
  t.same(host.take(), ['referee BYE']);
  t.equal(host.timers.armedCount, 0);
});

t.test('notify + rollback: the transferor BYEs once the target answered (issue #3118): the bridge still completes', async (t) => {
  const { host, proc } = transfer({ notify: true, rollbackFailed: true });
  host.replyTo(proc, 'callee', 200, undefined, 'NOTIFY');
  host.replyTo(proc, 'referee', 200, sdp('referee'));
  host.take();
  t.equal(host.request(proc, 'callee', 'BYE'), true);
  host.end(proc, 'callee', 'bye-received');
  t.same(host.take(), ['callee reply BYE 200']);
  host.replyTo(proc, 'caller', 200, sdp('caller2'));
  t.same(host.take(), ['referee ACK sdp=caller2', 'caller ACK', 'paired caller+referee']);
  t.equal(host.outcome, 'completed caller+referee lifetime=43200000');
});

t.test('provisional media + no-late-sdp: the target gets the kept SDP and sees no re-INVITE; the kept party gets its SDP (§6.5 23)', async (t) => {
  const { host, proc } = transfer({ noLateSdp: true }, { provMedia: media }, true);
  host.replyTo(proc, 'caller', 200, sdp('caller2'));
  host.replyTo(proc, 'media', 200, sdp('media'));
  t.same(host.take(), ['caller INVITE', 'media new INVITE sdp=caller2', 'caller ACK sdp=media', 'media ACK', 'referee new INVITE sdp=caller2 X-Extra:1']);
  t.equal(host.session.state, 'bridging-init-sdp');
  host.replyTo(proc, 'referee', 200, sdp('referee'));
  t.same(host.take(), ['media BYE', 'caller INVITE sdp=referee']);
  host.replyTo(proc, 'caller', 200, sdp('caller3'));
  t.same(host.take(), ['referee ACK', 'caller ACK', 'paired caller+referee']);
});

t.test('the session ending while the 491 retry waits cancels the timer', async (t) => {
  const { host, proc } = transfer({ noLateSdp: true }, {}, true);
  host.replyTo(proc, 'referee', 200, sdp('referee'));
  host.replyTo(proc, 'caller', 200, sdp('caller2'));
  host.replyTo(proc, 'referee', 491);
  t.equal(host.timers.armedCount, 1);
  host.end(proc, 'caller', 'bye-received');
  t.equal(host.timers.armedCount, 0);
  t.equal(host.outcome, 'failed 487 end=true');
});

t.test('provisional media: a media server that ends without answering (transport error) is skipped', async (t) => {
  const { host, proc } = transfer({}, { provMedia: media }, true);
  host.replyTo(proc, 'caller', 200, sdp('caller2'));
  host.take();
  host.end(proc, 'media', 'transport-error');
  t.same(host.take(), ['caller ACK sdp=callee', 'referee new INVITE X-Extra:1']);
});

t.test('the kept party rejects the target offer: target ACKed and BYEd, rollback restores the old pair', async (t) => {
  const { host, proc } = transfer({ notify: true, rollbackFailed: true });
  host.replyTo(proc, 'callee', 200, undefined, 'NOTIFY');
  host.replyTo(proc, 'referee', 200, sdp('referee'));
  host.take();
  host.replyTo(proc, 'caller', 488);
  t.same(host.take(), ['referee BYE', 'callee INVITE'], 'the kept party was re-INVITEd: the old pair is re-offered');
  host.replyTo(proc, 'callee', 200, undefined, 'NOTIFY');
  t.same(host.take(), [], 'the transferor is kept for the rollback');
  host.replyTo(proc, 'callee', 500);
  t.equal(host.outcome, 'failed 488 end=true', 'a failed re-offer ends the session');
});

t.test('a kept dialog that answers 481 to our re-INVITE ends everything', async (t) => {
  const { host, proc } = transfer({}, {}, true);
  host.replyTo(proc, 'referee', 200, sdp('referee'));
  host.take();
  host.replyTo(proc, 'caller', 481);
  t.same(host.take(), ['referee BYE']);
  t.equal(host.outcome, 'failed 481 end=true');
});

t.test('hold refused by the kept party: the bridge goes on', async (t) => {
  const { host, proc } = transfer({ hold: true }, {}, true);
  host.take();
  host.replyTo(proc, 'caller', 488);
  t.same(host.take(), ['referee new INVITE X-Extra:1']);
});

t.test('provisional media: a kept 2xx without SDP skips the media server', async (t) => {
  const { host, proc } = transfer({}, { provMedia: media }, true);
  host.take();
  host.replyTo(proc, 'caller', 200);
  t.same(host.take(), ['caller ACK', 'referee new INVITE X-Extra:1']);
});

t.test('provisional media: a media server with no route is skipped', async (t) => {
  const host = new FakeHost();
  host.failStart.add('media');
  const { proc } = transfer({}, { provMedia: media }, true, host);
  host.replyTo(proc, 'caller', 200, sdp('caller2'));
  t.same(host.take(), ['caller INVITE', 'caller ACK sdp=callee', 'referee new INVITE X-Extra:1']);
});

t.test('a target with no route fails the bridge at once (500)', async (t) => {
  const host = new FakeHost();
  host.failStart.add('referee');
  transfer({ notify: true, rollbackFailed: true }, {}, false, host);
  t.equal(host.outcome, 'failed 500 end=false');
  t.match(new TextDecoder().decode(host.entity('callee').sent[1]!.request.body), /^SIP\/2\.0 500/);
});

t.test('a target 200 without any SDP: its 2xx is ACKed and the kept party makes the offer', async (t) => {
  const { host, proc } = transfer({}, {}, true);
  host.take();
  host.replyTo(proc, 'referee', 200);
  t.same(host.take(), ['referee ACK', 'caller INVITE']);
  host.replyTo(proc, 'caller', 200, sdp('caller2'));
  t.same(host.take(), ['referee INVITE sdp=caller2']);
});

t.test('no-late-sdp: a target refusing the re-offer (488) keeps the call on the SDPs it has', async (t) => {
  const { host, proc } = transfer({ noLateSdp: true }, {}, true);
  host.replyTo(proc, 'referee', 200, sdp('referee'));
  host.replyTo(proc, 'caller', 200, sdp('caller2'));
  host.take();
  host.replyTo(proc, 'referee', 488);
  t.same(host.take(), ['caller ACK sdp=referee', 'paired caller+referee']);
  t.equal(host.outcome, 'completed caller+referee lifetime=43200000');
});

t.test('no-late-sdp: a target dialog that answers 481 to the re-offer fails the bridge', async (t) => {
  const { host, proc } = transfer({ noLateSdp: true }, {}, true);
  host.replyTo(proc, 'referee', 200, sdp('referee'));
  host.replyTo(proc, 'caller', 200, sdp('caller2'));
  host.take();
  host.replyTo(proc, 'referee', 481);
  t.same(host.take(), ['caller ACK sdp=referee', 'referee BYE']);
  t.equal(host.outcome, 'failed 481 end=true');
});

t.test('no-late-sdp: a target with its own INVITE open: the bridge restarts from the kept party later', async (t) => {
  const { host, proc } = transfer({ noLateSdp: true }, {}, true);
  host.replyTo(proc, 'referee', 200, sdp('referee'));
  host.entity('referee').refuse = true;
  host.replyTo(proc, 'caller', 200, sdp('caller2'));
  t.same(host.take().slice(-1), ['caller ACK sdp=referee'], 'the kept party is ACKed with the target SDP meanwhile');
  host.entity('referee').refuse = false;
  host.clock.advanceBy(2100);
  t.same(host.take(), ['caller INVITE']);
  host.replyTo(proc, 'caller', 200, sdp('caller3'));
  t.same(host.take(), ['referee INVITE sdp=caller3']);
});

t.test('rollback: the old peer hanging up during the re-offer ends the session', async (t) => {
  const { host, proc } = transfer({ notify: true, rollbackFailed: true }, { provMedia: media });
  host.replyTo(proc, 'caller', 200, sdp('caller2'));
  host.replyTo(proc, 'media', 200, sdp('media'));
  host.replyTo(proc, 'referee', 404);
  host.replyTo(proc, 'callee', 200, sdp('callee2'));
  host.take();
  host.end(proc, 'callee', 'bye-received');
  t.equal(host.outcome, 'failed 404 end=true');
});

t.test('rollback: a kept party refusing the re-offer gets the old peer ACKed and the session ends', async (t) => {
  const { host, proc } = transfer({ notify: true, rollbackFailed: true }, { provMedia: media });
  host.replyTo(proc, 'caller', 200, sdp('caller2'));
  host.replyTo(proc, 'media', 200, sdp('media'));
  host.replyTo(proc, 'referee', 404);
  host.replyTo(proc, 'callee', 200, sdp('callee2'));
  host.take();
  host.replyTo(proc, 'caller', 488);
  t.same(host.take(), ['callee ACK']);
  t.equal(host.outcome, 'failed 404 end=true');
});

t.test('a target that is cancelled or unreachable reports 487 / 408 / 503', async (t) => {
  for (const [reason, status] of [['cancelled', 487], ['timeout', 408], ['transport-error', 503], ['deleted', 480]] as const) {
    const { host, proc } = transfer({ notify: true, rollbackFailed: true });
    host.end(proc, 'referee', reason);
    t.equal(host.outcome, `failed ${status} end=false`, reason);
  }
});
