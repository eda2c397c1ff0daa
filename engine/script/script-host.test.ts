import t from 'tap';
import { formatUri } from '../sip/uri';
import { ScriptHost } from './script-host';
import { defineScript, type ScriptRoutes } from './script-types';
import { FakeServerTx, hostRig, request } from './test-support';

function lineHere(): number {
  const frame = (new Error().stack ?? '').split('\n')[2] ?? '';
  return Number(/:(\d+):\d+\)?$/.exec(frame)?.[1]);
}

function run(routes: ScriptRoutes, req = request('INVITE'), overrides = {}) {
  const rig = hostRig(overrides);
  const host = new ScriptHost(routes, rig.env);
  const tx = new FakeServerTx(req);
  host.onInitialRequest(req, tx);
  return { ...rig, host, tx };
}

t.test('initRequest hands the logic the edited request, targets, flags and ctx', async (t) => {
  let keyAfter: string | undefined;
  let keyBefore: string | undefined = 'unset';
  const { logic, tx } = run(defineScript({
    request(msg, b2b) {
      keyBefore = b2b.key;
      msg.addHeader('X-Account', '42');
      msg.removeHeader('Contact');
      msg.setBody('v=0\r\n', 'application/sdp');
      msg.ruri = 'sip:carol@203.0.113.9:5070';
      b2b.setDestination('sip:10.1.1.1:5999;transport=tcp');
      b2b.appendBranch('sip:dave@203.0.113.10');
      b2b.ctx.set('tenant', 'acme');
      b2b.ctx.set('gone', 'x');
      b2b.ctx.set('gone', undefined);
      const result = b2b.initRequest('top hiding', 'setup-timeout=300,transparent-auth,preserve-to');
      t.same(result, { ok: true, key: '7.1' });
      keyAfter = b2b.key;
      t.equal(b2b.scenario, 'top hiding');
      b2b.ctx.set('after', 'init');
    },
  }));
  t.equal(keyBefore, undefined, '$b2b_logic.key is empty before init');
  t.equal(keyAfter, '7.1');
  t.equal(logic.inits.length, 1);
  const spec = logic.inits[0]!;
  t.equal(spec.scenario, 'top hiding');
  t.same(spec.flags, { setupTimeoutS: 300, transparentAuth: true, preserveTo: true });
  t.equal(spec.request.header('x-account'), '42', 'added header is in what the client leg is built from');
  t.notOk(spec.request.hasHeader('contact'), 'removed header is gone');
  t.equal(new TextDecoder().decode(spec.request.body), 'v=0\r\n');
  t.equal(spec.request.header('content-type'), 'application/sdp');
  t.equal(spec.request.uriText, 'sip:carol@203.0.113.9:5070');
  t.equal(spec.targets.length, 2);
  t.equal(formatUri(spec.targets[0]!.uri), 'sip:carol@203.0.113.9:5070');
  t.same(spec.targets[0]!.destination, { protocol: 'tcp', address: { host: '10.1.1.1', port: 5999 } }, '$du');
  t.equal(formatUri(spec.targets[1]!.uri), 'sip:dave@203.0.113.10', 'appended branch');
  t.equal(spec.targets[1]!.destination, undefined);
  t.same([...(spec.ctx ?? new Map())], [['tenant', 'acme']], 'ctx written before init is attached; a deleted one is not');
  t.equal(logic.ctx('7.1')?.get('after'), 'init', 'ctx after init writes the session map');
  t.equal(tx.responses.length, 0, 'the logic answers, not the host');
});

t.test('flags as an object, the 3.2 letters, and bad flags', async (t) => {
  const a = run(defineScript({ request(_m, b2b) { b2b.initRequest('top hiding', { setupTimeoutS: 5 }); } }));
  t.same(a.logic.inits[0]!.flags, { setupTimeoutS: 5 });
  const b = run(defineScript({ request(_m, b2b) { b2b.initRequest('top hiding', 't300ap'); } }));
  t.same(b.logic.inits[0]!.flags, { setupTimeoutS: 300, transparentAuth: true, preserveTo: true });
  const c = run(defineScript({ request(_m, b2b) { b2b.initRequest('top hiding', 'setup-timeout=abc'); } }));
  t.equal(c.logic.inits.length, 0);
  t.equal(c.tx.lastResponse?.status, 500, 'a bad flag is a script error: 500');
  t.match(c.lines.find((l) => l.level === 'error')?.message ?? '', /setup-timeout needs whole seconds/);
});

t.test('reply answers with a To-tag, headers and body', async (t) => {
  const { tx, logic } = run(defineScript({
    request(_m, b2b) {
      b2b.reply(403, 'Go Away', { headers: { 'X-Why': 'blocked' }, body: 'no', contentType: 'text/plain' });
      t.ok(b2b.decided);
    },
  }), request('MESSAGE'));
  t.equal(logic.inits.length, 0);
  const r = tx.lastResponse!;
  t.equal(r.status, 403);
  t.equal(r.reason, 'Go Away');
  t.equal(r.header('x-why'), 'blocked');
  t.ok(r.toTag !== undefined && r.toTag.length > 0, 'a To-tag is added');
  t.equal(new TextDecoder().decode(r.body), 'no');
});

