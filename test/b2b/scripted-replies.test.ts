/**
 * Script-driven sessions in the simulator (opensips-b2b.md §1.2 reply route, §2.1 bridgeRetry and where
 * verbs may be called, §2.6 API callbacks): replies through handleReply, serial retry, misuse, drop.
 */
import t from 'tap';
import { parseUri } from '../../engine/sip';
import { LogicUsageError, type LogicReplyContext, type LogicRequestContext, type SessionCallbacks } from '../../engine/b2b/logic/scripted-types';
import { leftovers, newWorld } from '../dialog/sim-ua';
import { addUa } from '../dialog/sim-ua';
import { b2bLeftovers } from './sim-b2b';
import { addCallee, addScriptedB2b, party, placeCall, warnings, type CalleePlan, type ScriptedOptions } from './scripted-sim';

function setup(seed: number, options: ScriptedOptions = {}, plan: CalleePlan = 'answer', carolPlan: CalleePlan = 'answer') {
  const world = newWorld(seed);
  const b2b = addScriptedB2b(world, options);
  const callee = party();
  const carol = party();
  const caller = party();
  const bob = addCallee(world, 'bob', '10.0.0.2', plan, callee);
  const carolUa = addCallee(world, 'carol', '10.0.0.3', carolPlan, carol);
  const alice = addUa(world, 'alice', '10.0.0.1');
  const outgoing = placeCall(alice, caller, '10.0.0.2');
  const nothingLeft = () => [...leftovers(alice.app), ...leftovers(bob.app), ...leftovers(carolUa.app), ...b2bLeftovers(b2b.app)];
  const connected = (p = callee) => world.runSync({ until: () => caller.session !== undefined && p.events.includes('ack') });
  return { world, b2b, caller, callee, carol, outgoing, nothingLeft, connected };
}

function codeOf(run: () => void): string {
  try {
    run();
    return 'no error';
  } catch (error) {
    return error instanceof LogicUsageError ? error.code : `other: ${String(error)}`;
  }
}

t.test('a reply route that hands every reply on: the call works as without one', async (t) => {
  const seen: string[] = [];
  const s = setup(1, { routes: { reply(ctx: LogicReplyContext) { seen.push(`${ctx.reply.status} ${ctx.method} from ${ctx.entity.id}`); ctx.handleReply(); } } });
  s.connected();
  t.same(s.caller.events, ['180', '200 sdp', 'ack']);
  s.caller.session!.bye();
  s.world.runSync();
  // The BYE's 200 comes back once the session is marked for deletion: handled without the route.
  t.same(seen, ['180 INVITE from callee', '200 INVITE from callee']);
  t.same(s.callee.events.slice(-1), ['ended bye-received']);
  t.same(s.nothingLeft(), []);
  t.same(warnings(s.b2b.app), []);
});

t.test('a reply route that forgets handleReply: 1xx dropped, finals handled with a warning', async (t) => {
  const s = setup(2, { routes: { reply: function lazy() { /* forgets */ } } });
  s.connected();
  t.same(s.caller.events, ['200 sdp', 'ack'], 'no 180: a provisional reply not handled is dropped');
  s.callee.session!.bye();
  s.world.runSync();
  t.same(s.caller.events.slice(-1), ['ended bye-received']);
  t.same(s.nothingLeft(), []);
  t.same(warnings(s.b2b.app), [
    'warn: b2b reply route neither handled nor retried a final reply: handled automatically [lazy]',
  ], 'one, for the 200 to INVITE');
});

