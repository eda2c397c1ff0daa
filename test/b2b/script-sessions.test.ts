/**
 * Script-driven sessions end to end in the simulator (opensips-b2b.md §1.2, §2.1): a script's main route
 * declares the client and starts the session through the ScriptHost; per-session and global
 * b2b_logic routes (the script's own functions) see the session's requests and replies.
 */
import t from 'tap';
import { createB2bStack, type B2bStack } from '../../engine/b2b/b2b-stack';
import { defaultEntitiesConfig } from '../../engine/b2b/entities/entity-types';
import { defaultLogicConfig } from '../../engine/b2b/logic/logic-types';
import { ScriptHost } from '../../engine/script/script-host';
import { defineScript, type ScriptRoutes } from '../../engine/script/script-types';
import { hostRig, type LogLine } from '../../engine/script/test-support';
import type { SimHost, World } from '../../simulator';
import { leftovers, newWorld, addUa } from '../dialog/sim-ua';
import { B2B_ADDRESS, b2bLeftovers, type SimB2b } from './sim-b2b';
import { addCallee, party, placeCall } from './scripted-sim';

function lineHere(): number {
  const frame = (new Error().stack ?? '').split('\n')[2] ?? '';
  return Number(/:(\d+):\d+\)?$/.exec(frame)?.[1]);
}

interface ScriptB2b extends SimB2b {
  readonly lines: LogLine[];
}

function addScriptB2b(world: World, routes: ScriptRoutes, params: ReadonlyMap<string, string> = new Map()): SimHost<ScriptB2b> {
  return world.addHost<ScriptB2b>({
    name: 'b2b', addresses: [B2B_ADDRESS], listen: [{ protocol: 'udp', port: 5060 }],
    build: (ctx) => {
      const rig = hostRig({ scriptFile: __filename, params });
      let stack: B2bStack | undefined;
      const listen = [{ protocol: 'udp' as const, local: { host: B2B_ADDRESS, port: 5060 }, advertised: { host: B2B_ADDRESS, port: 5060 } }];
      const host = new ScriptHost(routes, { ...rig.env, listen, get logic() { return stack!.logic; }, get entities() { return stack!.entities; } });
      stack = createB2bStack({
        transport: ctx.transport, listen, timers: ctx.timers, clock: ctx.clock, random: ctx.random, logger: rig.env.logger,
        entitiesConfig: defaultEntitiesConfig, logicConfig: { ...defaultLogicConfig, customHeaders: ['X-Script'] },
        delegate: () => host, hooks: host.hooks,
        ...(host.logicRoutes === undefined ? {} : { globalRoutes: host.logicRoutes }),
      });
      ctx.onPacket((packet) => stack!.receive(packet));
      return { stack, ctx, ended: [], lines: rig.lines };
    },
  });
}

function setup(seed: number, routes: ScriptRoutes, params?: ReadonlyMap<string, string>) {
  const world = newWorld(seed);
  const b2b = addScriptB2b(world, routes, params);
  const caller = party();
  const callee = party();
  const bob = addCallee(world, 'bob', '10.0.0.2', 'answer', callee);
  const alice = addUa(world, 'alice', '10.0.0.1');
  placeCall(alice, caller, '10.0.0.2');
  const nothingLeft = () => [...leftovers(alice.app), ...leftovers(bob.app), ...b2bLeftovers(b2b.app)];
  const connected = () => world.runSync({ until: () => caller.session !== undefined && callee.events.includes('ack') });
  const problems = () => b2b.app.lines.filter((l) => l.level === 'warn' || l.level === 'error').map((l) => l.message);
  return { world, b2b, caller, callee, nothingLeft, connected, problems };
}