t.test('a route that decides nothing gets its request a 500 and a warning', async (t) => {
  const { tx, lines } = run(defineScript({ request() { /* forgot */ } }));
  t.equal(tx.lastResponse?.status, 500);
  t.ok(lines.some((l) => l.level === 'warn' && /without b2b\.initRequest or b2b\.reply/.test(l.message)));
});

t.test('a route that throws: 500, error logged with the script file and line, the host goes on', async (t) => {
  let line = 0;
  const routes = defineScript({
    request(msg, b2b) {
      if (msg.method === 'INVITE') { line = lineHere(); throw new Error('boom'); }
      b2b.reply(200);
    },
  });
  const rig = hostRig();
  const host = new ScriptHost(routes, rig.env);
  const tx = new FakeServerTx(request('INVITE'));
  host.onInitialRequest(tx.request, tx);
  t.equal(tx.lastResponse?.status, 500);
  const error = rig.lines.find((l) => l.level === 'error');
  t.ok(error, 'logged');
  t.equal(error?.fields.file, __filename);
  t.equal(error?.fields.line, line, 'the line of the throw');
  t.match(error?.message ?? '', new RegExp(`threw at .*script-host\\.test\\.ts:${line}:\\d+: Error: boom`));
  const next = new FakeServerTx(request('OPTIONS', { callId: 'call-2' }));
  host.onInitialRequest(next.request, next);
  t.equal(next.lastResponse?.status, 200, 'the next request is served');
});

t.test('an async route that rejects gets a 500 too', async (t) => {
  const { host, tx, lines } = run(defineScript({ async request() { await Promise.resolve(); throw new Error('later'); } }));
  t.equal(tx.responses.length, 0, 'nothing yet: the route is pending');
  await host.idle();
  t.equal(tx.lastResponse?.status, 500);
  t.ok(lines.some((l) => l.level === 'error' && /later/.test(l.message)));
});

t.test('async routes keep per-call order while awaiting; other calls are not held up', async (t) => {
  const order: string[] = [];
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => { release = resolve; });
  const routes = defineScript({
    async request(msg, b2b) {
      order.push(`start ${msg.method} ${msg.callId}`);
      if (msg.method === 'INVITE' && msg.callId === 'call-1') await gate;
      order.push(`end ${msg.method} ${msg.callId}`);
      b2b.reply(msg.method === 'INVITE' ? 486 : 200);
    },
  });
  const rig = hostRig();
  const host = new ScriptHost(routes, rig.env);
  const first = new FakeServerTx(request('INVITE'));
  const second = new FakeServerTx(request('OPTIONS'));
  const other = new FakeServerTx(request('OPTIONS', { callId: 'call-2' }));
  host.onInitialRequest(first.request, first);
  host.onInitialRequest(second.request, second);
  host.onInitialRequest(other.request, other);
  await Promise.resolve();
  await Promise.resolve();
  t.same(order, ['start INVITE call-1', 'start OPTIONS call-2', 'end OPTIONS call-2'], 'call-1 OPTIONS waits for the INVITE route');
  t.equal(host.pending, 1);
  release();
  await host.idle();
  t.same(order.slice(3), ['end INVITE call-1', 'start OPTIONS call-1', 'end OPTIONS call-1']);
  t.equal(first.lastResponse?.status, 486);
  t.equal(second.lastResponse?.status, 200);
  t.equal(host.pending, 0);
});

t.test('a request CANCELled while its route awaited is not started', async (t) => {
  let outcome: unknown;
  const { host, tx, logic } = run(defineScript({
    async request(_m, b2b) {
      await Promise.resolve();
      outcome = b2b.initRequest('top hiding');
    },
  }));
  tx.respond({ status: 487 } as never); // the transaction layer answered 487 after a CANCEL
  await host.idle();
  t.same(outcome, { ok: false, status: 487, reason: 'Request Terminated' });
  t.equal(logic.inits.length, 0);
  t.equal(tx.responses.length, 1, 'no second answer');
});