t.test('bridgeRetry in INIT: the first callee says 486, the call is retried to a second one', async (t) => {
  const s = setup(3, {
    routes: {
      reply(ctx: LogicReplyContext) {
        if (ctx.reply.status >= 300 && ctx.entity.id === 'callee') {
          ctx.clientNew({ id: 'second', uri: parseUri('sip:carol@10.0.0.3:5060')! });
          ctx.bridgeRetry('second');
          return;
        }
        ctx.handleReply();
      },
    },
  }, 486);
  s.connected(s.carol);
  t.same(s.caller.events, ['180', '200 sdp', 'ack'], 'the caller never saw the 486');
  const retried = s.carol.invites[0]!;
  t.equal(new TextDecoder().decode(retried.body).includes('o=alice'), true, "the caller's original SDP");
  t.equal(retried.to.uri.scheme === 'sip' && 'user' in retried.to.uri ? retried.to.uri.user : undefined, 'bob', 'the To of the original call');
  t.equal(s.b2b.app.stack.logic.list()[0]?.bridgeEntities.map((e) => e.scenarioId).join(','), 'caller,second');
  s.carol.session!.bye();
  s.world.runSync();
  t.same(s.caller.events.slice(-1), ['ended bye-received']);
  t.same(s.nothingLeft(), []);
  t.same(warnings(s.b2b.app), []);
});

t.test('verbs in the wrong place are refused with a stable code', async (t) => {
  const codes: string[] = [];
  let saved: LogicRequestContext | undefined;
  const s = setup(4, {
    routes: {
      request(ctx: LogicRequestContext) {
        if (ctx.request.method === 'ACK') {
          codes.push(`ack sendReply: ${codeOf(() => ctx.sendReply(200, 'OK'))}`);
          ctx.passRequest();
          return;
        }
        if (ctx.request.method === 'INFO') {
          codes.push(`both existing: ${codeOf(() => ctx.bridge('this', 'peer'))}`);
          codes.push(`unknown: ${codeOf(() => ctx.bridge('nobody', 'this'))}`);
          ctx.clientNew({ id: 'x', uri: parseUri('sip:x@10.0.0.3')! });
          ctx.clientNew({ id: 'y', uri: parseUri('sip:y@10.0.0.3')! });
          codes.push(`two new: ${codeOf(() => ctx.bridge('x', 'y'))}`);
          codes.push(`bad id: ${codeOf(() => ctx.clientNew({ id: 'peer', uri: parseUri('sip:x@10.0.0.3')! }))}`);
          ctx.passRequest();
          codes.push(`twice: ${codeOf(() => ctx.passRequest())}`);
          saved = ctx;
          return;
        }
        ctx.passRequest();
      },
      reply(ctx: LogicReplyContext) {
        if (ctx.method === 'INVITE' && ctx.reply.status === 180) codes.push(`retry undeclared: ${codeOf(() => ctx.bridgeRetry('z'))}`);
        if (ctx.method === 'INVITE' && ctx.reply.status === 200) {
          ctx.clientNew({ id: 'z', uri: parseUri('sip:z@10.0.0.3')! });
          codes.push(`retry on 200: ${codeOf(() => ctx.bridgeRetry('z'))}`);
        }
        ctx.handleReply();
        if (ctx.method === 'INVITE' && ctx.reply.status === 200) codes.push(`handle twice: ${codeOf(() => ctx.handleReply())}`);
      },
    },
  });
  s.connected();
  const results: number[] = [];
  s.caller.session!.request('INFO', {}, (r) => results.push(r.status));
  s.world.runSync({ until: () => results.length === 1 });
  codes.push(`after the run: ${codeOf(() => saved!.passRequest())}`);
  t.same(results, [200], 'the INFO itself went through');
  t.same(codes, [
    'retry undeclared: unknown-entity',
    'retry on 200: not-allowed-here',
    'handle twice: already-decided',
    'ack sendReply: not-allowed-here',
    'both existing: no-new-client',
    'unknown: unknown-entity',
    'two new: no-new-client',
    'bad id: bad-argument',
    'twice: already-decided',
    'after the run: not-allowed-here',
  ]);
  s.caller.session!.bye();
  s.world.runSync();
  t.same(s.nothingLeft(), []);
});