t.test('a session route from initRequest: edits pass with the request, MESSAGE answered by the script', async (t) => {
  const seen: string[] = [];
  const s = setup(11, defineScript({
    request(msg, b2b) {
      b2b.clientNew('callee', msg.ruri, { fromDname: b2b.param('display') ?? 'none' });
      b2b.ctx.set('tenant', 'acme');
      const result = b2b.initRequest('custom', 'setup-timeout=30', {
        request: function sessionRoute(req, leg) {
          seen.push(`${req.method} from ${leg.entityId} in ${leg.scenario} ${leg.ctx.get('tenant')}`);
          if (req.method === 'MESSAGE') { leg.sendReply(202, 'Taken Here'); return; }
          if (req.method === 'INFO') req.addHeader('X-Script', 'seen');
          leg.passRequest();
        },
      });
      if (!result.ok) throw new Error(`initRequest failed: ${result.status}`);
    },
  }), new Map([['display', 'Front Desk']]));
  s.connected();
  t.equal(s.callee.invites[0]?.from.displayName, 'Front Desk', 'clientNew options reach the INVITE');
  const results: string[] = [];
  s.caller.session!.request('MESSAGE', {}, (r) => results.push(`${r.status} ${r.reason}`));
  s.caller.session!.request('INFO', {}, (r) => results.push(`${r.status}`));
  s.world.runSync({ until: () => results.length === 2 });
  t.same(results.sort(), ['200', '202 Taken Here']);
  t.notOk(s.callee.events.includes('MESSAGE'), 'the callee never saw the MESSAGE');
  const info = s.callee.requests.find((r) => r.method === 'INFO');
  t.equal(info?.header('x-script'), 'seen', 'the script\'s edit went out with the relayed INFO');
  s.callee.session!.bye();
  s.world.runSync();
  t.same(seen, ['ACK from caller in custom acme', 'MESSAGE from caller in custom acme', 'INFO from caller in custom acme', 'BYE from callee in custom acme']);
  t.same(s.nothingLeft(), []);
  t.same(s.problems(), []);
});

t.test('global b2bRequest / b2bReply run for a session started without its own routes', async (t) => {
  const replies: string[] = [];
  const requests: string[] = [];
  const s = setup(12, defineScript({
    request(msg, b2b) {
      b2b.clientNew('callee', msg.ruri);
      b2b.initRequest('custom');
    },
    b2bRequest(msg, b2b) { requests.push(`${msg.method} ${b2b.entityId}`); b2b.passRequest(); },
    b2bReply(msg, b2b) {
      replies.push(`${msg.status} ${b2b.method} ${b2b.entityId}`);
      b2b.handleReply();
    },
  }));
  s.connected();
  s.caller.session!.bye();
  s.world.runSync();
  t.ok(replies.includes('180 INVITE callee') && replies.includes('200 INVITE callee'), `replies: ${replies.join(', ')}`);
  t.same(requests, ['ACK caller', 'BYE caller']);
  t.same(s.caller.events.slice(0, 2), ['180', '200 sdp']);
  t.same(s.nothingLeft(), []);
  t.same(s.problems(), []);
});

t.test('a b2b route that throws is logged at the script line; the logic answers and the call still ends cleanly', async (t) => {
  let line = 0;
  const s = setup(13, defineScript({
    request(msg, b2b) {
      b2b.clientNew('callee', msg.ruri);
      b2b.initRequest('custom');
    },
    b2bRequest(msg, b2b) {
      // A plain-JS script can call any verb: handleReply belongs to the reply route.
      if (msg.method === 'INFO') { line = lineHere(); (b2b as unknown as { handleReply(): void }).handleReply(); }
      b2b.passRequest();
    },
  }));
  s.connected();
  const results: number[] = [];
  s.caller.session!.request('INFO', {}, (r) => results.push(r.status));
  s.world.runSync({ until: () => results.length === 1 });
  t.same(results, [500], 'the INFO got 500');
  const logged = s.b2b.app.lines.find((l) => l.level === 'error' && /b2bRequest/.test(l.message));
  t.match(logged?.message ?? '', new RegExp(`"b2bRequest" threw at .*script-sessions\\.test\\.ts:${line}:\\d+: ScriptError: b2b\\.handleReply is not allowed in the b2b_logic request route`));
  s.world.runSync();
  if (s.caller.session !== undefined && !s.caller.events.some((e) => e.startsWith('ended'))) s.caller.session.bye();
  s.world.runSync();
  t.same(s.nothingLeft(), []);
});
