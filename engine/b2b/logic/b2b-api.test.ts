import t from 'tap';
import { parseUri } from '../../sip';
import { FakeLogic, FakeServerTx, RECEIVED, request } from '../../script/test-support';
import { B2bApi } from './b2b-api';
import type { BridgeRequestSpec, InitRequestSpec, TriggerSpec } from './logic-types';

const agent = { id: 'agent', uri: parseUri('sip:agent@10.0.0.2')!, proxy: { protocol: 'udp' as const, address: { host: '10.0.0.8', port: 5060 } } };

t.test('initCall: a server + one client session with callbacks and no script routes', async (t) => {
  const logic = new FakeLogic();
  const api = new B2bApi(logic);
  const invite = request('INVITE');
  const onDestroy = () => undefined;
  t.same(api.initCall(new FakeServerTx(invite), RECEIVED, { scenario: 'cc', request: invite, client: agent, callbacks: { onDestroy } }), { ok: true, key: '7.1' });
  const spec = logic.inits[0] as InitRequestSpec;
  t.equal(spec.scenario, 'cc');
  t.same(spec.server, { id: 'caller' }, 'default server id');
  t.same(spec.clients, [agent]);
  t.same(spec.targets, [{ uri: agent.uri, destination: agent.proxy }], 'the client is the target, via its proxy');
  t.same(spec.routes, {}, 'no routes: the global script routes do not run for API sessions');
  t.equal(spec.callbacks?.onDestroy, onDestroy);
});

t.test('initThirdParty, bridge, bridgeTwoCalls, bridgeMsg, terminate and the queries go to the logic', async (t) => {
  const logic = new FakeLogic();
  const api = new B2bApi(logic);
  const caller = { id: 'customer', uri: parseUri('sip:c@h')! };
  t.same(api.initThirdParty({ scenario: 'flow', first: caller, second: agent, ctx: new Map([['k', 'v']]) }), { ok: true, key: '7.1' });
  const trigger = logic.calls[0]!.args[0] as TriggerSpec;
  t.same([trigger.scenario, trigger.first, trigger.second, [...trigger.ctx!], trigger.routes], ['flow', caller, agent, [['k', 'v']], {}]);
  api.bridge('7.1', agent);
  t.same(logic.calls[1], { verb: 'apiBridge', args: ['7.1', agent, 0, undefined] }, 'entity 0 by default');
  api.bridgeTwoCalls('1.1', '2.2');
  t.same(logic.calls[2], { verb: 'bridgeTwoCalls', args: ['1.1', '2.2'] });
  const pickup = request('INVITE', { callId: 'pickup' });
  t.same(api.bridgeMsg(new FakeServerTx(pickup), RECEIVED, { request: pickup, key: '7.1', entityNo: 1, lateBye: true }), { ok: true, key: '7.1' });
  t.same(logic.calls[3]!.args[0] as BridgeRequestSpec, { key: '7.1', entityNo: 1, request: pickup, lateBye: true });
  t.equal(api.terminate('nope'), false);
  api.stats('7.1');
  api.entityInfo('7.1', 1);
  api.registerCallbacks('7.1', {});
  t.same(logic.calls.slice(4).map((c) => c.verb), ['stats', 'entityInfo', 'registerCallbacks']);
  t.equal(api.ctx('7.1'), undefined, 'no such session in the fake');
});
