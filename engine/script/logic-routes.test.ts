import t from 'tap';
import { createResponse } from '../sip/build-response';
import { formatUri } from '../sip/uri';
import type { TriggerSpec } from '../b2b/logic/logic-types';
import { LogicUsageError, type ClientDeclaration, type LogicRoutes } from '../b2b/logic/scripted-types';
import { CALLEE, CALLER, FakeReplyContext, FakeRequestContext } from './fake-logic-contexts';
import { globalLogicRoutes, logicRoutes } from './logic-routes';
import { ScriptHost } from './script-host';
import { ScriptError } from './script-error';
import { defineScript, type LogicReplyRoute, type LogicRequestRoute } from './script-types';
import { hostRig, request } from './test-support';

function lineHere(): number {
  const frame = (new Error().stack ?? '').split('\n')[2] ?? '';
  return Number(/:(\d+):\d+\)?$/.exec(frame)?.[1]);
}

function loose(b2b: object): Record<string, (...args: unknown[]) => unknown> {
  return b2b as Record<string, (...args: unknown[]) => unknown>;
}

function wrapped(request?: LogicRequestRoute, reply?: LogicReplyRoute) {
  const rig = hostRig({ scriptFile: __filename });
  const routes = logicRoutes(rig.env, { ...(request ? { request } : {}), ...(reply ? { reply } : {}) }, 'initRequest') as LogicRoutes;
  return { ...rig, routes };
}

const info = (): ReturnType<typeof request> => request('INFO', { toTag: 'B2B.server.1', body: 'hello', extra: ['Content-Type: text/plain'] });

t.test('request route: passRequest hands over the edited request; the variables are the session\'s', async (t) => {
  const seen: Record<string, unknown> = {};
  const { routes } = wrapped((msg, b2b) => {
    msg.addHeader('X-Seen', 'yes');
    msg.setBody('changed', 'text/plain');
    Object.assign(seen, {
      key: b2b.key, scenario: b2b.scenario, entityId: b2b.entityId, tenant: b2b.ctx.get('tenant'),
      entity: b2b.entity(), callid: b2b.entity('callid'), peerKey: b2b.entity('key', 1), peerTag: b2b.entity('totag', 1), id0: b2b.entity('id', 0),
    });
    b2b.ctx.set('seen', '1');
    b2b.passRequest();
  });
  const context = new FakeRequestContext(info());
  routes.request!(context);
  t.same(seen, {
    key: '7.1', scenario: 'transfer', entityId: 'caller', tenant: 'acme',
    entity: CALLER.key, callid: 'call-1', peerKey: CALLEE.key, peerTag: 'bob-tag', id0: 'caller',
  });
  t.equal(context.ctx.get('seen'), '1', 'ctx writes go to the session\'s map');
  const passed = context.calls[0]!;
  t.equal(passed.verb, 'passRequest');
  const edited = passed.args[0] as ReturnType<typeof request>;
  t.equal(edited.header('x-seen'), 'yes');
  t.equal(new TextDecoder().decode(edited.body), 'changed');
});

t.test('request route: sendReply, deleteEntity, endDlgLeg, clientNew + bridge with parsed flags', async (t) => {
  const { routes } = wrapped((_msg, b2b) => {
    b2b.sendReply(202, 'Accepted', { headers: { 'X-Why': 'refer' }, body: 'SIP/2.0 100 Trying', contentType: 'message/sipfrag' });
    b2b.clientNew('target', 'sip:carol@192.0.2.7', { headers: { 'X-T': '1' } });
    b2b.bridge('peer', 'target', { provMedia: 'sip:ringback@192.0.2.8', flags: 'notify, rollback-failed,max_duration=120,hold,no-late-sdp,propagate-avps,provmedia-extra-headers' });
    b2b.endDlgLeg();
    b2b.deleteEntity();
  });
  const context = new FakeRequestContext(request('REFER', { toTag: 'B2B.server.1' }));
  routes.request!(context);
  t.same(context.calls.map((c) => c.verb), ['sendReply', 'clientNew', 'bridge', 'endDlgLeg', 'deleteEntity']);
  const [status, reason, options] = context.calls[0]!.args as [number, string, { headers: unknown; body: { body: Uint8Array; contentType: string } }];
  t.equal(status, 202);
  t.equal(reason, 'Accepted');
  t.same(options.headers, [['X-Why', 'refer']]);
  t.equal(new TextDecoder().decode(options.body.body), 'SIP/2.0 100 Trying');
  t.equal(options.body.contentType, 'message/sipfrag');
  const declared = context.calls[1]!.args[0] as ClientDeclaration;
  t.equal(declared.id, 'target');
  t.equal(formatUri(declared.uri), 'sip:carol@192.0.2.7');
  t.same(declared.headers, [['X-T', '1']]);
  const [first, second, bridgeOptions] = context.calls[2]!.args as [string, string, { flags: unknown; provMedia: ClientDeclaration }];
  t.equal(first, 'peer');
  t.equal(second, 'target');
  t.same(bridgeOptions.flags, { notify: true, rollbackFailed: true, maxDurationS: 120, hold: true, noLateSdp: true, provmediaExtraHeaders: true });
  t.equal(formatUri(bridgeOptions.provMedia.uri), 'sip:ringback@192.0.2.8');
});

