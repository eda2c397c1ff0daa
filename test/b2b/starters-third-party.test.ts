/** 3PCC from the middle (opensips-b2b.md §2.4 trigger_scenario, §6.3 marketing): two new clients joined by late SDP. */
import t from 'tap';
import { parseUri } from '../../engine/sip';
import type { LogicRoutes } from '../../engine/b2b/logic/scripted-types';
import { leftovers, newWorld } from '../dialog/sim-ua';
import { addB2b, b2bLeftovers, viaB2b } from './sim-b2b';
import { addParty, distinct, sdp, sdpName, watchSession, type PartyPlan } from './starters-support';

const SERVER_ADDRESS = 'sip:b2b@10.0.0.9:5060';

function setup(seed: number, plans: { customer?: PartyPlan; media?: PartyPlan } = {}, config: { serverAddress?: string } = { serverAddress: SERVER_ADDRESS }) {
  const world = newWorld(seed);
  const log: string[] = [];
  const b2b = addB2b(world, { ...config });
  const customer = addParty(world, 'customer', '10.0.0.5', plans.customer ?? 'answer', log);
  const media = addParty(world, 'media', '10.0.0.6', plans.media ?? 'answer', log);
  const logic = () => b2b.app.stack.logic;
  const trigger = (routes?: LogicRoutes) => logic().triggerScenario({
    scenario: 'marketing',
    first: { id: 'customer', uri: parseUri('sip:cust@10.0.0.5:5060')! },
    second: { id: 'media', uri: parseUri('sip:ann@10.0.0.6:5060')!, fromDname: 'Announcer' },
    ctx: new Map([['operator_uri', 'sip:op@10.0.0.7:5060']]),
    ...(routes === undefined ? {} : { routes }),
  });
  const nothingLeft = () => [...leftovers(customer.app), ...leftovers(media.app), ...b2bLeftovers(b2b.app)];
  return { world, log, b2b, customer: customer.party, media: media.party, logic, trigger, nothingLeft };
}

t.test('marketing-like 3PCC: late INVITE to the customer, its offer to the media server, the answer in the ACK; media BYE relayed', async (t) => {
  const s = setup(1);
  const started = s.trigger();
  t.ok(started.ok, 'started');
  const key = started.ok ? started.key : '';
  t.equal(s.logic().list()[0]?.lifetime, 0, 'no expiry while the customer is being called');
  s.world.runSync({ until: () => s.customer.session !== undefined && s.media.session !== undefined && s.media.wire.includes('ACK empty') });
  t.same(distinct(s.customer.wire), ['INVITE empty', 'ACK media'], 'customer: late INVITE, ACK with the media answer');
  t.same(distinct(s.media.wire), ['INVITE customer', 'ACK empty'], "media: INVITE with the customer's offer");
  const toCustomer = s.customer.requests[0]!;
  const toMedia = s.media.requests[0]!;
  t.equal(String('user' in toCustomer.from.uri ? toCustomer.from.uri.user : ''), 'ann', "the customer sees the media server's URI as From");
  t.equal(String('user' in toMedia.from.uri ? toMedia.from.uri.user : ''), 'cust', "the media server sees the customer's URI as From");
  t.equal(toMedia.from.displayName, 'Announcer', "entity2's from_dname");
  const contact = toCustomer.contact;
  t.ok(contact !== undefined && !contact.star && 'user' in contact.contacts[0]!.uri && contact.contacts[0]!.uri.user === 'b2b', 'Contact is server_address');
  const listed = s.logic().list()[0]!;
  t.equal(listed.key, key);
  t.equal(listed.state, 4, 'bridged');
  t.ok(listed.lifetime > 40_000, 'max_duration once answered');
  t.same(listed.bridgeEntities.map((e) => e.scenarioId), ['customer', 'media']);
  t.equal(s.logic().ctx(key)?.get('operator_uri'), 'sip:op@10.0.0.7:5060', 'context seeded');
  s.media.session!.bye();
  s.world.runSync();
  t.equal(s.customer.ended, 'bye-received', 'the BYE reached the customer');
  t.same(s.nothingLeft(), []);
});

t.test('customer hangs up first: its BYE goes to the media server', async (t) => {
  const s = setup(2);
  s.trigger();
  s.world.runSync({ until: () => s.media.wire.includes('ACK empty') });
  s.customer.session!.bye();
  s.world.runSync();
  t.equal(s.media.ended, 'bye-received');
  t.same(s.nothingLeft(), []);
});

t.test('customer rejects: the media server is never called and the session ends', async (t) => {
  const s = setup(3, { customer: { reject: 486 } });
  t.ok(s.trigger().ok);
  s.world.runSync();
  t.same(s.media.wire, [], 'nothing sent to the media server');
  t.equal(s.logic().counts.sessions, 0);
  t.same(s.nothingLeft(), []);
});

t.test('media server rejects: the answered customer gets ACK then BYE', async (t) => {
  const s = setup(4, { media: { reject: 503 } });
  s.trigger();
  s.world.runSync();
  t.same(distinct(s.customer.wire).slice(0, 1), ['INVITE empty']);
  t.ok(s.customer.wire.includes('BYE empty'), s.customer.wire.join(' | '));
  t.equal(s.customer.ended, 'bye-received');
  t.equal(s.logic().counts.sessions, 0);
  t.same(s.nothingLeft(), []);
});

