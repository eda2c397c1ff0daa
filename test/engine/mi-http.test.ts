/** The MI HTTP endpoint on a real port and `b2bkit mi` against it. */
import t from 'tap';
import { startMiHttpServer } from '../../engine/runtime/mi-http-server';
import { defaultMiRegistry } from '../../engine/mgmt/mi-registry';
import { FakeEntities, FakeLogic, FakeServerTx, request } from '../../engine/script/test-support';
import { parseMiArgs, runMi } from '../../cli/commands/mi';
import { recordedIo } from './cli-io';

async function server(t: { teardown(fn: () => Promise<void>): void }) {
  const logic = new FakeLogic();
  logic.initRequest(new FakeServerTx(request('INVITE')), { scenario: 'top hiding', flags: {}, targets: [], request: request('INVITE') });
  const mi = await startMiHttpServer('127.0.0.1', 0, defaultMiRegistry, { logic, entities: new FakeEntities() });
  t.teardown(() => mi.close());
  return { mi, logic };
}

t.test('b2bkit mi lists, terminates and reports errors with exit 1', async (t) => {
  const { mi, logic } = await server(t);
  t.ok(mi.port > 0, 'bound a port');
  t.equal(mi.url, `http://127.0.0.1:${mi.port}/mi`);

  const list = recordedIo();
  t.equal(await runMi(['b2b_logic:list', '--url', mi.url], list), 0);
  const listed = JSON.parse(list.out.join('')) as { Tuples: Array<{ key: string }> };
  t.same(listed.Tuples.map((s) => s.key), ['7.1']);

  const old = recordedIo();
  t.equal(await runMi(['b2b_list', `--url=${mi.url}`], old), 0, 'old name');
  t.same(JSON.parse(old.out.join('')), listed);

  const named = recordedIo();
  t.equal(await runMi(['b2b_logic:terminate_call', 'key=7.1', '--url', mi.url], named), 0);
  t.equal(named.out.join('').trim(), '"OK"');
  const positional = recordedIo();
  t.equal(await runMi(['b2b_terminate_call', '7.1', '--url', mi.url], positional), 0);
  t.same(logic.terminated, ['7.1', '7.1']);

  const missing = recordedIo();
  t.equal(await runMi(['b2b_logic:terminate_call', '1.99', '--url', mi.url], missing), 1, 'not found: exit 1');
  t.same(JSON.parse(missing.err.join('')), { code: 404, message: 'B2B session not found' });
  t.equal(missing.out.length, 0);

  const unknown = recordedIo();
  t.equal(await runMi(['b2b_logic:nope', '--url', mi.url], unknown), 1);
  t.match(unknown.err.join(''), /-32601/);

  const entities = recordedIo();
  t.equal(await runMi(['b2be_list', '--url', mi.url], entities), 0);
  t.match(JSON.parse(entities.out.join('')), { 'Server Entities': [{ key: 'B2B.server.1' }] });
});

t.test('the endpoint speaks JSON-RPC on POST /mi and /json only', async (t) => {
  const { mi } = await server(t);
  const base = `http://127.0.0.1:${mi.port}`;
  const post = (path: string, body: string) => fetch(`${base}${path}`, { method: 'POST', body });
  const json = await post('/json', '{"jsonrpc":"2.0","id":9,"method":"b2b_list"}');
  t.equal(json.status, 200);
  t.equal(json.headers.get('content-type'), 'application/json');
  t.match(await json.json(), { id: 9, result: { Tuples: [{ key: '7.1' }] } });
  const parseError = await post('/mi', 'not json');
  t.match(await parseError.json(), { error: { code: -32700 } });
  const notification = await post('/mi', '{"jsonrpc":"2.0","method":"b2b_list"}');
  t.equal(notification.status, 204, 'a notification gets no body');
  t.equal((await fetch(`${base}/mi`)).status, 405, 'GET refused');
  t.equal((await post('/other', '{}')).status, 404);
});

t.test('b2bkit mi: unreachable endpoint and usage errors', async (t) => {
  const { mi } = await server(t);
  const url = mi.url;
  await mi.close();
  const io = recordedIo();
  t.equal(await runMi(['b2b_list', '--url', url], io), 1);
  t.match(io.err.join(''), /cannot reach/);
  const usage = recordedIo();
  t.equal(await runMi([], usage), 2);
  t.match(usage.err.join(''), /missing COMMAND/);
  t.same(parseMiArgs(['cmd', 'a', 'b=c']), { url: 'http://127.0.0.1:8888/mi', method: 'cmd', params: ['a', 'b=c'] }, 'mixed args stay positional');
  t.same(parseMiArgs(['cmd', 'x=1', 'y=2']), { url: 'http://127.0.0.1:8888/mi', method: 'cmd', params: { x: '1', y: '2' } });
});
