/** Script-driven sessions in the simulator (opensips-b2b.md §1.2, §1.5, §2.1): the initial call, automatic handling, request routes. */
import t from 'tap';
import type { RequestResult } from '../../engine/dialog/session-types';
import type { LogicRequestContext } from '../../engine/b2b/logic/scripted-types';
import { leftovers, newWorld } from '../dialog/sim-ua';
import { addUa } from '../dialog/sim-ua';
import { SDP_A, SDP_B, b2bLeftovers } from './sim-b2b';
import { addCallee, addScriptedB2b, party, placeCall, warnings, type ScriptedOptions } from './scripted-sim';

function setup(seed: number, options: ScriptedOptions = {}, plan: Parameters<typeof addCallee>[3] = 'answer') {
  const world = newWorld(seed);
  const b2b = addScriptedB2b(world, options);
  const callee = party();
  const caller = party();
  const bob = addCallee(world, 'bob', '10.0.0.2', plan, callee);
  const alice = addUa(world, 'alice', '10.0.0.1');
  const outgoing = placeCall(alice, caller, '10.0.0.2');
  const nothingLeft = () => [...leftovers(alice.app), ...leftovers(bob.app), ...b2bLeftovers(b2b.app)];
  const connected = () => world.runSync({ until: () => caller.session !== undefined && callee.events.includes('ack') });
  return { world, b2b, caller, callee, alice, bob, outgoing, nothingLeft, connected };
}

t.test('no routes: the call is set up, re-INVITEs each way relayed, the callee hangs up', async (t) => {
  const s = setup(1);
  s.connected();
  t.same(s.caller.events, ['180', '200 sdp', 'ack']);
  t.same(s.b2b.app.inits, [{ ok: true, key: s.b2b.app.stack.logic.list()[0]!.key }]);
  const list = s.b2b.app.stack.logic.list();
  t.equal(list[0]?.state, 4, 'bridged');
  t.equal(list[0]?.scenario, 'custom');
  t.same(list[0]?.bridgeEntities.map((e) => e.scenarioId), ['caller', 'callee']);
  const invite = s.callee.invites[0]!;
  t.equal(invite.maxForwards, 69, 'Max-Forwards − 1');
  t.equal(new TextDecoder().decode(invite.body), new TextDecoder().decode(SDP_A.body), "the caller's SDP");
  t.equal(invite.vias.length, 1);
  t.not(invite.callId, s.outgoing.request.callId);
  const results: number[] = [];
  s.caller.session!.reinvite({ body: SDP_A }, (r: RequestResult) => results.push(r.status));
  s.world.runSync({ until: () => results.length === 1 });
  s.callee.session!.reinvite({ body: SDP_B }, (r: RequestResult) => results.push(r.status));
  s.world.runSync({ until: () => results.length === 2 });
  t.same(results, [200, 200]);
  t.ok(s.callee.events.includes('reinvite sdp'));
  t.ok(s.caller.events.includes('reinvite sdp'));
  s.callee.session!.bye();
  s.world.runSync();
  t.same(s.caller.events.slice(-1), ['ended bye-received']);
  t.same(s.callee.events.slice(-1), ['ended bye-sent']);
  t.same(s.nothingLeft(), []);
  t.same(warnings(s.b2b.app), []);
});

t.test('no routes: the caller hangs up; INFO and MESSAGE pass end to end', async (t) => {
  const s = setup(2);
  s.connected();
  const results: number[] = [];
  s.caller.session!.request('INFO', {}, (r) => results.push(r.status));
  s.world.runSync({ until: () => results.length === 1 });
  s.callee.session!.request('MESSAGE', { body: { body: new TextEncoder().encode('hi'), contentType: 'text/plain' } }, (r) => results.push(r.status));
  s.world.runSync({ until: () => results.length === 2 });
  t.same(results, [200, 200]);
  t.ok(s.callee.events.includes('INFO'));
  t.ok(s.caller.events.includes('MESSAGE'));
  t.equal(new TextDecoder().decode(s.caller.requests.find((r) => r.method === 'MESSAGE')!.body), 'hi', 'body relayed');
  s.caller.session!.bye();
  s.world.runSync();
  t.same(s.callee.events.slice(-1), ['ended bye-received']);
  t.same(s.nothingLeft(), []);
});

