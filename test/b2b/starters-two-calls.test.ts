/**
 * The programmatic API (opensips-b2b.md §2.6, §5.3 call center): init with a server INVITE and with two
 * clients (3PCC), callbacks deciding BYEs, bridge_2calls moving a live party between sessions, stats,
 * entity info, peer, context.
 */
import t from 'tap';
import { parseUri } from '../../engine/sip';
import { defaultDelegate, type B2bStack } from '../../engine/b2b/b2b-stack';
import { B2bApi } from '../../engine/b2b/logic/b2b-api';
import type { EntitiesDelegate } from '../../engine/b2b/entities/entity-types';
import type { SessionCallbacks } from '../../engine/b2b/logic/scripted-types';
import { leftovers, newWorld } from '../dialog/sim-ua';
import { addB2b, b2bLeftovers, viaB2b } from './sim-b2b';
import { addParty, distinct, sdp, watchSession } from './starters-support';

function setup(seed: number, callbacks2: SessionCallbacks = {}) {
  const world = newWorld(seed);
  const log: string[] = [];
  const events: string[] = [];
  const keys: { first?: string } = {};
  let api: B2bApi | undefined;
  const route = (stack: B2bStack): EntitiesDelegate => ({
    onInitialRequest: (request, tx) => {
      if (request.method !== 'INVITE') {
        defaultDelegate(stack).onInitialRequest(request, tx);
        return;
      }
      api ??= new B2bApi(stack.logic);
      const result = api.initCall(tx, tx.context, {
        scenario: 'cc', request, client: { id: 'agent', uri: parseUri('sip:bob@10.0.0.2:5060')! },
        ctx: new Map([['queue', 'sales']]),
        callbacks: {
          onConfirmed: (e) => { events.push(`confirmed ${e.entity.id}`); return 'follow'; },
          onDestroy: (e) => { events.push(`destroy ${e.key === keys.first ? 'first' : e.key}`); },
        },
      });
      if (result.ok) keys.first = result.key;
    },
  });
  const b2b = addB2b(world, { serverAddress: 'sip:cc@10.0.0.9:5060' }, { delegate: route });
  const alice = addParty(world, 'alice', '10.0.0.1', 'answer', log);
  const bob = addParty(world, 'bob', '10.0.0.2', 'answer', log);
  const carol = addParty(world, 'carol', '10.0.0.3', 'answer', log);
  const media = addParty(world, 'media', '10.0.0.6', 'answer', log);
  alice.app.stack.core.invite(
    { to: { uri: parseUri('sip:cc@10.0.0.9:5060')!, params: new Map() }, destination: viaB2b(), body: sdp('alice') },
    { onAccepted: (session) => watchSession(alice.party, session, sdp('alice')) },
  );
  world.runSync({ until: () => alice.party.session !== undefined && bob.party.wire.includes('ACK empty') });
  const facade = api ?? new B2bApi(b2b.app.stack.logic);
  const second = facade.initThirdParty({
    scenario: 'flow', first: { id: 'agent2', uri: parseUri('sip:carol@10.0.0.3:5060')! }, second: { id: 'flow', uri: parseUri('sip:flow@10.0.0.6:5060')! },
    callbacks: callbacks2,
  });
  world.runSync({ until: () => media.party.wire.includes('ACK empty') });
  const nothingLeft = () => [alice, bob, carol, media].flatMap((p) => leftovers(p.app)).concat(b2bLeftovers(b2b.app));
  return { world, events, api: facade, key1: keys.first!, key2: second.ok ? second.key : '', b2b, alice: alice.party, bob: bob.party, carol: carol.party, media: media.party, nothingLeft };
}

t.test('bridge_2calls: carol (session 2) replaces bob in session 1; alice re-INVITEd late, carol gets her offer', async (t) => {
  const s = setup(1);
  t.same(s.events, ['confirmed agent'], 'B2B_CONFIRMED_CB for the initial call');
  t.ok(s.key2 !== '' && s.key2 !== s.key1, 'two sessions');
  t.same(s.api.ctx(s.key1)?.get('queue'), 'sales');
  t.same(s.api.entityInfo(s.key1, 1)?.id, 'agent');
  const stats = s.api.stats(s.key1)!;
  t.ok(stats.setupMs !== undefined && stats.setupMs >= stats.startMs, 'answered after it started');
  t.same(s.api.bridgeTwoCalls(s.key1, s.key2), { ok: true, key: s.key1 });
  s.world.runSync({ until: () => s.carol.wire.includes('INVITE alice') && s.alice.wire.filter((l) => l === 'ACK carol').length > 0 });
  t.equal(s.bob.ended, 'bye-received', "session 1's party [1] BYE'd");
  t.equal(s.media.ended, 'bye-received', "carol's old peer BYE'd");
  t.same(distinct(s.alice.wire).slice(1), ['INVITE empty', 'ACK carol'], 'alice: late re-INVITE, ACK with carol\'s answer');
  t.ok(s.carol.wire.includes('INVITE alice'), "carol: re-INVITE with alice's offer");
  const list = s.b2b.app.stack.logic.list();
  t.equal(list.length, 1, 'session 2 is gone');
  t.same(list[0]!.bridgeEntities.map((e) => e.scenarioId), ['caller', 'agent2']);
  const aliceLeg = s.api.entityInfo(s.key1, 0)!;
  const carolLeg = s.api.entityInfo(s.key1, 1)!;
  t.equal(s.b2b.app.stack.logic.peer(`${aliceLeg.callId};${aliceLeg.fromTag};${aliceLeg.toTag}`), `${carolLeg.callId};${carolLeg.fromTag};${carolLeg.toTag}`, '$b2b_logic.peer');
  s.alice.session!.bye();
  s.world.runSync();
  t.equal(s.carol.ended, 'bye-received');
  t.same(s.events, ['confirmed agent', 'destroy first'], 'B2B_DESTROY_CB once');
  t.same(s.nothingLeft(), []);
});

