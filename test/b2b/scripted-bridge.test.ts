/** A REFER-triggered bridge through the scripted dispatcher (opensips-b2b.md §6.5 base transfer, §2.1 endDlgLeg + bridge("peer", …)). */
import t from 'tap';
import { parseNameAddr } from '../../engine/sip';
import type { LogicRequestContext } from '../../engine/b2b/logic/scripted-types';
import { leftovers, newWorld } from '../dialog/sim-ua';
import { addUa } from '../dialog/sim-ua';
import { b2bLeftovers } from './sim-b2b';
import { addCallee, addScriptedB2b, party, placeCall, warnings } from './scripted-sim';

t.test('REFER from the callee: 202, the transferor BYEd, the referee called late and the caller re-INVITEd with its offer', async (t) => {
  const world = newWorld(11);
  const seen: string[] = [];
  const b2b = addScriptedB2b(world, {
    routes: {
      request(ctx: LogicRequestContext) {
        seen.push(`${ctx.request.method} from ${ctx.entity.id}`);
        if (ctx.request.method !== 'REFER') {
          ctx.passRequest();
          return;
        }
        const target = parseNameAddr(ctx.request.header('refer-to') ?? '');
        if (target === undefined) {
          ctx.sendReply(400, 'Bad Refer-To');
          return;
        }
        ctx.sendReply(202, 'Accepted');
        ctx.endDlgLeg();
        ctx.clientNew({ id: 'referee', uri: target.uri });
        ctx.bridge('peer', 'referee');
      },
    },
  });
  const caller = party();
  const callee = party();
  const referee = party();
  const bob = addCallee(world, 'bob', '10.0.0.2', 'answer', callee);
  const carol = addCallee(world, 'carol', '10.0.0.3', 'answer', referee);
  const alice = addUa(world, 'alice', '10.0.0.1');
  placeCall(alice, caller, '10.0.0.2');
  world.runSync({ until: () => caller.session !== undefined && callee.events.includes('ack') });
  const refer: number[] = [];
  callee.session!.request('REFER', { headers: [['Refer-To', '<sip:carol@10.0.0.3:5060>']] }, (r) => refer.push(r.status));
  world.runSync({ until: () => referee.events.includes('ack') && caller.events.includes('reinvite sdp') });
  t.same(refer, [202]);
  t.same(callee.events.slice(-1), ['ended bye-received'], 'the transferor was BYEd');
  t.equal(referee.invites[0]!.body.length, 0, 'late INVITE to the referee');
  t.ok(caller.events.includes('reinvite sdp'), "the caller got the referee's offer");
  const snap = b2b.app.stack.logic.list()[0]!;
  t.equal(snap.state, 4);
  t.same(snap.bridgeEntities.map((e) => e.scenarioId), ['caller', 'referee']);
  referee.session!.bye();
  world.runSync();
  t.same(caller.events.slice(-1), ['ended bye-received']);
  t.same(seen, ['ACK from caller', 'REFER from callee', 'BYE from referee']);
  t.same([...leftovers(alice.app), ...leftovers(bob.app), ...leftovers(carol.app), ...b2bLeftovers(b2b.app)], []);
  t.same(warnings(b2b.app), []);
});

t.test('prepaid-like: the announcement BYEs, the route answers it, deletes it and bridges the caller to the callee', async (t) => {
  const world = newWorld(12);
  const b2b = addScriptedB2b(world, {
    client: () => ({ id: 'media', uri: parseNameAddr('<sip:announce@10.0.0.4:5060>')!.uri }),
    routes: {
      request(ctx: LogicRequestContext) {
        if (ctx.request.method === 'BYE' && ctx.entity.id === 'media') {
          ctx.sendReply(200, 'OK');
          ctx.deleteEntity();
          ctx.clientNew({ id: 'callee', uri: parseNameAddr('<sip:bob@10.0.0.2:5060>')!.uri });
          ctx.bridge('caller', 'callee');
          return;
        }
        ctx.passRequest();
      },
    },
  });
  const caller = party();
  const callee = party();
  const media = party();
  const bob = addCallee(world, 'bob', '10.0.0.2', 'answer', callee);
  const announcer = addCallee(world, 'media', '10.0.0.4', 'answer', media);
  const alice = addUa(world, 'alice', '10.0.0.1');
  placeCall(alice, caller, '10.0.0.2');
  world.runSync({ until: () => caller.session !== undefined && media.events.includes('ack') });
  t.equal(callee.invites.length, 0, 'the callee is not called yet');
  media.session!.bye();
  world.runSync({ until: () => callee.events.includes('ack') && caller.events.includes('reinvite sdp') });
  t.same(media.events.slice(-1), ['ended bye-sent']);
  t.equal(callee.invites[0]!.body.length, 0, 'late INVITE to the callee');
  t.same(b2b.app.stack.logic.list()[0]!.bridgeEntities.map((e) => e.scenarioId), ['caller', 'callee']);
  caller.session!.bye();
  world.runSync();
  t.same(callee.events.slice(-1), ['ended bye-received']);
  t.same([...leftovers(alice.app), ...leftovers(bob.app), ...leftovers(announcer.app), ...b2bLeftovers(b2b.app)], []);
  t.same(warnings(b2b.app), []);
});