t.test('the customer hangs up while the media server rings: CANCEL to the media server, session ends', async (t) => {
  const s = setup(5, { media: 'ring' });
  s.trigger();
  s.world.runSync({ until: () => s.media.invite !== undefined && s.customer.session !== undefined });
  s.world.runSync({ until: () => s.customer.wire.includes('ACK empty') || s.world.nowMs > 5000 });
  s.customer.session!.bye();
  s.world.runSync();
  t.ok(s.media.wire.includes('CANCEL empty'), s.media.wire.join(' | '));
  t.equal(s.logic().counts.sessions, 0);
  t.same(s.nothingLeft(), []);
});

t.test('without server_address: 500 "Failed to initialize scenario", nothing sent', async (t) => {
  const s = setup(6, {}, {});
  t.same(s.trigger(), { ok: false, code: 500, message: 'Failed to initialize scenario' });
  s.world.runSync();
  t.same(s.customer.wire, []);
  t.same(s.nothingLeft(), []);
});

t.test('routes given to trigger run for the 3PCC session (request route passes everything)', async (t) => {
  const s = setup(7);
  const seen: string[] = [];
  s.trigger({ request: (ctx) => { seen.push(`${ctx.entity.id} ${ctx.request.method}`); ctx.passRequest(); } });
  s.world.runSync({ until: () => s.media.wire.includes('ACK empty') });
  s.media.session!.bye();
  s.world.runSync();
  t.same(seen, ['media BYE']);
  t.equal(s.customer.ended, 'bye-received');
  t.same(s.nothingLeft(), []);
  t.equal(sdpName(new Uint8Array()), 'empty');
});

t.test('notify: the named party of another session gets NOTIFY 100 Trying, then the final status, and stays up', async (t) => {
  const s = setup(8);
  const alice = addParty(s.world, 'alice', '10.0.0.1');
  const bob = addParty(s.world, 'bob', '10.0.0.2');
  alice.app.stack.core.invite(
    { to: { uri: parseUri('sip:bob@10.0.0.2:5060')!, params: new Map() }, destination: viaB2b(), body: sdp('alice') },
    { onAccepted: (session) => watchSession(alice.party, session, sdp('alice')) },
  );
  s.world.runSync({ until: () => alice.party.session !== undefined && bob.party.wire.includes('ACK empty') });
  const thKey = s.logic().list()[0]!.key;
  const started = s.logic().triggerScenario({
    scenario: 'out-of-dialog-refer',
    first: { id: 'customer', uri: parseUri('sip:cust@10.0.0.5:5060')! },
    second: { id: 'media', uri: parseUri('sip:ann@10.0.0.6:5060')! },
    notify: { sessionKey: thKey, party: 0 },
  });
  t.ok(started.ok);
  s.world.runSync({ until: () => s.media.wire.includes('ACK empty') && alice.party.requests.filter((r) => r.method === 'NOTIFY').length === 2 });
  const notifies = alice.party.requests.filter((r) => r.method === 'NOTIFY');
  t.same(notifies.map((r) => new TextDecoder().decode(r.body).trim()), ['SIP/2.0 100 Trying', 'SIP/2.0 200 OK']);
  t.same(notifies.map((r) => r.header('subscription-state')), ['active;expires=60', 'terminated;reason=noresource']);
  t.equal(notifies[0]!.header('event'), 'refer');
  t.equal(alice.party.ended, undefined, 'the notified party is not terminated');
  s.media.session!.bye();
  alice.party.session!.bye();
  s.world.runSync();
  t.same([...s.nothingLeft(), ...leftovers(alice.app), ...leftovers(bob.app)], []);
});

t.test('notify of an unknown session: 500 Failed to initialize scenario, nothing called', async (t) => {
  const s = setup(9);
  const r = s.logic().triggerScenario({
    scenario: 'x', first: { id: 'a', uri: parseUri('sip:cust@10.0.0.5:5060')! }, second: { id: 'b', uri: parseUri('sip:ann@10.0.0.6:5060')! },
    notify: { sessionKey: '1.1', party: 0 },
  });
  t.same(r, { ok: false, code: 500, message: 'Failed to initialize scenario' });
  s.world.runSync();
  t.same(s.customer.wire, []);
  t.same(s.nothingLeft(), []);
});

t.test('the full marketing flow: media BYE → the route bridges the customer to the operator (late SDP)', async (t) => {
  const s = setup(10);
  const operator = addParty(s.world, 'operator', '10.0.0.7');
  const routes: LogicRoutes = {
    request: (ctx) => {
      if (ctx.request.method === 'BYE' && ctx.entity.id === 'media' && ctx.ctx.get('state') !== '2') {
        ctx.sendReply(200, 'OK');
        ctx.deleteEntity();
        ctx.clientNew({ id: 'operator', uri: parseUri(ctx.ctx.get('operator_uri')!)! });
        ctx.bridge('customer', 'operator');
        ctx.ctx.set('state', '2');
        return;
      }
      ctx.passRequest();
    },
  };
  t.ok(s.trigger(routes).ok);
  s.world.runSync({ until: () => s.media.wire.includes('ACK empty') });
  s.media.session!.bye();
  s.world.runSync({ until: () => operator.party.wire.includes('ACK customer') && s.customer.wire.filter((l) => l === 'ACK empty').length === 1 });
  t.same(distinct(s.customer.wire), ['INVITE empty', 'ACK media', 'INVITE operator', 'ACK empty'], "customer: re-INVITE with the operator's offer");
  t.same(distinct(operator.party.wire), ['INVITE empty', 'ACK customer'], 'operator: late INVITE, answer in the ACK');
  t.same(s.logic().list()[0]!.bridgeEntities.map((e) => e.scenarioId), ['customer', 'operator']);
  operator.party.session!.bye();
  s.world.runSync();
  t.equal(s.customer.ended, 'bye-received');
  t.same([...s.nothingLeft(), ...leftovers(operator.app)], []);
});
