/** The session starters' procedures (pickup, 3PCC, two calls) driven by hand through a fake host: the edges the simulator tests do not reach. */
import t from 'tap';
import type { SipRequest } from '../../../sip/message';
import type { ReceivedRequest } from '../../entities/entity-types';
import { defaultLogicConfig } from '../logic-types';
import type { Leg } from '../session';
import { FakeHost, sdp } from './procedure-test-host';
import { pickupProcedure } from './pickup-procedure';
import { thirdPartyProcedure } from './third-party-procedure';
import { twoCallsProcedure } from './two-calls-procedure';
import { parseUri } from '../../../sip';

/** A pickup INVITE as a new server leg (its `invite` is what the procedure answers). */
function picker(host: FakeHost, body = true): Leg {
  const leg = host.addLeg('server', 'pickup', 'new');
  const entity = leg.entity;
  const initial = body ? withBody(entity.initialRequest) : entity.initialRequest;
  Object.assign(entity, { initialRequest: initial, invite: { request: initial, entity, answered: false } satisfies ReceivedRequest });
  return leg;
}

function withBody(request: SipRequest): SipRequest {
  const body = sdp('picker');
  return Object.assign(Object.create(request) as SipRequest, {
    body: body.body, headerValues: (name: string) => (name.toLowerCase() === 'content-type' ? [body.contentType] : request.headerValues(name)),
  });
}

t.test('pickup: re-INVITE with the picker SDP, 200 to the picker with the kept answer, other BYE\'d at once', async (t) => {
  const host = new FakeHost();
  const p = pickupProcedure(host, { kept: host.caller, picker: picker(host), lateBye: false, termDelayS: 0, earlyUpdate: false });
  t.same(host.take(), ['callee BYE', 'caller INVITE sdp=picker']);
  host.replyTo(p, 'caller', 200, sdp('caller'));
  t.same(host.take(), ['caller ACK', 'pickup reply INVITE 200']);
  t.equal(host.outcome, undefined, 'waits for the ACK');
  t.ok(p.onAck(host.leg('pickup'), host.leg('pickup').entity.initialRequest));
  t.equal(host.outcome, `completed caller+pickup lifetime=${defaultLogicConfig.maxDurationS * 1000}`);
});

t.test('pickup of an early party with b2bl_early_update: UPDATE, no ACK', async (t) => {
  const host = new FakeHost();
  host.entity('caller').state = 'early';
  const p = pickupProcedure(host, { kept: host.caller, picker: picker(host), lateBye: true, termDelayS: 0, earlyUpdate: true });
  t.same(host.take(), ['caller UPDATE sdp=picker'], 'late_bye: the other party is kept for now');
  host.replyTo(p, 'caller', 200, sdp('caller'), 'UPDATE');
  t.same(host.take(), ['pickup reply INVITE 200']);
  p.onAck(host.leg('pickup'), host.leg('pickup').entity.initialRequest);
  t.same(host.take(), ['callee BYE', 'paired caller+pickup'], 'late_bye without delay: BYE at the ACK');
});

t.test('pickup failures: kept refuses the re-INVITE, the send is refused, the picker CANCELs', async (t) => {
  const refused = new FakeHost();
  const p1 = pickupProcedure(refused, { kept: refused.caller, picker: picker(refused), lateBye: true, termDelayS: 0, earlyUpdate: false });
  refused.take();
  refused.replyTo(p1, 'caller', 488);
  t.same(refused.take(), ['pickup reply INVITE 488', 'caller BYE', 'callee BYE']);
  t.equal(refused.outcome, 'failed 488 end=true');

  const busy = new FakeHost();
  busy.entity('caller').refuse = true;
  pickupProcedure(busy, { kept: busy.caller, picker: picker(busy), lateBye: false, termDelayS: 0, earlyUpdate: false });
  t.match(busy.take(), ['callee BYE', 'pickup reply INVITE 500']);
  t.equal(busy.outcome, 'failed 500 end=true');

  const cancelled = new FakeHost();
  const p3 = pickupProcedure(cancelled, { kept: cancelled.caller, picker: picker(cancelled), lateBye: false, termDelayS: 0, earlyUpdate: false });
  cancelled.take();
  t.ok(p3.onCancel(cancelled.leg('pickup')));
  t.same(cancelled.take(), ['pickup reply INVITE 487', 'caller BYE']);
  t.notOk(p3.onCancel(cancelled.leg('pickup')), 'once over, nothing more is consumed');
});

t.test('pickup with late_bye: a BYE from the replaced party is answered here, not relayed', async (t) => {
  const host = new FakeHost();
  const p = pickupProcedure(host, { kept: host.caller, picker: picker(host), lateBye: true, termDelayS: 2, earlyUpdate: false });
  host.take();
  t.ok(host.request(p, 'callee', 'BYE'));
  t.same(host.take(), ['callee reply BYE 200']);
  t.equal(host.callee.peer, undefined, 'unpaired');
  t.notOk(host.request(p, 'caller', 'INFO'), 'other requests follow the usual path');
});

