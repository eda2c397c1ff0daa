/** The session core (opensips-b2b.md §1.3–1.4, §2.4, §6.8): lifetimes, the sweep, deletion rules, list/terminate/ctx, guarded callbacks. */
import t from 'tap';
import { parseUri } from '../../sip';
import type { ClientEntity, ServerEntity } from '../entities/entity-types';
import { B2bLogic } from './b2b-logic';
import type { InitFlags } from './logic-types';
import type { Leg } from './session';
import { FakeServerTx, inviteMessage, logicHarness, type LogicHarness } from './test-support';
import { SessionTable, SessionTableError } from './session-table';

function start(h: LogicHarness, flags: InitFlags = {}, ctx?: Map<string, string>) {
  const invite = inviteMessage();
  const tx = new FakeServerTx(invite);
  const result = h.logic.initRequest(tx, { scenario: 'top hiding', flags, targets: [{ uri: parseUri('sip:bob@10.0.0.2')! }], request: invite, ...(ctx === undefined ? {} : { ctx }) }, tx.context);
  if (!result.ok) throw new Error('start failed');
  const live = [...h.fake.live].reverse();
  return { key: result.key, server: live.find((e) => e.kind === 'server') as unknown as ServerEntity, client: live.find((e) => e.kind === 'client') as unknown as ClientEntity };
}

t.test('setup timeout: the sweep sends 408 to the caller and CANCEL to the callee; the 487 ends it', async (t) => {
  const h = logicHarness({ cleanupPeriodS: 1 });
  const { client } = start(h, { setupTimeoutS: 3 });
  h.fake.inviteReply(client, 180);
  h.fake.takeLog();
  h.clock.advanceTo(2000);
  t.same(h.fake.takeLog(), [], 'not yet');
  h.clock.advanceTo(3000);
  t.same(h.fake.takeLog(), ['S1 terminate 408', 'S1 reply INVITE 408', 'C1 terminate']);
  h.fake.inviteReply(client, 487);
  t.equal(h.logic.counts.sessions, 0);
  t.equal(h.timers.armedCount, 0);
});

t.test('setup timeout after a CANCEL answers 487; b2bl_th_init_timeout is the default', async (t) => {
  const h = logicHarness({ cleanupPeriodS: 10, initTimeoutS: 20 });
  const { server } = start(h);
  h.fake.refuseSends.add('C1');
  h.fake.cancel(server);
  h.fake.takeLog();
  h.clock.advanceTo(20_000);
  t.same(h.fake.takeLog(), ['S1 terminate 487', 'S1 reply INVITE 487', 'C1 terminate']);
});

t.test('setup-timeout=0 means max_duration; max_duration 0 means no expiry', async (t) => {
  const h = logicHarness({ maxDurationS: 50, cleanupPeriodS: 10 });
  start(h, { setupTimeoutS: 0 });
  t.equal(h.logic.list()[0]!.lifetime, 50);
  const h2 = logicHarness({ maxDurationS: 0, cleanupPeriodS: 10 });
  const { client } = start(h2);
  h2.fake.inviteReply(client, 200);
  t.equal(h2.logic.list()[0]!.lifetime, 0);
  h2.clock.advanceTo(1_000_000);
  t.equal(h2.logic.counts.sessions, 1, 'never expires');
});

t.test('max_duration after the 2xx: BYE to both confirmed legs, then deleted', async (t) => {
  const h = logicHarness({ maxDurationS: 100, cleanupPeriodS: 10 });
  const { server, client } = start(h);
  h.fake.inviteReply(client, 200);
  h.fake.ack(server);
  h.fake.takeLog();
  h.clock.advanceTo(99_000);
  t.equal(h.logic.counts.sessions, 1);
  h.clock.advanceTo(100_000);
  t.same(h.fake.takeLog(), ['S1 terminate', 'C1 terminate']);
  t.equal(h.logic.counts.sessions, 0);
  t.equal(h.timers.armedCount, 0);
});

t.test('a marked session whose legs never end is deleted by the sweep 30 s later', async (t) => {
  const h = logicHarness({ cleanupPeriodS: 5 });
  const { server, client } = start(h);
  h.fake.inviteReply(client, 200);
  h.fake.incoming(server, 'BYE');
  h.fake.takeLog();
  h.clock.advanceTo(25_000);
  t.equal(h.logic.counts.sessions, 1);
  h.clock.advanceTo(30_000);
  t.same(h.fake.takeLog(), ['S1 reply BYE 200', 'S1 delete', 'C1 delete'], 'the pending BYE is answered, entities deleted');
  t.equal(h.logic.counts.sessions, 0);
});

t.test('after deletion marking: ACK ignored, INFO gets 400 Not Acceptable, BYE gets 200 and deletes', async (t) => {
  const h = logicHarness();
  const { server, client } = start(h);
  h.fake.inviteReply(client, 200);
  h.fake.incoming(server, 'BYE');
  h.fake.takeLog();
  h.fake.ack(client);
  h.fake.incoming(client, 'INFO');
  t.same(h.fake.takeLog(), ['C1 reply INFO 400']);
  h.fake.incoming(client, 'BYE');
  t.same(h.fake.takeLog(), ['C1 reply BYE 200', 'S1 reply BYE 200', 'S1 delete', 'C1 delete']);
  t.equal(h.logic.counts.sessions, 0);
});

