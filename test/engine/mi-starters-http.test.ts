/** `b2bkit mi` sends trigger_scenario (with a context array) and bridge to the MI HTTP endpoint on a real port. */
import t from 'tap';
import { startMiHttpServer } from '../../engine/runtime/mi-http-server';
import { defaultMiRegistry } from '../../engine/mgmt/mi-registry';
import { FakeEntities, FakeLogic } from '../../engine/script/test-support';
import type { MiBridgeSpec, TriggerSpec } from '../../engine/b2b/logic/logic-types';
import { parseMiArgs, runMi } from '../../cli/commands/mi';
import { recordedIo } from './cli-io';

t.test('b2bkit mi trigger_scenario: repeated context=, JSON array and positional forms all send an array', async (t) => {
  const logic = new FakeLogic();
  const mi = await startMiHttpServer('127.0.0.1', 0, defaultMiRegistry, { logic, entities: new FakeEntities() });
  t.teardown(() => mi.close());

  const named = recordedIo();
  t.equal(await runMi([
    'b2b_logic:trigger_scenario', 'scenario_id=marketing', 'entity1=customer,sip:cust@127.0.0.1:5070', 'entity2=media,sip:ann@127.0.0.1:5080',
    'context=operator_uri=sip:op@127.0.0.1:5090', 'context=campaign=7', '--url', mi.url,
  ], named), 0);
  t.equal(named.out.join('').trim(), '"OK"');
  const spec = logic.calls[0]!.args[0] as TriggerSpec;
  t.same([...spec.ctx!], [['operator_uri', 'sip:op@127.0.0.1:5090'], ['campaign', '7']]);

  const positional = recordedIo();
  t.equal(await runMi([
    'b2b_trigger_scenario', 'marketing', 'customer,sip:cust@h', 'media,sip:ann@h', '["operator_uri=sip:op@h","x=y"]', '--url', mi.url,
  ], positional), 0);
  t.same([...(logic.calls[1]!.args[0] as TriggerSpec).ctx!], [['operator_uri', 'sip:op@h'], ['x', 'y']]);

  const bad = recordedIo();
  t.equal(await runMi(['b2b_logic:trigger_scenario', 'marketing', 'customer', 'media,sip:ann@h', '--url', mi.url], bad), 1);
  t.same(JSON.parse(bad.err.join('')), { code: 400, message: 'Missing destination URI for entity1' });
});

t.test('b2bkit mi bridge: flag and prov media; errors exit 1', async (t) => {
  const logic = new FakeLogic();
  const mi = await startMiHttpServer('127.0.0.1', 0, defaultMiRegistry, { logic, entities: new FakeEntities() });
  t.teardown(() => mi.close());
  const ok = recordedIo();
  t.equal(await runMi(['b2b_logic:bridge', '7.1', 'sip:x@127.0.0.1', '1', 'sip:ring@127.0.0.1', '--url', mi.url], ok), 0);
  t.same(logic.calls[0]!.args[0] as MiBridgeSpec, { dialogId: '7.1', newUri: 'sip:x@127.0.0.1', flag: 1, provMediaUri: 'sip:ring@127.0.0.1' });
  logic.nextOutcome = { ok: false, code: 404, message: 'B2B session not found' };
  const missing = recordedIo();
  t.equal(await runMi(['b2b_bridge', '9.9', 'sip:x@h', '--url', mi.url], missing), 1);
  t.same(JSON.parse(missing.err.join('')), { code: 404, message: 'B2B session not found' });
  const help = recordedIo();
  t.equal(await runMi(['--help'], help), 0);
  t.match(help.out.join(''), /b2b_logic:trigger_scenario[\s\S]*b2b_logic:bridge/, 'usage lists the new commands');
});

t.test('parseMiArgs: a non-array JSON-looking value stays a string', async (t) => {
  t.same(parseMiArgs(['cmd', '[not json']), { url: 'http://127.0.0.1:8888/mi', method: 'cmd', params: ['[not json'] });
  t.same(parseMiArgs(['cmd', 'k=[1,2]']), { url: 'http://127.0.0.1:8888/mi', method: 'cmd', params: { k: '[1,2]' } }, 'only arrays of strings');
});

t.test('b2bkit mi: positional values then name=value of the same command mix into named params', async (t) => {
  t.same(parseMiArgs(['b2b_logic:trigger_scenario', 'marketing', 'customer,sip:c@h', 'media,sip:m@h', 'context=operator_uri=sip:op@h']), {
    url: 'http://127.0.0.1:8888/mi', method: 'b2b_logic:trigger_scenario',
    params: { scenario_id: 'marketing', entity1: 'customer,sip:c@h', entity2: 'media,sip:m@h', context: 'operator_uri=sip:op@h' },
  });
  const fourth = parseMiArgs(['b2b_logic:trigger_scenario', 'marketing', 'customer,sip:c@h', 'media,sip:m@h', 'operator_uri=sip:op@h']);
  t.same(fourth !== 'help' && 'params' in fourth ? fourth.params : undefined, ['marketing', 'customer,sip:c@h', 'media,sip:m@h', 'operator_uri=sip:op@h'],
    'a 4th value naming no parameter of the command stays positional (the context entry)');
});
