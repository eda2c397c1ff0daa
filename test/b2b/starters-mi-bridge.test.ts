/**
 * MI `b2b_logic:bridge` on a live script-driven call (opensips-b2b.md §2.4, §6.5 SIPssert 17–20): flag 0/1
 * picks the kept party, a leg id without a flag BYEs that leg, `prov_media_uri` connects the kept party to a
 * media server while the new destination is called; the non-kept party is BYE'd at once.
 */
import t from 'tap';
import { parseUri } from '../../engine/sip';
import { defaultDelegate, type B2bStack } from '../../engine/b2b/b2b-stack';
import type { EntitiesDelegate } from '../../engine/b2b/entities/entity-types';
import { handleJsonRpc } from '../../engine/mgmt/json-rpc';
import { defaultMiRegistry } from '../../engine/mgmt/mi-registry';
import { leftovers, newWorld } from '../dialog/sim-ua';
import { addB2b, b2bLeftovers, viaB2b } from './sim-b2b';
import { addParty, distinct, sdp, watchSession } from './starters-support';

/** Main route: INVITE to `top…` is top-hidden, the rest become scenario "call" to bob with no routes (automatic handling). */
function callRoute(stack: B2bStack): EntitiesDelegate {
  return {
    onInitialRequest: (request, tx) => {
      const user = request.method === 'INVITE' && 'user' in request.uri ? request.uri.user ?? '' : '';
      if (request.method !== 'INVITE' || user.startsWith('top')) {
        defaultDelegate(stack).onInitialRequest(request, tx);
        return;
      }
      stack.logic.initRequest(tx, {
        scenario: 'call', flags: {}, targets: [{ uri: request.uri }], request,
        server: { id: 'caller' }, clients: [{ id: 'callee', uri: parseUri('sip:bob@10.0.0.2:5060')! }],
      }, tx.context);
    },
  };
}

function setup(seed: number, user = 'bob') {
  const world = newWorld(seed);
  const log: string[] = [];
  const b2b = addB2b(world, {}, { delegate: callRoute });
  const alice = addParty(world, 'alice', '10.0.0.1', 'answer', log);
  const bob = addParty(world, 'bob', '10.0.0.2', 'answer', log);
  const carol = addParty(world, 'carol', '10.0.0.3', 'answer', log);
  const media = addParty(world, 'media', '10.0.0.6', 'answer', log);
  alice.app.stack.core.invite(
    { to: { uri: parseUri(`sip:${user}@10.0.0.2:5060`)!, params: new Map() }, destination: viaB2b(), body: sdp('alice') },
    { onAccepted: (session) => watchSession(alice.party, session, sdp('alice')) },
  );
  world.runSync({ until: () => alice.party.session !== undefined && bob.party.wire.includes('ACK empty') });
  const logic = b2b.app.stack.logic;
  const key = logic.list()[0]!.key;
  const mi = (method: string, params: unknown) => JSON.parse(handleJsonRpc(JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }), defaultMiRegistry, { logic, entities: b2b.app.stack.entities })!);
  const nothingLeft = () => [alice, bob, carol, media].flatMap((p) => leftovers(p.app)).concat(b2bLeftovers(b2b.app));
  return { world, log, logic, key, mi, alice: alice.party, bob: bob.party, carol: carol.party, media: media.party, nothingLeft };
}

t.test('flag 0: alice kept, bob BYE\'d at once, carol called late, alice re-INVITEd with carol\'s offer', async (t) => {
  const s = setup(1);
  t.same(s.mi('b2b_logic:bridge', [s.key, 'sip:carol@10.0.0.3:5060', 0]), { jsonrpc: '2.0', id: 1, result: 'OK' });
  s.world.runSync({ until: () => s.carol.wire.includes('ACK alice') && s.alice.wire.includes('ACK empty') });
  t.equal(s.bob.ended, 'bye-received', 'bob BYE\'d');
  t.same(distinct(s.carol.wire), ['INVITE empty', 'ACK alice'], 'carol: late INVITE, ACK with alice\'s answer');
  t.same(distinct(s.alice.wire).slice(1), ['INVITE carol', 'ACK empty'], "alice: re-INVITE with carol's offer");
  const listed = s.logic.list()[0]!;
  t.equal(listed.state, 4);
  t.same(listed.bridgeEntities.map((e) => e.scenarioId), ['caller', 'new_dest']);
  s.carol.session!.bye();
  s.world.runSync();
  t.equal(s.alice.ended, 'bye-received');
  t.same(s.nothingLeft(), []);
});

