/**
 * Parking and pickup (opensips-b2b.md §2.1 b2b_bridge_request, §6.5 "Parking / pickup", SIPssert 26): a
 * caller parked on a media server is picked up by a new INVITE; the media leg is BYE'd at once, at the
 * picker's ACK (`late_bye`), or `old_entity_term_delay` seconds later.
 */
import t from 'tap';
import { parseUri } from '../../engine/sip';
import { defaultDelegate, type B2bStack } from '../../engine/b2b/b2b-stack';
import type { EntitiesDelegate } from '../../engine/b2b/entities/entity-types';
import type { LogicConfig } from '../../engine/b2b/logic/logic-types';
import { leftovers, newWorld } from '../dialog/sim-ua';
import { addB2b, b2bLeftovers, viaB2b } from './sim-b2b';
import { addParty, distinct, sdp, watchSession, type Party } from './starters-support';

const PARK_URI = 'sip:park@10.0.0.6:5060';

/** The parking script of §6.5 as a main route: `park…` parks the caller, `pickup…` picks the parked call up. */
function parkingRoute(parked: { key?: string }, lateBye: boolean) {
  return (stack: B2bStack): EntitiesDelegate => ({
    onInitialRequest: (request, tx) => {
      const user = request.method === 'INVITE' && 'user' in request.uri ? request.uri.user ?? '' : '';
      if (user.startsWith('park')) {
        const result = stack.logic.initRequest(tx, {
          scenario: 'parking', flags: {}, targets: [{ uri: request.uri }], request,
          server: { id: 'caller' }, clients: [{ id: 'media', uri: parseUri(PARK_URI)! }],
        }, tx.context);
        if (result.ok) parked.key = result.key;
        return;
      }
      if (user.startsWith('pickup')) {
        stack.logic.bridgeRequest(tx, { key: parked.key ?? 'none', entityNo: 0, request, lateBye }, tx.context);
        return;
      }
      defaultDelegate(stack).onInitialRequest(request, tx);
    },
  });
}

function setup(seed: number, options: { lateBye?: boolean; logic?: Partial<LogicConfig>; media?: 'answer' | 'ring' } = {}) {
  const world = newWorld(seed);
  const log: string[] = [];
  const parked: { key?: string } = {};
  const b2b = addB2b(world, options.logic ?? {}, { delegate: parkingRoute(parked, options.lateBye === true) });
  const alice = addParty(world, 'alice', '10.0.0.1', 'answer', log);
  const media = addParty(world, 'media', '10.0.0.6', options.media ?? 'answer', log);
  const carol = addParty(world, 'carol', '10.0.0.3', 'answer', log);
  const call = (from: typeof alice, user: string, party: Party) => from.app.stack.core.invite(
    { to: { uri: parseUri(`sip:${user}@10.0.0.9:5060`)!, params: new Map() }, destination: viaB2b(), body: sdp(party.name) },
    { onAccepted: (session) => watchSession(party, session, sdp(party.name)), onFailed: (status) => { party.ended = `failed ${status}`; } },
  );
  const park = () => {
    call(alice, 'park123', alice.party);
    world.runSync({ until: () => alice.party.session !== undefined && media.party.wire.includes('ACK empty') });
  };
  const nothingLeft = () => [...leftovers(alice.app), ...leftovers(media.app), ...leftovers(carol.app), ...b2bLeftovers(b2b.app)];
  return { world, log, b2b, parked, startPark: () => call(alice, 'park123', alice.party), alice: alice.party, media: media.party, carol: carol.party, park, pickup: () => call(carol, 'pickup123', carol.party), nothingLeft };
}

/** When the media server got its BYE, and when carol got her 200. */
function times(s: ReturnType<typeof setup>): { bye: number; answered: number } {
  const bye = s.media.times[s.media.wire.indexOf('BYE empty')] ?? -1;
  const answered = s.carol.times[s.carol.wire.indexOf('200 alice')] ?? -1;
  return { bye, answered };
}