t.test('the caller never ACKs: its entity ends and the callee gets BYE', async (t) => {
  const h = logicHarness();
  const { server, client } = start(h);
  h.fake.inviteReply(client, 200);
  h.fake.takeLog();
  (server as unknown as { end(reason: string): void }).end('ack-timeout');
  t.same(h.fake.takeLog(), ['C1 terminate']);
  t.equal(h.logic.counts.sessions, 0);
});

t.test('terminate by key, by callid;from-tag;to-tag, unknown key; terminateAll', async (t) => {
  const h = logicHarness();
  const a = start(h);
  const b = start(h);
  t.not(a.key, b.key);
  h.fake.inviteReply(a.client, 200);
  h.fake.takeLog();
  t.equal(h.logic.terminate('999.999'), false);
  t.equal(h.logic.terminate(`${a.client.callId};${a.client.localTag};${a.client.remoteTag}`), true);
  t.same(h.fake.takeLog(), ['S1 terminate', 'C1 terminate']);
  h.logic.terminateAll();
  t.same(h.fake.takeLog(), ['S2 terminate 408', 'S2 reply INVITE 408', 'C2 terminate']);
  h.fake.inviteReply(b.client, 487);
  t.equal(h.logic.counts.sessions, 0);
});

t.test('list() has the §2.4 shape; ctx() holds the values given at init', async (t) => {
  const h = logicHarness({ hashSizeBits: 4 });
  const { key, client } = start(h, {}, new Map([['state', '1']]));
  h.fake.inviteReply(client, 200);
  const [s] = h.logic.list();
  t.match(s, {
    key, state: 4, lifetime: 43200, dbFlag: 0, scenario: 'top hiding',
    servers: [{ index: 0, scenarioId: 'caller', key: 'S1', disconnected: false, state: 1, no: 0, type: 'server', peer: 'C1', toUri: 'sip:bob@example.com', fromUri: 'sip:alice@10.0.0.1', fromDname: 'Alice' }],
    clients: [{ index: 0, scenarioId: 'callee', key: 'C1', state: 1, no: 1, type: 'client', peer: 'S1', toUri: 'sip:bob@10.0.0.2' }],
    bridgeEntities: [{ key: 'S1' }, { key: 'C1' }],
  });
  t.ok(Number(key.split('.')[0]) < 16, 'hash index within 2^hash_size');
  t.equal(h.logic.ctx(key)?.get('state'), '1');
  h.logic.ctx(key)?.set('x', 'y');
  t.equal(h.logic.ctx(key)?.get('x'), 'y');
  t.equal(h.logic.ctx('0.0'), undefined);
});

t.test('a scenario callback that throws ends the session cleanly, answers the request 500 and logs', async (t) => {
  const h = logicHarness();
  const { server, client } = start(h);
  h.fake.inviteReply(client, 200);
  h.fake.takeLog();
  const leg = server.ownerData as Leg;
  leg.session.handler = { ...leg.session.handler!, onRequest: () => { throw new Error('boom'); } };
  const info = h.fake.incoming(server, 'INFO');
  t.ok(info.answered);
  t.same(h.fake.takeLog(), ['S1 reply INFO 500', 'S1 terminate', 'C1 terminate']);
  t.equal(h.logic.counts.sessions, 0);
  t.equal(h.timers.armedCount, 0);
  t.match(h.errors, [/threw.*boom/]);
});

t.test('a custom scenario without a declared client and no targets are refused on the transaction; bad config throws with a code', async (t) => {
  const h = logicHarness();
  const invite = inviteMessage();
  const tx = new FakeServerTx(invite);
  t.same(h.logic.initRequest(tx, { scenario: 'prepaid', flags: {}, targets: [{ uri: parseUri('sip:b@c')! }], request: invite }, tx.context), { ok: false, status: 500, reason: 'No Client Declared' });
  t.same(tx.responses, [500]);
  t.match(tx.lastResponse?.toTag, /.+/, 'refusal carries a To-tag');
  t.throws(() => new SessionTable(21), SessionTableError);
  t.throws(() => logicHarness({ cleanupPeriodS: 0 }), { code: 'bad-config' });
  t.throws(() => logicHarness({ customHeaders: new Array(33).fill('X-A') }), { code: 'too-many-custom-headers' });
  t.ok(B2bLogic);
});

t.test('session keys: local index counts per bucket; the same URIs land in the same bucket', async (t) => {
  const table = new SessionTable(10);
  const a = table.allocate('sip:b@x', 'sip:a@y');
  const b = table.allocate('sip:b@x', 'sip:a@y');
  t.equal(a.hashIndex, b.hashIndex);
  t.equal(b.localIndex, a.localIndex + 1);
  t.equal(b.key, `${b.hashIndex}.${b.localIndex}`);
});
