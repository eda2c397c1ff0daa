import t from 'tap';
import { formatUri } from '../sip/uri';
import { FakeEntities, FakeLogic } from '../script/test-support';
import type { MiBridgeSpec, TriggerSpec } from '../b2b/logic/logic-types';
import { handleJsonRpc } from './json-rpc';
import { defaultMiRegistry } from './mi-registry';

function rig() {
  const logic = new FakeLogic();
  const entities = new FakeEntities();
  const call = (method: string, params?: unknown): { result?: unknown; error?: { code: number; message: string } } => {
    const out = handleJsonRpc(JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }), defaultMiRegistry, { logic, entities });
    return JSON.parse(out!);
  };
  return { logic, call };
}

t.test('trigger_scenario: entities, from_dname and context array reach the logic; result OK', async (t) => {
  const { logic, call } = rig();
  const reply = call('b2b_logic:trigger_scenario', {
    scenario_id: 'marketing', entity1: 'customer,sip:cust@10.0.0.5:5060,Marketing', entity2: 'media,<sip:ann@10.0.0.6>',
    context: ['operator_uri=sip:op@10.0.0.7', 'campaign=a=b'],
  });
  t.same(reply.result, 'OK');
  t.equal(logic.calls.length, 1);
  t.equal(logic.calls[0]!.verb, 'triggerScenario');
  const spec = logic.calls[0]!.args[0] as TriggerSpec;
  t.equal(spec.scenario, 'marketing');
  t.equal(spec.first.id, 'customer');
  t.equal(formatUri(spec.first.uri), 'sip:cust@10.0.0.5:5060');
  t.equal(spec.first.fromDname, 'Marketing');
  t.equal(spec.second.id, 'media');
  t.equal(formatUri(spec.second.uri), 'sip:ann@10.0.0.6', 'angle brackets tolerated');
  t.equal(spec.second.fromDname, undefined);
  t.same([...spec.ctx!], [['operator_uri', 'sip:op@10.0.0.7'], ['campaign', 'a=b']], 'split at the first =');
});

t.test('trigger_scenario: old name, positional params, a single context string', async (t) => {
  const { logic, call } = rig();
  t.same(call('b2b_trigger_scenario', ['marketing', 'customer,sip:c@h', 'media,sip:m@h', 'operator_uri=sip:op@h']).result, 'OK');
  t.same([...(logic.calls[0]!.args[0] as TriggerSpec).ctx!], [['operator_uri', 'sip:op@h']]);
  t.same(call('b2b_trigger_scenario', ['marketing', 'customer,sip:c@h', 'media,sip:m@h']).result, 'OK', 'context optional');
});

t.test('trigger_scenario errors have OpenSIPS codes and texts', async (t) => {
  const { logic, call } = rig();
  const base = { scenario_id: 's', entity1: 'a,sip:a@h', entity2: 'b,sip:b@h' };
  const cases: Array<[Record<string, unknown>, number, string]> = [
    [{ ...base, entity1: 7 }, 400, 'Bad format for entity1'],
    [{ ...base, entity1: ',sip:a@h' }, 400, 'Missing ID for entity1'],
    [{ ...base, entity1: 'a' }, 400, 'Missing destination URI for entity1'],
    [{ ...base, entity2: 'b,' }, 400, 'Missing destination URI for entity2'],
    [{ ...base, entity2: '' }, 400, 'Missing ID for entity2'],
    [{ ...base, context: ['novalue'] }, 400, 'Bad format for context value'],
    [{ ...base, context: [3] }, 400, 'Bad format for context value'],
    [{ ...base, entity2: 'b,not a uri' }, 500, 'Failed to initialize scenario'],
  ];
  for (const [params, code, message] of cases) t.same(call('b2b_logic:trigger_scenario', params).error, { code, message }, message);
  t.equal(logic.calls.length, 0, 'nothing reached the logic');
  logic.nextOutcome = { ok: false, code: 500, message: 'Failed to initialize scenario' };
  t.same(call('b2b_logic:trigger_scenario', base).error, { code: 500, message: 'Failed to initialize scenario' }, "the logic's own failure");
});

t.test('bridge: the four variants reach the logic with flag and prov media', async (t) => {
  const { logic, call } = rig();
  t.same(call('b2b_logic:bridge', ['7.1', 'sip:x@h']).result, 'OK');
  t.same(call('b2b_logic:bridge', ['7.1', 'sip:x@h', '1']).result, 'OK', 'flag as a CLI string');
  t.same(call('b2b_bridge', { dialog_id: 'c;f;t', new_uri: 'sip:x@h', prov_media_uri: 'sip:ring@m' }).result, 'OK');
  t.same(call('b2b_bridge', { dialog_id: '7.1', new_uri: 'sip:x@h', flag: 0, prov_media_uri: 'sip:ring@m' }).result, 'OK');
  t.same(logic.calls.map((c) => c.args[0] as MiBridgeSpec), [
    { dialogId: '7.1', newUri: 'sip:x@h' },
    { dialogId: '7.1', newUri: 'sip:x@h', flag: 1 },
    { dialogId: 'c;f;t', newUri: 'sip:x@h', provMediaUri: 'sip:ring@m' },
    { dialogId: '7.1', newUri: 'sip:x@h', flag: 0, provMediaUri: 'sip:ring@m' },
  ]);
});

t.test('bridge errors: bad uri, bad flag, bad prov media, session not found from the logic', async (t) => {
  const { logic, call } = rig();
  t.same(call('b2b_logic:bridge', ['7.1', 'nonsense']).error, { code: 404, message: 'Invalid uri for the new destination' });
  t.same(call('b2b_logic:bridge', ['7.1', 'sip:x@h', 'one']).error, { code: 404, message: "Invalid 'flag' parameter" });
  t.same(call('b2b_logic:bridge', ['7.1', 'sip:x@h', 0, 'garbage']).error, { code: 404, message: "Bad 'prov_media_uri' parameter" });
  t.equal(logic.calls.length, 0);
  logic.nextOutcome = { ok: false, code: 404, message: 'B2B session not found' };
  t.same(call('b2b_logic:bridge', ['9.9', 'sip:x@h']).error, { code: 404, message: 'B2B session not found' });
  t.match(call('b2b_logic:bridge', ['9.9']).error, { code: -32602 }, 'new_uri is required');
});