t.test('flag 1: bob kept, alice BYE\'d, bob re-INVITEd with carol\'s offer', async (t) => {
  const s = setup(2);
  t.same(s.mi('b2b_bridge', { dialog_id: s.key, new_uri: 'sip:carol@10.0.0.3:5060', flag: '1' }).result, 'OK');
  s.world.runSync({ until: () => s.carol.wire.includes('ACK bob') });
  t.equal(s.alice.ended, 'bye-received');
  t.ok(s.bob.wire.includes('INVITE carol'), s.bob.wire.join(' | '));
  s.bob.session!.bye();
  s.world.runSync();
  t.equal(s.carol.ended, 'bye-received');
  t.same(s.nothingLeft(), []);
});

t.test("a leg's dialog id without flag: that leg (bob) is BYE'd and its peer (alice) kept", async (t) => {
  const s = setup(3);
  const bobDialog = s.bob.session!.dialog.id;
  const dialogId = `${bobDialog.callId};${bobDialog.remoteTag};${bobDialog.localTag}`;
  t.same(s.mi('b2b_logic:bridge', [dialogId, 'sip:carol@10.0.0.3:5060']).result, 'OK');
  s.world.runSync({ until: () => s.carol.wire.includes('ACK alice') });
  t.equal(s.bob.ended, 'bye-received');
  t.ok(s.alice.wire.includes('INVITE carol'));
  t.equal(s.logic.peer(dialogId), undefined, 'bob has no peer any more');
  s.alice.session!.bye();
  s.world.runSync();
  t.equal(s.carol.ended, 'bye-received');
  t.same(s.nothingLeft(), []);
});

t.test('prov_media_uri: alice hears the media server while carol is called, then is re-INVITEd to carol', async (t) => {
  const s = setup(4);
  t.same(s.mi('b2b_logic:bridge', [s.key, 'sip:carol@10.0.0.3:5060', 0, 'sip:ringing@10.0.0.6:5060']).result, 'OK');
  s.world.runSync({ until: () => s.carol.wire.includes('ACK alice') });
  s.world.runSync({ until: () => s.media.ended !== undefined });
  t.equal(s.bob.ended, 'bye-received');
  t.ok(s.media.wire.some((l) => l.startsWith('INVITE')), 'media server called');
  t.equal(s.media.ended, 'bye-received', 'media BYE\'d once carol answered');
  const aliceInvites = s.alice.wire.filter((l) => l.startsWith('INVITE'));
  t.equal(aliceInvites.length, 2, `alice sees two re-INVITEs (${aliceInvites.join(', ')})`);
  t.equal(aliceInvites[1], 'INVITE carol', "the second carries carol's offer");
  s.carol.session!.bye();
  s.world.runSync();
  t.equal(s.alice.ended, 'bye-received');
  t.same(s.nothingLeft(), []);
});

t.test('errors: unknown session 404; a top hiding call cannot be bridged', async (t) => {
  const s = setup(5, 'top1');
  t.same(s.mi('b2b_logic:bridge', ['9.99', 'sip:carol@10.0.0.3']).error, { code: 404, message: 'B2B session not found' });
  t.same(s.logic.miBridge({ dialogId: s.key, newUri: 'sip:carol@10.0.0.3', flag: 2 }), { ok: false, code: 404, message: "Invalid 'flag' parameter" });
  t.same(s.logic.miBridge({ dialogId: s.key, newUri: 'sip:carol@10.0.0.3' }), { ok: false, code: 500, message: 'Internal error' }, 'top hiding refused');
  s.alice.session!.bye();
  s.world.runSync();
  t.same(s.carol.wire, []);
  t.same(s.nothingLeft(), []);
});
