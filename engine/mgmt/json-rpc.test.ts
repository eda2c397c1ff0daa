import t from 'tap';
import { FakeEntities, FakeLogic, FakeServerTx, request } from '../script/test-support';
import { handleJsonRpc } from './json-rpc';
import { defaultMiRegistry } from './mi-registry';

function rig() {
  const logic = new FakeLogic();
  logic.initRequest(new FakeServerTx(request('INVITE')), { scenario: 'top hiding', flags: {}, targets: [], request: request('INVITE') });
  const entities = new FakeEntities();
  const call = (body: unknown): unknown => {
    const out = handleJsonRpc(typeof body === 'string' ? body : JSON.stringify(body), defaultMiRegistry, { logic, entities });
    return out === undefined ? undefined : JSON.parse(out);
  };
  return { logic, entities, call };
}

t.test('b2b_logic:list returns Tuples with OpenSIPS field names; b2b_list is an alias', async (t) => {
  const { call } = rig();
  const reply = call({ jsonrpc: '2.0', id: 1, method: 'b2b_logic:list' }) as { id: number; result: { Tuples: Array<Record<string, unknown>> } };
  t.equal(reply.id, 1);
  t.equal(reply.result.Tuples.length, 1);
  const tuple = reply.result.Tuples[0]!;
  t.same(Object.keys(tuple), ['id', 'key', 'state', 'lifetime', 'db_flag', 'scenario', 'SERVERS', 'CLIENTS', 'BRIDGE_ENTITIES']);
  t.equal(tuple.key, '7.1');
  t.equal(tuple.scenario, 'top hiding');
  t.same((tuple.SERVERS as unknown[])[0], {
    index: 0, scenario_id: 'caller', key: 'B2B.server.1', disconnected: 0, state: 0, no: 1, type: 0, peer: null,
    to_uri: 'sip:bob@198.51.100.2', from_uri: 'sip:alice@192.0.2.1', from_dname: 'Alice',
  });
  t.same(call({ jsonrpc: '2.0', id: 2, method: 'b2b_list' }), { ...reply, id: 2 });
});

t.test('b2b_logic:terminate_call by name or position; 404 when not found', async (t) => {
  const { call, logic } = rig();
  t.same(call({ jsonrpc: '2.0', id: 'a', method: 'b2b_logic:terminate_call', params: { key: '7.1' } }), { jsonrpc: '2.0', id: 'a', result: 'OK' });
  t.same(call({ jsonrpc: '2.0', id: 'b', method: 'b2b_terminate_call', params: ['7.1'] }), { jsonrpc: '2.0', id: 'b', result: 'OK' });
  t.same(logic.terminated, ['7.1', '7.1']);
  t.same(call({ jsonrpc: '2.0', id: 3, method: 'b2b_logic:terminate_call', params: { key: '9.9' } }),
    { jsonrpc: '2.0', id: 3, error: { code: 404, message: 'B2B session not found' } });
});

t.test('b2b_entities:list (b2be_list) shows both kinds with dialog fields', async (t) => {
  const { call } = rig();
  const r = call({ jsonrpc: '2.0', id: 1, method: 'b2b_entities:list' }) as { result: Record<string, Array<Record<string, unknown>>> };
  t.same(Object.keys(r.result), ['Server Entities', 'Client Entities']);
  t.same(r.result['Server Entities']![0], {
    key: 'B2B.server.1', type: 'server', state: 'confirmed', callid: 'call-1',
    from: '"Alice" <sip:alice@192.0.2.1>;tag=alice-tag', to: '<sip:bob@198.51.100.2>',
    from_tag: 'alice-tag', to_tag: 'B2B.server.1', ruri: 'sip:bob@198.51.100.2:5060', cseq: 1,
    remote_contact: 'sip:alice@127.0.0.1:40000', logic_key: '7.1',
  });
  const client = r.result['Client Entities']![0]!;
  t.equal(client.key, 'B2B.client.1');
  t.equal(client.from_tag, 'our-from-tag', 'a client dialog: From is us');
  t.equal(client.to_tag, 'bob-tag');
  t.same(call({ jsonrpc: '2.0', id: 1, method: 'b2be_list' }), r, 'old name');
});

t.test('JSON-RPC errors: parse, invalid request, method not found, invalid params', async (t) => {
  const { call } = rig();
  t.same(call('{nope'), { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
  t.match(call({ id: 1, method: 'b2b_list' }), { id: 1, error: { code: -32600 } }, 'jsonrpc 2.0 is required');
  t.match(call({ jsonrpc: '2.0', id: 1, method: 7 }), { error: { code: -32600 } });
  t.match(call({ jsonrpc: '2.0', id: {}, method: 'b2b_list' }), { id: null, error: { code: -32600 } });
  t.match(call([]), { error: { code: -32600 } });
  t.match(call('"text"'), { error: { code: -32600 } });
  t.match(call({ jsonrpc: '2.0', id: 1, method: 'b2b_no_such_command' }), { error: { code: -32601, message: 'Method not found' } });
  t.match(call({ jsonrpc: '2.0', id: 1, method: 'b2b_logic:terminate_call' }), { error: { code: -32602, message: /missing key/ } });
  t.match(call({ jsonrpc: '2.0', id: 1, method: 'b2b_logic:terminate_call', params: { callid: 'x' } }), { error: { code: -32602, message: /unknown parameter "callid"/ } });
  t.match(call({ jsonrpc: '2.0', id: 1, method: 'b2b_logic:list', params: ['extra'] }), { error: { code: -32602 } });
  t.match(call({ jsonrpc: '2.0', id: 1, method: 'b2b_logic:list', params: 5 }), { error: { code: -32602 } });
});

t.test('notifications get no response; batches get an array', async (t) => {
  const { call, logic } = rig();
  t.equal(call({ jsonrpc: '2.0', method: 'b2b_logic:terminate_call', params: ['7.1'] }), undefined);
  t.same(logic.terminated, ['7.1'], 'the notification still ran');
  const batch = call([
    { jsonrpc: '2.0', id: 1, method: 'b2b_logic:terminate_call', params: ['nope'] },
    { jsonrpc: '2.0', method: 'b2b_list' },
    { jsonrpc: '2.0', id: 2, method: 'unknown' },
  ]) as Array<{ id: number }>;
  t.same(batch.map((r) => r.id), [1, 2]);
});