t.test('reply route: handleReply with the edited reply and parsed flags; bridgeRetry; method', async (t) => {
  let method: string | undefined;
  let status: number | undefined;
  const { routes } = wrapped(undefined, (msg, b2b) => {
    method = b2b.method;
    status = msg.status;
    if (msg.status >= 300) {
      b2b.clientNew('second', 'sip:dave@192.0.2.10');
      b2b.bridgeRetry('second');
      return;
    }
    msg.addHeader('X-Relayed', '1');
    b2b.handleReply('pass-3xx-contact');
  });
  const ok = new FakeReplyContext(createResponse(request('INVITE'), 180, 'Ringing', { toTag: 'bob-tag' }));
  routes.reply!(ok);
  t.equal(method, 'INVITE');
  t.equal(status, 180);
  const [flags, edited] = ok.calls[0]!.args as [unknown, ReturnType<typeof createResponse>];
  t.same(flags, { pass3xxContact: true });
  t.equal(edited.header('x-relayed'), '1');
  const busy = new FakeReplyContext(createResponse(request('INVITE'), 486, 'Busy Here', { toTag: 'bob-tag' }));
  routes.reply!(busy);
  t.same(busy.calls.map((c) => c.verb), ['clientNew', 'bridgeRetry']);
  t.same(busy.calls[1]!.args, ['second']);
});

t.test('reply route on a reply the engine made up: a view built from the entity\'s INVITE, nothing handed back', async (t) => {
  let seen: string | undefined;
  const { routes } = wrapped(undefined, (msg, b2b) => {
    seen = `${msg.status} ${msg.reason} ${msg.callId}`;
    b2b.handleReply();
  });
  const context = new FakeReplyContext(undefined, 'INVITE', { status: 408, reason: 'Request Timeout' });
  routes.reply!(context);
  t.equal(seen, '408 Request Timeout B2B.client.1');
  t.same(context.calls[0]!.args, [{}, undefined]);
  // An entity the entities layer no longer has: a minimal view still reads.
  const gone = new FakeReplyContext(undefined, 'BYE', { status: 408, reason: 'Request Timeout' }, { ...CALLEE, key: 'B2B.client.9', callId: 'gone-call' });
  routes.reply!(gone);
  t.equal(seen, '408 Request Timeout gone-call');
});