t.test('a route that throws: the request gets 500 and the session ends cleanly', async (t) => {
  const s = setup(5, {
    routes: {
      request(ctx: LogicRequestContext) {
        if (ctx.request.method === 'INFO') throw new Error('script bug');
        ctx.passRequest();
      },
    },
  });
  s.connected();
  const results: number[] = [];
  s.caller.session!.request('INFO', {}, (r) => results.push(r.status));
  s.world.runSync();
  t.same(results, [500]);
  t.same(s.caller.events.slice(-1), ['ended bye-received']);
  t.same(s.callee.events.slice(-1), ['ended bye-received']);
  t.match(warnings(s.b2b.app), [/callback threw/]);
  t.same(s.nothingLeft(), []);
});

function apiCallbacks(log: string[], decisions: { bye?: 'drop' | 'pass' | 'follow'; reject?: 'drop' | 'follow' } = {}): () => SessionCallbacks {
  return () => ({
    onNewSession: (e) => { log.push(`new ${e.key}`); },
    onConfirmed: (e) => { log.push(`confirmed ${e.entity.id} [${String(e.entityIndex)}]`); return 'follow'; },
    onBye: (e) => { log.push(`bye from ${e.entity.id}`); return decisions.bye ?? 'follow'; },
    onReject: (e) => { log.push(`reject ${e.status} from ${e.entity.id}`); return decisions.reject ?? 'follow'; },
    onDestroy: (e) => { log.push(`destroy ${e.key}`); },
  });
}

t.test('API onBye drop: the callee leaves, the caller stays alive and unpaired until terminated; onDestroy once', async (t) => {
  const log: string[] = [];
  const s = setup(6, { callbacks: apiCallbacks(log, { bye: 'drop' }) });
  s.connected();
  const key = s.b2b.app.stack.logic.list()[0]!.key;
  s.callee.session!.bye();
  s.world.runSync({ untilMs: s.world.nowMs + 5000 });
  t.same(s.callee.events.slice(-1), ['ended bye-sent'], 'the callee got its 200');
  t.notOk(s.caller.events.some((e) => e.startsWith('ended')), 'the caller is still in its call');
  const list = s.b2b.app.stack.logic.list();
  t.equal(list.length, 1, 'the session is alive');
  t.equal(list[0]!.servers[0]!.peer, undefined, 'the caller is unpaired');
  t.ok(s.b2b.app.stack.logic.terminate(key));
  s.world.runSync();
  t.same(s.caller.events.slice(-1), ['ended bye-received']);
  t.same(log, [`new ${key}`, 'confirmed callee [1]', 'bye from callee', `destroy ${key}`]);
  t.same(s.nothingLeft(), []);
});

t.test('API onReject drop: the failed callee goes, the caller waits unanswered; terminate gives it 408', async (t) => {
  const log: string[] = [];
  const s = setup(7, { callbacks: apiCallbacks(log, { reject: 'drop' }) }, 486);
  s.world.runSync({ untilMs: 5000 });
  t.same(s.caller.events.filter((e) => e !== '100'), [], 'no final answer yet');
  const list = s.b2b.app.stack.logic.list();
  t.equal(list.length, 1);
  t.equal(list[0]!.clients.length, 1);
  t.ok(s.b2b.app.stack.logic.terminate(list[0]!.key));
  s.world.runSync();
  t.same(s.caller.events.filter((e) => e !== '100'), ['failed 408']);
  t.same(log.slice(1), ['reject 486 from callee', `destroy ${list[0]!.key}`]);
  t.same(s.nothingLeft(), []);
});

t.test('API session without drop: routes are not run, BYE follows the scenario (relayed)', async (t) => {
  const log: string[] = [];
  const s = setup(8, { callbacks: apiCallbacks(log), routes: undefined });
  s.connected();
  s.caller.session!.bye();
  s.world.runSync();
  t.same(s.callee.events.slice(-1), ['ended bye-received']);
  t.equal(log.filter((l) => l.startsWith('destroy')).length, 1, 'onDestroy exactly once');
  t.same(s.nothingLeft(), []);
});
