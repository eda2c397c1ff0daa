/** The script's b2bRequest / b2bReply exports become the logic's global routes when the stack is built (opensips-b2b.md §1.2 script_req_route / script_reply_route). */
import t from 'tap';
import { createB2bStack, type B2bStack } from '../../engine/b2b/b2b-stack';
import { defaultEntitiesConfig } from '../../engine/b2b/entities/entity-types';
import { defaultLogicConfig } from '../../engine/b2b/logic/logic-types';
import type { LogicRoutes } from '../../engine/b2b/logic/scripted-types';
import { ScriptHost } from '../../engine/script/script-host';
import { defineScript, type ScriptRoutes } from '../../engine/script/script-types';
import { hostRig } from '../../engine/script/test-support';
import { newWorld } from '../dialog/sim-ua';

function build(routes: ScriptRoutes): { stack: B2bStack; host: ScriptHost } {
  const world = newWorld(7);
  const rig = hostRig();
  let host: ScriptHost | undefined;
  const sim = world.addHost({
    name: 'b2b', addresses: ['10.0.0.9'], listen: [{ protocol: 'udp', port: 5060 }],
    build: (ctx) => {
      let stack: B2bStack | undefined;
      host = new ScriptHost(routes, { ...rig.env, get logic() { return stack!.logic; }, get entities() { return stack!.entities; } });
      stack = createB2bStack({
        transport: ctx.transport, listen: [{ protocol: 'udp', local: { host: '10.0.0.9', port: 5060 }, advertised: { host: '10.0.0.9', port: 5060 } }],
        timers: ctx.timers, clock: ctx.clock, random: ctx.random, entitiesConfig: defaultEntitiesConfig, logicConfig: defaultLogicConfig,
        delegate: () => host!, hooks: host.hooks,
        ...(host.logicRoutes === undefined ? {} : { globalRoutes: host.logicRoutes }),
      });
      return stack;
    },
  });
  return { stack: sim.app, host: host! };
}

/** The logic keeps its global routes to itself; the test reads them to see what the stack installed. */
function installed(stack: B2bStack): LogicRoutes | undefined {
  return (stack.logic as unknown as { globalRoutes: LogicRoutes | undefined }).globalRoutes;
}

t.test('b2bRequest / b2bReply exports are installed as the global routes', async (t) => {
  const { stack, host } = build(defineScript({
    request(_msg, b2b) { b2b.reply(404); },
    b2bRequest(_msg, b2b) { b2b.passRequest(); },
    b2bReply(_msg, b2b) { b2b.handleReply(); },
  }));
  t.ok(host.logicRoutes !== undefined);
  t.equal(installed(stack), host.logicRoutes, 'the wrapped routes reach the logic');
  t.type(installed(stack)?.request, 'function');
  t.type(installed(stack)?.reply, 'function');
});

t.test('a script without them leaves the logic without global routes', async (t) => {
  const { stack } = build(defineScript({ request(_msg, b2b) { b2b.reply(404); } }));
  t.equal(installed(stack), undefined);
});
