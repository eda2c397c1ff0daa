import t from 'tap';
import { formatUri } from '../sip/uri';
import type { BridgeRequestSpec, TriggerSpec } from '../b2b/logic/logic-types';
import { LogicUsageError, type LogicRequestContext } from '../b2b/logic/scripted-types';
import { FakeRequestContext } from './fake-logic-contexts';
import { ScriptHost } from './script-host';
import { defineScript, type MainRouteB2b, type ScriptRoutes } from './script-types';
import { ScriptError } from './script-error';
import { FakeServerTx, hostRig, request } from './test-support';

function lineHere(): number {
  const frame = (new Error().stack ?? '').split('\n')[2] ?? '';
  return Number(/:(\d+):\d+\)?$/.exec(frame)?.[1]);
}

function run(routes: ScriptRoutes, req = request('INVITE'), overrides = {}) {
  const rig = hostRig({ scriptFile: __filename, ...overrides });
  const host = new ScriptHost(routes, rig.env);
  const tx = new FakeServerTx(req);
  host.onInitialRequest(req, tx);
  return { ...rig, host, tx };
}

/** The verbs a typed script cannot name on this route, as a plain-JS script would call them. */
function loose(b2b: object): Record<string, (...args: unknown[]) => unknown> {
  return b2b as Record<string, (...args: unknown[]) => unknown>;
}

t.test('serverNew + clientNew + initRequest hand the logic the declarations and the wrapped routes', async (t) => {
  let seen: string | undefined;
  const { logic, tx, env } = run(defineScript({
    request(_msg, b2b) {
      b2b.serverNew('caller', { contact: '<sip:b2b@127.0.0.1:5060>', headers: { 'X-Leg': 'a' } });
      b2b.clientNew('callee', '<sip:carol@203.0.113.9:5070>', {
        proxy: 'sip:10.0.0.7:5080;transport=tcp', fromDname: 'Front Desk', headers: [['X-Leg', 'b'], ['X-Trace', '1']],
      });
      const result = b2b.initRequest('transfer', 'setup-timeout=30', {
        request(msg, leg) { seen = `${msg.method} from ${leg.entityId}`; leg.passRequest(); },
      });
      t.same(result, { ok: true, key: '7.1' });
      t.equal(b2b.scenario, 'transfer');
    },
  }));
  t.equal(tx.responses.length, 0, 'no fallback answer once initRequest succeeded');
  const spec = logic.inits[0]!;
  t.equal(spec.scenario, 'transfer');
  t.same(spec.flags, { setupTimeoutS: 30 });
  t.same(spec.server, { id: 'caller', contact: '<sip:b2b@127.0.0.1:5060>', headers: [['X-Leg', 'a']] });
  t.equal(spec.clients?.length, 1);
  const client = spec.clients![0]!;
  t.equal(client.id, 'callee');
  t.equal(formatUri(client.uri), 'sip:carol@203.0.113.9:5070', 'angle brackets tolerated');
  t.same(client.proxy, { protocol: 'tcp', address: { host: '10.0.0.7', port: 5080 } });
  t.equal(client.fromDname, 'Front Desk');
  t.same(client.headers, [['X-Leg', 'b'], ['X-Trace', '1']]);
  t.equal(spec.routes?.reply, undefined, 'no reply route given, none wrapped');
  t.type(spec.routes?.request, 'function');
  // The wrapped route runs the script's function with a message view and a b2b for its route.
  const context = new FakeRequestContext(request('INFO', { toTag: 'B2B.server.1' }));
  spec.routes!.request!(context as LogicRequestContext);
  t.equal(seen, 'INFO from caller');
  t.equal(context.calls[0]?.verb, 'passRequest');
  t.ok(env.logic === logic);
});