t.test('a BYE callback drops the flow leg; bridge_2calls then joins the agent left alone', async (t) => {
  const byes: string[] = [];
  const s = setup(2, { onBye: (e) => { byes.push(e.entity.id); return e.entity.id === 'flow' ? 'drop' : 'follow'; } });
  s.media.session!.bye();
  s.world.runSync({ until: () => s.media.wire.some((l) => l.startsWith('200')) });
  t.same(byes, ['flow']);
  t.equal(s.carol.ended, undefined, 'carol kept up, waiting for the API user');
  t.same(s.api.bridgeTwoCalls(s.key1, s.key2), { ok: true, key: s.key1 });
  s.world.runSync({ until: () => s.alice.wire.includes('ACK carol') });
  t.equal(s.bob.ended, 'bye-received');
  s.carol.session!.bye();
  s.world.runSync();
  t.equal(s.alice.ended, 'bye-received');
  t.same(s.nothingLeft(), []);
});

t.test('API bridge of party 0 to a new URI BYEs its peer; terminate ends the other session; unknown keys', async (t) => {
  const s = setup(3);
  t.same(s.api.bridge(s.key1, { id: 'agent3', uri: parseUri('sip:carol2@10.0.0.3:5060')! }), { ok: true, key: s.key1 });
  s.world.runSync({ until: () => s.alice.wire.includes('ACK empty') });
  t.same(distinct(s.alice.wire).slice(1), ['INVITE carol', 'ACK empty'], "alice re-INVITEd with the new party's offer");
  t.ok(s.api.terminate(s.key2));
  s.world.runSync({ until: () => s.media.ended !== undefined });
  t.equal(s.bob.ended, 'bye-received');
  t.equal(s.media.ended, 'bye-received', 'terminate: BYE to both parties of session 2');
  t.same(s.api.bridgeTwoCalls(s.key1, 'nope'), { ok: false, code: 404, message: 'B2B session not found' });
  t.equal(s.api.stats('nope'), undefined);
  t.equal(s.api.registerCallbacks('nope', {}), false);
  t.ok(s.api.registerCallbacks(s.key1, { onDestroy: () => s.events.push('replaced destroy') }));
  s.alice.session!.bye();
  s.world.runSync();
  t.same(s.events.slice(-1), ['replaced destroy'], 'the registered callbacks replaced the old ones');
  t.same(s.nothingLeft(), []);
});

t.test('API bridge while the callee still rings: a retry of the callee (the ringing one is CANCELled)', async (t) => {
  const world = newWorld(4);
  const keys: string[] = [];
  let api: B2bApi | undefined;
  const b2b = addB2b(world, {}, {
    delegate: (stack) => ({
      onInitialRequest: (request, tx) => {
        api ??= new B2bApi(stack.logic);
        const r = api.initCall(tx, tx.context, { scenario: 'cc', request, client: { id: 'agent', uri: parseUri('sip:bob@10.0.0.2:5060')! } });
        if (r.ok) keys.push(r.key);
      },
    }),
  });
  const alice = addParty(world, 'alice', '10.0.0.1');
  const bob = addParty(world, 'bob', '10.0.0.2', 'ring');
  const carol = addParty(world, 'carol', '10.0.0.3');
  alice.app.stack.core.invite(
    { to: { uri: parseUri('sip:cc@10.0.0.9:5060')!, params: new Map() }, destination: viaB2b(), body: sdp('alice') },
    { onAccepted: (session) => watchSession(alice.party, session, sdp('alice')) },
  );
  world.runSync({ until: () => bob.party.invite !== undefined });
  t.same(api!.bridge(keys[0]!, { id: 'agent2', uri: parseUri('sip:carol@10.0.0.3:5060')! }), { ok: true, key: keys[0] });
  world.runSync({ until: () => alice.party.session !== undefined && carol.party.wire.includes('ACK empty') });
  t.ok(bob.party.wire.includes('CANCEL empty'), 'the ringing callee is CANCELled');
  t.same(distinct(carol.party.wire).slice(0, 1), ['INVITE alice'], "carol gets the caller's SDP");
  t.ok(alice.party.wire.includes('200 carol'), "alice answered with carol's SDP");
  alice.party.session!.bye();
  world.runSync();
  t.equal(carol.party.ended, 'bye-received');
  t.same([alice, bob, carol].flatMap((p) => leftovers(p.app)).concat(b2bLeftovers(b2b.app)), []);
});