t.test('pickup with a late-offer INVITE: the kept party\'s offer goes to the picker, the picker\'s ACK answer to the kept party', async (t) => {
  const host = new FakeHost();
  const leg = picker(host, false);
  const p = pickupProcedure(host, { kept: host.caller, picker: leg, lateBye: false, termDelayS: 0, earlyUpdate: false });
  t.same(host.take(), ['callee BYE', 'caller INVITE']);
  host.replyTo(p, 'caller', 200, sdp('caller'));
  t.same(host.take(), ['pickup reply INVITE 200'], 'no ACK yet: it must carry the answer');
  p.onAck(leg, withBody(leg.entity.initialRequest));
  t.same(host.take(), ['caller ACK sdp=picker', 'paired caller+pickup']);
});

const first = { id: 'customer', uri: parseUri('sip:cust@10.0.0.5')! };
const second = { id: 'media', uri: parseUri('sip:ann@10.0.0.6')! };

t.test('3PCC: offer from the first party to the second, answer back in the ACK', async (t) => {
  const host = new FakeHost();
  const p = thirdPartyProcedure(host, { first, second });
  t.same(host.take(), ['customer new INVITE']);
  host.replyTo(p, 'customer', 180);
  t.same(host.take(), [], 'provisional replies change nothing');
  host.replyTo(p, 'customer', 200, sdp('customer'));
  t.same(host.take(), ['media new INVITE sdp=customer']);
  t.equal(host.lifetimeMs, defaultLogicConfig.maxDurationS * 1000, 'max_duration once a leg answered');
  host.replyTo(p, 'media', 200, sdp('media'));
  t.same(host.take(), ['customer ACK sdp=media', 'media ACK', 'paired customer+media']);
  t.ok(p.owns(host.entity('customer').invite!));
});

t.test('3PCC failures: offerless 2xx, BYE from the first party while the second rings, leg ended', async (t) => {
  const noOffer = new FakeHost();
  const p1 = thirdPartyProcedure(noOffer, { first, second });
  noOffer.take();
  noOffer.replyTo(p1, 'customer', 200);
  t.same(noOffer.take(), ['customer BYE']);
  t.equal(noOffer.outcome, 'failed 488 end=true');

  const bye = new FakeHost();
  const p2 = thirdPartyProcedure(bye, { first, second });
  bye.replyTo(p2, 'customer', 200, sdp('customer'));
  bye.take();
  t.ok(bye.request(p2, 'customer', 'BYE'));
  t.same(bye.take(), ['customer reply BYE 200', 'customer BYE', 'media CANCEL']);
  t.equal(bye.outcome, 'failed 487 end=true');

  const ended = new FakeHost();
  const p3 = thirdPartyProcedure(ended, { first, second });
  ended.take();
  ended.end(p3, 'customer', 'timeout');
  t.equal(ended.outcome, 'failed 500 end=true');
  t.notOk(p3.retry(first), 'no retry in 3PCC');
});

t.test('3PCC notify: NOTIFY 100 to the named leg at once, the final status when done', async (t) => {
  const host = new FakeHost();
  const p = thirdPartyProcedure(host, { first, second, notify: { leg: host.callee, referCseq: 7 } });
  t.match(host.take(), [/^callee NOTIFY message\/sipfrag.* Event:refer;id=7 Subscription-State:active;expires=60$/, 'customer new INVITE']);
  host.replyTo(p, 'customer', 486);
  t.match(host.take(), [/^callee NOTIFY .*Subscription-State:terminated;reason=noresource$/]);
  t.equal(host.outcome, 'failed 486 end=true');
});

t.test('two calls: late re-INVITE to the kept party, its offer to the moved leg, the answer in the ACK', async (t) => {
  const host = new FakeHost();
  const moved = host.addLeg('server', 'moved', 'confirmed');
  const p = twoCallsProcedure(host, { kept: host.caller, moved });
  t.same(host.take(), ['caller INVITE']);
  host.replyTo(p, 'caller', 200, sdp('caller'));
  t.same(host.take(), ['moved INVITE sdp=caller']);
  host.replyTo(p, 'moved', 200, sdp('moved'));
  t.same(host.take(), ['caller ACK sdp=moved', 'moved ACK', 'paired caller+moved']);

  const rejected = new FakeHost();
  const m2 = rejected.addLeg('server', 'moved', 'confirmed');
  const p2 = twoCallsProcedure(rejected, { kept: rejected.caller, moved: m2 });
  rejected.replyTo(p2, 'caller', 200);
  t.same(rejected.take(), ['caller INVITE', 'caller ACK', 'caller BYE', 'moved BYE'], 'no offer from the kept party: both ended');
  t.equal(rejected.outcome, 'failed 488 end=true');
});