t.test('without serverNew the server entity is "caller"; top hiding ignores declarations', async (t) => {
  const { logic } = run(defineScript({
    request(_msg, b2b) {
      b2b.clientNew('callee', 'sip:bob@198.51.100.2');
      b2b.initRequest('prepaid');
    },
  }));
  t.same(logic.inits[0]?.server, { id: 'caller' });
  const top = run(defineScript({
    request(_msg, b2b) {
      b2b.serverNew('a');
      b2b.clientNew('b', 'sip:bob@198.51.100.2');
      b2b.initRequest('top hiding', '', { request: (_m, leg) => leg.passRequest() });
    },
  }));
  const spec = top.logic.inits[0]!;
  t.equal(spec.server, undefined, 'declarations are not handed to top hiding');
  t.equal(spec.clients, undefined);
  t.equal(spec.routes, undefined, 'nor routes (§1.2: top hiding never enters them)');
  t.match(top.lines.find((l) => l.level === 'warn')?.message ?? '', /routes given are ignored/);
});

t.test('declaration errors: a third entity, no client, duplicate ids, bad URIs and proxies', async (t) => {
  const cases: Array<[string, (b2b: MainRouteB2b) => void, string, RegExp]> = [
    ['third entity', (b) => { b.serverNew('a'); b.clientNew('b', 'sip:b@192.0.2.2'); b.clientNew('c', 'sip:c@192.0.2.3'); }, 'too-many-entities', /at most 2 new entities/],
    ['two servers', (b) => { b.serverNew('a'); b.serverNew('b'); }, 'too-many-entities', /already declared/],
    ['no client', (b) => { b.initRequest('prepaid'); }, 'no-new-client', /exactly one client/],
    ['two clients', (b) => { b.clientNew('b', 'sip:b@192.0.2.2'); b.clientNew('c', 'sip:c@192.0.2.3'); b.initRequest('x'); }, 'no-new-client', /declared: 2/],
    ['same id', (b) => { b.serverNew('a'); b.clientNew('a', 'sip:b@192.0.2.2'); }, 'bad-argument', /already declared/],
    ['bad uri', (b) => { b.clientNew('b', 'not a uri'); }, 'bad-uri', /clientNew uri: "not a uri" is not a URI/],
    ['dns proxy', (b) => { b.clientNew('b', 'sip:b@192.0.2.2', { proxy: 'sip:proxy.example.com' }); }, 'bad-uri', /IP address/],
    ['comma id', (b) => { b.clientNew('a,b', 'sip:b@192.0.2.2'); }, 'bad-argument', /without commas/],
    ['bad header', (b) => { b.clientNew('b', 'sip:b@192.0.2.2', { headers: { 'X-A': 'one\r\nVia: x' } }); }, 'bad-argument', /one line/],
    ['bad routes', (b) => { b.clientNew('b', 'sip:b@192.0.2.2'); b.initRequest('x', '', { request: 'b2b_request' as never }); }, 'bad-argument', /must be a function/],
  ];
  for (const [name, body, code, message] of cases) {
    let caught: unknown;
    const { logic, tx } = run(defineScript({ request(_msg, b2b) { try { body(b2b); } catch (error) { caught = error; throw error; } } }));
    t.ok(caught instanceof ScriptError, `${name}: a ScriptError`);
    t.equal((caught as ScriptError).code, code, `${name}: code`);
    t.match((caught as Error).message, message, `${name}: message`);
    t.equal(logic.inits.length, 0, `${name}: no session`);
    t.equal(tx.lastResponse?.status, 500, `${name}: the caller got 500`);
  }
});

t.test('bridgeRequest joins this INVITE to a session with its ctx, contact and late_bye', async (t) => {
  let key: string | undefined;
  const { logic, tx } = run(defineScript({
    request(msg, b2b) {
      msg.addHeader('X-Pickup', 'yes');
      b2b.ctx.set('picked', '1');
      const result = b2b.bridgeRequest('abc;def;ghi', 1, { contact: 'sip:b2b@127.0.0.1', flags: 'late_bye' });
      t.same(result, { ok: true, key: 'abc;def;ghi' });
      key = b2b.key;
    },
  }));
  const spec = logic.calls.find((c) => c.verb === 'bridgeRequest')?.args[0] as BridgeRequestSpec;
  t.equal(spec.key, 'abc;def;ghi');
  t.equal(spec.entityNo, 1);
  t.equal(spec.contact, 'sip:b2b@127.0.0.1');
  t.equal(spec.lateBye, true);
  t.same([...spec.ctx!], [['picked', '1']]);
  t.equal(spec.request.header('x-pickup'), 'yes', 'the edited request');
  t.equal(key, 'abc;def;ghi');
  t.equal(tx.responses.length, 0, 'decided: no fallback');

  const failed = run(defineScript({ request(_msg, b2b) { b2b.bridgeRequest('7.9', 0, { flags: 'late-bye' }); } }));
  t.match(failed.lines.find((l) => l.level === 'error')?.message ?? '', /unknown bridgeRequest flag "late-bye" \(allowed: late_bye\)/);
  const bad = run(defineScript({ request(_msg, b2b) { b2b.bridgeRequest('7.9', 2 as 0); } }));
  t.match(bad.lines.find((l) => l.level === 'error')?.message ?? '', /entityNo must be 0 or 1/);
});