t.test('flag errors name the flag', async (t) => {
  const errors: Array<[string, RegExp]> = [
    ['notify,bogus', /unknown bridge flag "bogus" \(allowed: max_duration=<seconds>, notify, rollback-failed/],
    ['max_duration=abc', /max_duration needs whole seconds/],
    ['max_duration', /max_duration needs whole seconds/],
    ['notify=1', /bridge flag "notify" takes no value/],
  ];
  for (const [flags, message] of errors) {
    const rig = wrapped((_msg, b2b) => { b2b.bridge('this', 'x', { flags }); });
    const context = new FakeRequestContext(info());
    t.throws(() => rig.routes.request!(context), message, flags);
    t.equal(context.calls.length, 0, `${flags}: nothing reached the logic`);
  }
  const objectForm = wrapped((_msg, b2b) => { b2b.bridge('this', 'x', { flags: { notify: true, rollback: true } as never }); });
  t.throws(() => objectForm.routes.request!(new FakeRequestContext(info())), /unknown bridge flag "rollback"/);
  const reply = wrapped(undefined, (_msg, b2b) => { b2b.handleReply('pass-3xx-contact,keep'); });
  t.throws(() => reply.routes.reply!(new FakeReplyContext(createResponse(request('INVITE'), 302, 'Moved', { toTag: 'x' }))), /unknown handleReply flag "keep" \(allowed: pass-3xx-contact\)/);
  const replyObject = wrapped(undefined, (_msg, b2b) => { b2b.handleReply({ pass3xx: true } as never); });
  t.throws(() => replyObject.routes.reply!(new FakeReplyContext(createResponse(request('INVITE'), 302, 'Moved', { toTag: 'x' }))), /unknown handleReply flag "pass3xx"/);
});

t.test('misplaced verbs in b2b routes throw not-allowed-here; the error is logged at the script line and rethrown', async (t) => {
  const requestOnly = ['passRequest', 'sendReply', 'deleteEntity', 'bridge'];
  const replyOnly = ['handleReply', 'bridgeRetry'];
  const mainOnly = ['initRequest', 'serverNew', 'bridgeRequest', 'reply', 'setDestination', 'forceSendSocket', 'appendBranch'];
  for (const verb of [...replyOnly, ...mainOnly]) {
    let line = 0;
    const rig = wrapped((_msg, b2b) => { line = lineHere(); loose(b2b)[verb]!('x'); });
    const error = (() => { try { rig.routes.request!(new FakeRequestContext(info())); } catch (e) { return e; } return undefined; })();
    t.ok(error instanceof ScriptError && error.code === 'not-allowed-here', `${verb} in the request route`);
    t.match((error as Error).message, new RegExp(`b2b\\.${verb} is not allowed in the b2b_logic request route`));
    const logged = rig.lines.find((l) => l.level === 'error');
    t.equal(logged?.fields.line, line, `${verb}: logged at the script line`);
    t.match(logged?.message ?? '', new RegExp(`"initRequest request route" threw at .*logic-routes\\.test\\.ts:${line}:\\d+`));
  }
  for (const verb of [...requestOnly, ...mainOnly]) {
    const rig = wrapped(undefined, (_msg, b2b) => { loose(b2b)[verb]!('x'); });
    const context = new FakeReplyContext(createResponse(request('INVITE'), 200, 'OK', { toTag: 'bob-tag' }));
    t.throws(() => rig.routes.reply!(context), new RegExp(`b2b\\.${verb} is not allowed in the b2b_logic reply route .*: only in `), `${verb} in the reply route`);
  }
  const bridgeInReply = wrapped(undefined, (_msg, b2b) => { loose(b2b).bridge!('this', 'x'); });
  t.throws(() => bridgeInReply.routes.reply!(new FakeReplyContext(createResponse(request('INVITE'), 200, 'OK', { toTag: 'b' }))),
    /b2b\.bridge is not allowed in the b2b_logic reply route \(b2bReply or initRequest's reply route\): only in the b2b_logic request route/);
});

t.test('the logic\'s refusals become ScriptErrors with the same code; more than two new entities refused', async (t) => {
  const { routes } = wrapped((_msg, b2b) => { b2b.passRequest(); });
  const context = new FakeRequestContext(info());
  context.refuse = new LogicUsageError('already-decided', 'this message was already passed');
  t.throws(() => routes.request!(context), { name: 'ScriptError', code: 'already-decided', message: 'passRequest: this message was already passed' });
  const three = wrapped((_msg, b2b) => { b2b.clientNew('a', 'sip:a@192.0.2.1'); b2b.clientNew('b', 'sip:b@192.0.2.2'); b2b.clientNew('c', 'sip:c@192.0.2.3'); });
  const counted = new FakeRequestContext(info());
  t.throws(() => three.routes.request!(counted), { code: 'too-many-entities' });
  t.equal(counted.declared.length, 2);
});

t.test('triggerScenario from a b2b route: a bare n notifies the REFER sender with the REFER CSeq', async (t) => {
  const { routes, logic } = wrapped((_msg, b2b) => {
    const outcome = b2b.triggerScenario('transfer', 'n', 'referee,sip:carol@192.0.2.7', 'target,sip:dave@192.0.2.8');
    t.same(outcome, { ok: true, key: '7.1' });
    b2b.sendReply(202, 'Accepted');
  });
  routes.request!(new FakeRequestContext(request('REFER', { toTag: 'B2B.server.1' })));
  const spec = logic.calls.find((c) => c.verb === 'triggerScenario')!.args[0] as TriggerSpec;
  t.same(spec.notify, { entityKey: CALLER.key, referCseq: 1 });
  t.equal(spec.ctx, undefined, 'the session\'s ctx is not copied into the new one');
  routes.request!(new FakeRequestContext(info()));
  const second = logic.calls.filter((c) => c.verb === 'triggerScenario')[1]!.args[0] as TriggerSpec;
  t.same(second.notify, { entityKey: CALLER.key }, 'not a REFER: no CSeq id');
});

t.test('an async b2b route gets one error log; its later rejection is logged too', async (t) => {
  const { routes, lines } = wrapped(async (_msg, b2b) => { b2b.passRequest(); await Promise.resolve(); throw new Error('late'); });
  routes.request!(new FakeRequestContext(info()));
  routes.request!(new FakeRequestContext(info()));
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(lines.filter((l) => /returned a promise/.test(l.message)).length, 1);
  t.equal(lines.filter((l) => /threw at .*Error: late/.test(l.message)).length, 2);
});

t.test('global routes: the script\'s b2bRequest/b2bReply exports, wrapped once by the host', async (t) => {
  const rig = hostRig({ scriptFile: __filename });
  let ran = '';
  const routes = defineScript({
    request(_msg, b2b) { b2b.reply(404); },
    b2bRequest(_msg, b2b) { ran += 'request;'; b2b.passRequest(); },
    b2bReply(_msg, b2b) { ran += 'reply;'; b2b.handleReply(); },
  });
  const host = new ScriptHost(routes, rig.env);
  t.type(host.logicRoutes?.request, 'function');
  t.type(host.logicRoutes?.reply, 'function');
  host.logicRoutes!.request!(new FakeRequestContext(info()));
  host.logicRoutes!.reply!(new FakeReplyContext(createResponse(request('INVITE'), 200, 'OK', { toTag: 'b' })));
  t.equal(ran, 'request;reply;');
  t.equal(host.logicRoutes!.request!.name, 'b2bRequest', 'named for the logic\'s logs');
  const named = logicRoutes(rig.env, { request: function transferRoute() {} }, 'initRequest');
  t.equal(named?.request?.name, 'transferRoute');
  t.equal(logicRoutes(rig.env, { reply: () => undefined }, 'initRequest')?.reply?.name, 'initRequest reply route');
  t.equal(new ScriptHost(defineScript({ request() {} }), rig.env).logicRoutes, undefined, 'no exports: no global routes');
  const onlyReply = globalLogicRoutes(rig.env, undefined, () => undefined);
  t.equal(onlyReply?.request, undefined);
  t.type(onlyReply?.reply, 'function');
  t.throws(() => logicRoutes(rig.env, { request: () => undefined, reqest: () => undefined } as never, 'initRequest'), /unknown route "reqest"/);
  t.equal(logicRoutes(rig.env, {}, 'initRequest'), undefined, 'an empty routes object is no routes');
});

t.test('sendReply: a body without contentType is text/plain; a bad status or reason is the script\'s error', async (t) => {
  const { routes } = wrapped((msg, b2b) => {
    if (msg.method === 'INFO') b2b.sendReply(200, 'OK', { body: 'done' });
    else if (msg.method === 'MESSAGE') b2b.sendReply(99, 'Nope');
    else b2b.sendReply(200, 'OK\r\nX: y');
  });
  const context = new FakeRequestContext(info());
  routes.request!(context);
  t.same((context.calls[0]!.args[2] as { body: { contentType: string } }).body.contentType, 'text/plain');
  t.throws(() => routes.request!(new FakeRequestContext(request('MESSAGE', { toTag: 'B2B.server.1' }))), { code: 'bad-status' });
  t.throws(() => routes.request!(new FakeRequestContext(request('UPDATE', { toTag: 'B2B.server.1' }))), { code: 'bad-argument', message: /one line/ });
});