t.test('pickup: the media leg is BYE\'d at once, alice re-INVITEd with carol\'s SDP, carol gets alice\'s SDP', async (t) => {
  const s = setup(1);
  s.park();
  t.same(distinct(s.media.wire), ['INVITE alice', 'ACK empty'], 'parked on the media server');
  const key = s.parked.key!;
  s.pickup();
  s.world.runSync({ until: () => s.carol.session !== undefined && s.media.ended !== undefined });
  const pair = () => s.b2b.app.stack.logic.list().find((x) => x.key === key)?.bridgeEntities.map((e) => e.scenarioId);
  s.world.runSync({ until: () => pair()?.[1] === 'pickup' });
  t.ok(s.media.wire.includes('BYE empty'), 'media BYE');
  t.same(distinct(s.alice.wire), ['200 media', 'INVITE carol', 'ACK empty'], "alice: re-INVITE with carol's SDP");
  t.ok(s.carol.wire.includes('200 alice'), "carol answered with alice's SDP");
  const { bye, answered } = times(s);
  t.ok(bye >= 0 && bye < answered, `media BYE (${bye}) before carol's 200 (${answered})`);
  const listed = s.b2b.app.stack.logic.list().find((x) => x.key === key)!;
  t.equal(listed.state, 4, 'bridged again');
  t.same(listed.bridgeEntities.map((e) => e.scenarioId), ['caller', 'pickup'], 'kept party [0], picker [1]');
  s.carol.session!.bye();
  s.world.runSync();
  t.equal(s.alice.ended, 'bye-received', "carol's BYE reached alice");
  t.same(s.nothingLeft(), []);
});

t.test('pickup with late_bye: the media leg is BYE\'d only after carol\'s ACK', async (t) => {
  const s = setup(2, { lateBye: true });
  s.park();
  s.pickup();
  s.world.runSync({ until: () => s.media.ended !== undefined });
  const { bye, answered } = times(s);
  t.ok(answered >= 0 && bye > answered, `media BYE (${bye}) after carol's 200 (${answered})`);
  t.ok(bye - answered < 1000, 'no delay configured');
  s.alice.session!.bye();
  s.world.runSync();
  t.equal(s.carol.ended, 'bye-received', "alice's BYE reached carol");
  t.same(s.nothingLeft(), []);
});

t.test('pickup with late_bye and old_entity_term_delay 2 s: the media BYE comes 2 s after the ACK', async (t) => {
  const s = setup(3, { lateBye: true, logic: { oldEntityTermDelayS: 2 } });
  s.park();
  s.pickup();
  s.world.runSync({ until: () => s.carol.session !== undefined });
  s.world.runSync({ until: () => s.media.ended !== undefined });
  const { bye, answered } = times(s);
  t.ok(bye - answered >= 2000 && bye - answered < 3000, `media BYE ${bye - answered} ms after carol's 200`);
  s.carol.session!.bye();
  s.world.runSync();
  t.equal(s.alice.ended, 'bye-received');
  t.same(s.nothingLeft(), []);
});

t.test('pickup of an unknown key: 404 B2B session not found', async (t) => {
  const s = setup(4);
  s.pickup();
  s.world.runSync();
  t.equal(s.carol.ended, 'failed 404');
  t.same(s.nothingLeft(), []);
});

t.test('alice refuses the re-INVITE and hangs up: carol is refused and everything ends', async (t) => {
  const s = setup(5);
  s.park();
  // alice refuses the re-INVITE and hangs up.
  s.alice.session!.handler = { ...s.alice.session!.handler, onReinvite: (_s, _r, reply) => {
    reply(487);
    s.alice.session!.bye();
  } };
  s.pickup();
  s.world.runSync();
  t.match(s.carol.ended, /^failed (4|5)\d\d$/, `carol refused (${s.carol.ended})`);
  t.equal(s.b2b.app.stack.logic.counts.sessions, 0);
  t.same(s.nothingLeft(), []);
});

t.test('pickup of a party still ringing (no b2bl_early_update): 480, the parked call goes on', async (t) => {
  const s = setup(6, { media: 'ring' });
  s.startPark();
  s.world.runSync({ until: () => s.media.invite !== undefined && s.parked.key !== undefined });
  s.pickup();
  s.world.runSync({ until: () => s.carol.ended !== undefined });
  t.equal(s.carol.ended, 'failed 480');
  t.equal(s.b2b.app.stack.logic.counts.sessions, 1, 'the parked session is untouched');
  t.same(s.media.wire, ['INVITE alice'], 'the media server saw nothing but its INVITE');
  s.b2b.app.stack.logic.terminate(s.parked.key!);
  s.world.runSync();
  t.match(s.alice.ended, /^failed 4\d\d$/);
  t.same(s.nothingLeft(), []);
});