t.test('triggerScenario from the main route: peers parsed, n,key,party notifies, bare n refused', async (t) => {
  let outcome: unknown;
  const { logic, tx } = run(defineScript({
    request(_msg, b2b) {
      b2b.ctx.set('operator_uri', 'sip:op@192.0.2.9');
      outcome = b2b.triggerScenario('marketing', 'n,7.3,1', 'customer,sip:cust@192.0.2.5,sip:10.0.0.1:5060,Customer', { id: 'media', uri: 'sip:ann@192.0.2.6' });
      b2b.reply(202, 'Accepted');
    },
  }, ), request('REFER'));
  t.same(outcome, { ok: true, key: '7.1' });
  const spec = logic.calls.find((c) => c.verb === 'triggerScenario')?.args[0] as TriggerSpec;
  t.equal(spec.scenario, 'marketing');
  t.equal(spec.first.id, 'customer');
  t.equal(formatUri(spec.first.uri), 'sip:cust@192.0.2.5');
  t.same(spec.first.proxy, { protocol: 'udp', address: { host: '10.0.0.1', port: 5060 } });
  t.equal(spec.first.fromDname, 'Customer');
  t.equal(spec.second.id, 'media');
  t.same(spec.notify, { sessionKey: '7.3', party: 1 });
  t.same([...spec.ctx!], [['operator_uri', 'sip:op@192.0.2.9']]);
  t.equal(tx.lastResponse?.status, 202, 'triggerScenario does not decide the request: the script answers it');

  const errors: Array<[string, string, RegExp]> = [
    ['n', 'customer,sip:c@192.0.2.5', /only exists in a b2b_logic route/],
    ['x', 'customer,sip:c@192.0.2.5', /first item must be "n"/],
    ['n,7.3', 'customer,sip:c@192.0.2.5', /"n,<session key>,<party 0\|1>"/],
    ['', 'customer', /must be "id,ruri\[,proxy\[,display\]\]"/],
    ['', ',sip:c@192.0.2.5', /has no id/],
    ['', 'customer,sip:c@192.0.2.5,,Name,extra', /must be "id,ruri/],
  ];
  for (const [params, peer, message] of errors) {
    const r = run(defineScript({ request(_msg, b2b) { b2b.triggerScenario('m', params, peer, 'media,sip:m@192.0.2.6'); } }));
    t.match(r.lines.find((l) => l.level === 'error')?.message ?? '', message, `params "${params}", peer "${peer}"`);
    t.equal(r.logic.calls.filter((c) => c.verb === 'triggerScenario').length, 0);
  }
});

t.test('a logic refusal reaches the script as a ScriptError with the same code', async (t) => {
  const rig = hostRig({ scriptFile: __filename });
  rig.logic.triggerScenario = () => { throw new LogicUsageError('session-gone', 'no such session'); };
  let caught: unknown;
  const host = new ScriptHost(defineScript({
    request(_msg, b2b) {
      try { b2b.triggerScenario('m', 'n,7.3,0', 'a,sip:a@192.0.2.1', 'b,sip:b@192.0.2.2'); } catch (error) { caught = error; }
      b2b.reply(500);
    },
  }), rig.env);
  const tx = new FakeServerTx(request('INVITE'));
  host.onInitialRequest(tx.request, tx);
  t.ok(caught instanceof ScriptError);
  t.equal((caught as ScriptError).code, 'session-gone');
  t.match((caught as Error).message, /triggerScenario: no such session/);
});

t.test('b2b-route verbs in the main route throw not-allowed-here, logged at the script line', async (t) => {
  const verbs = ['passRequest', 'sendReply', 'deleteEntity', 'bridge', 'handleReply', 'bridgeRetry', 'endDlgLeg'];
  for (const verb of verbs) {
    let line = 0;
    let caught: unknown;
    const { lines, tx } = run(defineScript({
      request(_msg, b2b) {
        try { line = lineHere(); loose(b2b)[verb]!('x', 'y'); } catch (error) { caught = error; throw error; }
      },
    }));
    t.equal((caught as ScriptError).code, 'not-allowed-here', verb);
    t.match((caught as Error).message, new RegExp(`b2b\\.${verb} is not allowed in the main route \\(request\\): only in the b2b_logic`), verb);
    const logged = lines.find((l) => l.level === 'error');
    t.equal(logged?.fields.line, line, `${verb}: logged at the calling line`);
    t.match(logged?.message ?? '', new RegExp(`main-route-verbs\\.test\\.ts:${line}:\\d+: ScriptError: b2b\\.${verb}`), verb);
    t.equal(tx.lastResponse?.status, 500, `${verb}: the request gets 500`);
  }
});

t.test('param and peer pseudo-variables', async (t) => {
  const seen: Array<string | undefined> = [];
  const { logic, lines } = run(defineScript({
    request(_msg, b2b) {
      seen.push(b2b.param('announce_uri'), b2b.param('missing'), b2b.peer('c1;f1;t1'), b2b.peer('c9;f9;t9'));
      b2b.peer('no-semicolons');
    },
  }), request('INVITE'), {
    params: new Map([['announce_uri', 'sip:ann@192.0.2.6']]),
  });
  t.same(seen, ['sip:ann@192.0.2.6', undefined, undefined, undefined]);
  t.match(lines.find((l) => l.level === 'error')?.message ?? '', /peer: "no-semicolons" must be "callid;from-tag;to-tag"/);
  t.same(logic.calls.filter((c) => c.verb === 'peer').map((c) => c.args[0]), ['c1;f1;t1', 'c9;f9;t9']);
  const rig = hostRig();
  rig.logic.peers.set('c1;f1;t1', 'c2;f2;t2');
  let peer: string | undefined;
  const host = new ScriptHost(defineScript({ request(_msg, b2b) { peer = b2b.peer('c1;f1;t1'); b2b.reply(404); } }), rig.env);
  const tx = new FakeServerTx(request('INVITE'));
  host.onInitialRequest(tx.request, tx);
  t.equal(peer, 'c2;f2;t2');
  const none = run(defineScript({ request(_msg, b2b) { seen.push(b2b.param('x') ?? 'none'); b2b.reply(404); } }), request('INVITE'), { params: undefined });
  t.equal(seen[seen.length - 1], 'none', 'no script_params: every param is undefined');
  t.equal(none.tx.lastResponse?.status, 404);
});

t.test('b2b_logic verbs in the entities routes throw not-allowed-here (the message then passes unchanged)', async (t) => {
  const rig = hostRig({ scriptFile: __filename });
  const tried: string[] = [];
  const host = new ScriptHost(defineScript({
    request() {},
    entitiesRequest(_msg, b2b) {
      for (const verb of ['passRequest', 'initRequest', 'clientNew', 'handleReply']) {
        try { loose(b2b)[verb]!('x'); } catch (error) { tried.push(`${verb}:${(error as ScriptError).code}`); }
      }
      t.equal(b2b.param('x'), 'y', 'param is readable in the entities routes too');
      loose(b2b).bridge!('this', 'x');
    },
  }), { ...rig.env, params: new Map([['x', 'y']]) });
  const server = rig.entities.find('B2B.server.1')!;
  const info = request('INFO', { toTag: 'B2B.server.1' });
  t.equal(host.hooks.onRequest!(server, info), info);
  t.same(tried, ['passRequest:not-allowed-here', 'initRequest:not-allowed-here', 'clientNew:not-allowed-here', 'handleReply:not-allowed-here']);
  t.match(rig.lines.find((l) => l.level === 'error')?.message ?? '', /b2b\.bridge is not allowed in the entities request route \(entitiesRequest\): only in the b2b_logic request route/);
});