t.test('protected headers, bad URIs and double decisions are script errors', async (t) => {
  const cases: Array<[string, ScriptRoutes['request'], RegExp]> = [
    ['remove Via', (msg) => msg.removeHeader('Via'), /cannot be changed/],
    ['set compact From', (msg) => msg.setHeader('f', '<sip:x@y>'), /cannot be changed/],
    ['bad ruri', (msg) => { msg.ruri = 'not a uri'; }, /is not a URI/],
    ['du needs an IP', (_m, b2b) => b2b.setDestination('sip:proxy.example.com'), /IP address/],
    ['unknown socket', (_m, b2b) => b2b.forceSendSocket('udp:10.9.9.9:5060'), /not one of the engine's listen sockets/],
    ['twice', (_m, b2b) => { b2b.reply(404); b2b.initRequest('top hiding'); }, /already handled/],
  ];
  for (const [name, route, message] of cases) {
    const { tx, lines } = run({ request: route });
    t.equal(tx.lastResponse?.status, name === 'twice' ? 404 : 500, `${name}: answered`);
    t.match(lines.find((l) => l.level === 'error')?.message ?? '', message, name);
  }
});

t.test('forceSendSocket picks the protocol of the new call', async (t) => {
  const { logic } = run(defineScript({ request(_m, b2b) { b2b.forceSendSocket('tcp:127.0.0.1:5060'); b2b.initRequest('top hiding'); } }));
  t.same(logic.inits[0]!.targets[0]!.destination, { protocol: 'tcp', address: { host: '198.51.100.2', port: 5060 } });
});

t.test('pseudo-variables: entity fields by index and for the current message, source, upstream, isLocal', async (t) => {
  const seen: Record<string, unknown> = {};
  run(defineScript({
    request(msg, b2b) {
      seen.before = b2b.entity('key', 0);
      seen.isLocalEngine = b2b.isLocal('sip:service@127.0.0.1:5060');
      seen.isLocalOther = b2b.isLocal(msg.uri);
      seen.upstream = b2b.upstream;
      seen.source = b2b.source;
      b2b.initRequest('top hiding');
      seen.key0 = b2b.entity('key', 0);
      seen.id1 = b2b.entity('id', 1);
      seen.callid1 = b2b.entity('callid', 1);
      seen.fromtag0 = b2b.entity('fromtag', 0);
      seen.totag0 = b2b.entity('totag', 0);
      seen.fromtag1 = b2b.entity('fromtag', 1);
      seen.current = b2b.entity();
    },
  }));
  t.same(seen, {
    before: undefined, isLocalEngine: true, isLocalOther: false, upstream: 'sip:127.0.0.1:5080',
    source: { protocol: 'udp', host: '127.0.0.1', port: 40000, local: { host: '127.0.0.1', port: 5060 } },
    key0: 'B2B.server.1', id1: 'callee', callid1: 'B2B.client.1', fromtag0: 'alice-tag', totag0: 'B2B.server.1', fromtag1: 'our-from-tag',
    current: 'B2B.server.1',
  });
});

t.test('b2bl_from_spec_param takes the From from the named ctx key', async (t) => {
  const { logic } = run(defineScript({
    request(_m, b2b) { b2b.ctx.set('from_override', '"Front Desk" <sip:desk@example.com>'); b2b.initRequest('top hiding'); },
  }), request('INVITE'), { fromSpecParam: 'from_override' });
  t.equal(logic.inits[0]!.from, '"Front Desk" <sip:desk@example.com>');
});

t.test('entities routes edit what the logic relays; a throw passes the message unchanged and is logged', async (t) => {
  const rig = hostRig();
  const seen: Record<string, unknown> = {};
  const host = new ScriptHost(defineScript({
    request() { /* unused */ },
    entitiesRequest(msg, b2b) {
      if (msg.method === 'INFO') throw new Error('no INFO');
      msg.addHeader('X-Seen', b2b.entityKind);
      seen.key = b2b.key;
      seen.scenario = b2b.scenario;
      seen.ctx = b2b.ctx.get('tenant');
      seen.current = b2b.entity('totag');
    },
    entitiesReply(msg) {
      msg.removeHeader('Server');
    },
  }), rig.env);
  // A session exists with ctx.
  rig.logic.initRequest(new FakeServerTx(request('INVITE')), { scenario: 'top hiding', flags: {}, targets: [], request: request('INVITE'), ctx: new Map([['tenant', 'acme']]) });
  const server = rig.entities.find('B2B.server.1')!;
  const bye = request('BYE', { toTag: 'B2B.server.1' });
  const edited = host.hooks.onRequest!(server, bye);
  t.equal(edited.header('x-seen'), 'server');
  t.same(seen, { key: '7.1', scenario: 'top hiding', ctx: 'acme', current: 'B2B.server.1' });
  const info = request('INFO', { toTag: 'B2B.server.1' });
  t.equal(host.hooks.onRequest!(server, info), info, 'unchanged after a throw');
  t.match(rig.lines.find((l) => l.level === 'error')?.message ?? '', /entitiesRequest" threw at .*script-host\.test\.ts:\d+:\d+: Error: no INFO/);
  t.ok(host.hooks.onReply !== undefined, 'a reply hook exists when the script has the route');
  const none = new ScriptHost(defineScript({ request() {} }), rig.env);
  t.equal(none.hooks.onRequest, undefined, 'no hook for a route the script lacks');
});