t.test('a request route that passes everything but answers MESSAGE itself', async (t) => {
  const seen: string[] = [];
  const s = setup(3, {
    routes: {
      request(ctx: LogicRequestContext) {
        seen.push(`${ctx.request.method} from ${ctx.entity.id}`);
        if (ctx.request.method === 'MESSAGE') ctx.sendReply(202, 'Taken Here');
        else ctx.passRequest();
      },
    },
  });
  s.connected();
  const results: string[] = [];
  s.caller.session!.request('MESSAGE', {}, (r) => results.push(`${r.status} ${r.reason}`));
  s.world.runSync({ until: () => results.length === 1 });
  t.same(results, ['202 Taken Here']);
  t.notOk(s.callee.events.includes('MESSAGE'), 'the callee never saw the MESSAGE');
  s.callee.session!.bye();
  s.world.runSync();
  t.same(seen, ['ACK from caller', 'MESSAGE from caller', 'BYE from callee']);
  t.same(s.caller.events.slice(-1), ['ended bye-received']);
  t.same(s.nothingLeft(), []);
  t.same(warnings(s.b2b.app), []);
});

t.test('a request route that leaves a request undecided: 500 with a warning naming the route', async (t) => {
  const s = setup(4, {
    routes: {
      request: function forgetful(ctx: LogicRequestContext) {
        if (ctx.request.method !== 'INFO') ctx.passRequest();
      },
    },
  });
  s.connected();
  const results: number[] = [];
  s.caller.session!.request('INFO', {}, (r) => results.push(r.status));
  s.world.runSync({ until: () => results.length === 1 });
  t.same(results, [500]);
  t.same(warnings(s.b2b.app), ['warn: b2b request route neither passed nor answered the request: answered 500 [forgetful]']);
  s.caller.session!.bye();
  s.world.runSync();
  t.same(s.nothingLeft(), []);
});

t.test('OPTIONS in dialog is not classified: relayed without running the route', async (t) => {
  const seen: string[] = [];
  const s = setup(5, { routes: { request(ctx) { seen.push(ctx.request.method); ctx.passRequest(); } } });
  s.connected();
  const results: number[] = [];
  s.caller.session!.request('OPTIONS', {}, (r) => results.push(r.status));
  s.world.runSync({ until: () => results.length === 1 });
  // The simulated UA answers an in-dialog OPTIONS 405 itself: that answer comes back through the B2BUA.
  t.same(results, [405]);
  const toBob = s.world.trace.entries().filter((e) => e.kind === 'deliver' && e.summary.startsWith('OPTIONS ') && (e.to ?? '').includes('10.0.0.2'));
  t.equal(toBob.length, 1, 'the callee got it');
  t.notOk(seen.includes('OPTIONS'), 'the route did not');
  s.caller.session!.bye();
  s.world.runSync();
  t.same(s.nothingLeft(), []);
});

t.test('callee busy: 486 reaches the caller, nothing left', async (t) => {
  const s = setup(6, {}, 486);
  s.world.runSync();
  t.same(s.caller.events, ['failed 486']);
  t.same(s.b2b.app.inits.map((r) => r.ok), [true]);
  t.same(s.nothingLeft(), []);
});

t.test('caller CANCELs while the callee rings: CANCEL passed, 487 relayed', async (t) => {
  const s = setup(7, {}, 'ring');
  s.world.runSync({ until: () => s.caller.events.includes('180') });
  s.outgoing.cancel();
  s.world.runSync();
  t.same(s.caller.events, ['180', 'failed 487']);
  t.same(s.callee.events, ['cancelled']);
  t.same(s.nothingLeft(), []);
});

t.test('setup timeout: 408 to the caller and CANCEL to the callee', async (t) => {
  const s = setup(8, { flags: { setupTimeoutS: 2 }, logic: { cleanupPeriodS: 1 } }, 'ring');
  s.world.runSync();
  t.same(s.caller.events, ['180', 'failed 408']);
  t.same(s.callee.events, ['cancelled']);
  t.ok(s.world.nowMs >= 2000 && s.world.nowMs < 40_000, `ended after the set-up timeout (${s.world.nowMs} ms)`);
  t.same(s.nothingLeft(), []);
});

t.test('more than one client, or none, is refused 500 with a clear log', async (t) => {
  const world = newWorld(9);
  const b2b = addScriptedB2b(world, { clients: (r) => [{ id: 'a', uri: r.uri }, { id: 'b', uri: r.uri }] });
  const alice = addUa(world, 'alice', '10.0.0.1');
  const caller = party();
  placeCall(alice, caller, '10.0.0.2');
  world.runSync();
  t.same(caller.events, ['failed 500']);
  t.same(b2b.app.inits, [{ ok: false, status: 500, reason: 'Too Many Entities' }]);
  t.match(warnings(b2b.app), [/at most 2 new entities/]);
  t.same([...leftovers(alice.app), ...b2bLeftovers(b2b.app)], []);
});
