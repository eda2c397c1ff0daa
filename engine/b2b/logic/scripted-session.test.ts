/**
 * The script-driven session against a fake entities layer (opensips-b2b.md §1.7 what is copied, §2.1
 * verbs, §6.6 SDP bookkeeping and the 481/408 rule, §6.8 lifetimes, §2.6 internals for the starters).
 */
import t from 'tap';
import { parseUri } from '../../sip';
import type { ClientEntity, ServerEntity } from '../entities/entity-types';
import type { InitRequestSpec } from './logic-types';
import { LogicUsageError, type LogicRoutes, type MediaProcedure, type ProcedureHost, type SessionCallbacks } from './scripted-types';
import { FakeServerTx, inviteMessage, logicHarness, type LogicHarness } from './test-support';

const CALLEE = { id: 'callee', uri: parseUri('sip:carol@10.0.0.3:5080')!, headers: [['X-Leg', 'callee'] as const] };

function start(h: LogicHarness, extra: Partial<InitRequestSpec> = {}) {
  const invite = inviteMessage();
  const tx = new FakeServerTx(invite);
  const result = h.logic.initRequest(tx, { scenario: 'custom', flags: {}, targets: [], request: invite, clients: [CALLEE], ...extra }, tx.context);
  if (!result.ok) throw new Error(`start failed ${result.status}`);
  const live = [...h.fake.live];
  const server = live.find((e) => e.kind === 'server') as unknown as ServerEntity;
  const client = live.find((e) => e.kind === 'client') as unknown as ClientEntity;
  return { key: result.key, server, client, tx };
}

function answered(h: LogicHarness, extra: Partial<InitRequestSpec> = {}) {
  const s = start(h, extra);
  h.fake.inviteReply(s.client, 200, { body: 'v=0 callee' });
  h.fake.ack(s.server);
  return s;
}

t.test('the client INVITE: declared URI as R-URI and To, caller From, new CSeq, Max-Forwards−1, §1.7 headers + declared ones', async (t) => {
  const h = logicHarness();
  start(h, { server: { id: 'alice', contact: 'sip:front@10.0.0.9', headers: [['X-To-Caller', '1']] } });
  t.same(h.fake.takeLog(), [
    'serverNew S1 contact=<sip:front@10.0.0.9>',
    'clientNew C1 ruri=sip:carol@10.0.0.3:5080 to=<sip:carol@10.0.0.3:5080> from="Alice" <sip:alice@10.0.0.1> cseq=1 mf=69 body=v=0 caller {Supported:timer, 100rel|Session-Expires:1800|X-Leg:callee}',
  ]);
  const snap = h.logic.list()[0]!;
  t.same(snap.bridgeEntities.map((e) => e.scenarioId), ['alice', 'callee']);
  t.equal(snap.state, 0, 'INIT until answered');
});

t.test('1xx and 2xx go to the caller; lifetime is max_duration once answered; the ACK is passed end to end', async (t) => {
  const h = logicHarness({ maxDurationS: 100, initTimeoutS: 5 });
  const s = start(h);
  h.fake.takeLog();
  t.equal(h.logic.list()[0]!.lifetime, 5);
  h.fake.inviteReply(s.client, 183, { body: 'v=0 early' });
  h.fake.inviteReply(s.client, 200, { body: 'v=0 callee' });
  h.fake.ack(s.server, 'v=0 late-answer');
  t.same(h.fake.takeLog(), ['S1 reply INVITE 183 body=v=0 early', 'S1 reply INVITE 200 body=v=0 callee', 'C1 ack body=v=0 late-answer']);
  t.equal(h.logic.list()[0]!.lifetime, 100);
  t.equal(h.logic.list()[0]!.state, 4);
});

t.test('passRequest: Max-Forwards−1, the target leg extra headers, Refer-To with Replaces rewritten to the peer dialog', async (t) => {
  const h = logicHarness();
  const s = answered(h);
  h.fake.takeLog();
  h.fake.incoming(s.server, 'INFO', { maxForwards: 10 });
  // REFER from the callee naming the caller's dialog with us: the Replaces now names the callee's own dialog's peer... i.e. ours with the caller.
  h.fake.incoming(s.client, 'REFER', { headers: [`Refer-To: <sip:x@10.0.0.7?Replaces=${s.client.callId}%3Bto-tag%3Dtt-C1%3Bfrom-tag%3Dft-C1>`] });
  t.same(h.fake.takeLog(), [
    'C1 send INFO {Max-Forwards:9|X-Leg:callee}',
    `S1 send REFER {Refer-To:<sip:x@10.0.0.7?Replaces=caller-call-id%4010.0.0.1%3Bto-tag%3Datag%3Bfrom-tag%3DS1>|Max-Forwards:69}`,
  ]);
  h.fake.replyTo(s.client, 'INFO', 200);
  h.fake.replyTo(s.server, 'REFER', 202);
  t.same(h.fake.takeLog(), ['S1 reply INFO 200', 'C1 reply REFER 202']);
});

t.test('SDP bookkeeping on a relayed re-INVITE; a 481 to it leaves the session 30 s', async (t) => {
  const h = logicHarness({ maxDurationS: 1000 });
  const s = answered(h);
  h.fake.takeLog();
  h.fake.incoming(s.server, 'INVITE', { body: 'v=0 reoffer' });
  h.fake.replyTo(s.client, 'INVITE', 200, { body: 'v=0 reanswer' });
  const handle = h.logic.internals.scripted(h.logic.internals.find(s.key)!)!;
  const [caller, callee] = handle.session.bridgeEntities;
  const text = (b: { body: Uint8Array } | undefined) => (b === undefined ? undefined : new TextDecoder().decode(b.body));
  t.same([text(caller!.inSdp), text(caller!.outSdp), text(callee!.inSdp), text(callee!.outSdp)], ['v=0 reoffer', 'v=0 reanswer', 'v=0 reanswer', 'v=0 reoffer']);
  h.fake.incoming(s.client, 'INVITE', { body: 'v=0 x' });
  h.fake.replyTo(s.server, 'INVITE', 481);
  t.equal(h.logic.list()[0]!.lifetime, 30);
  t.same(h.fake.takeLog().slice(-1), ['C1 reply INVITE 481']);
});

t.test('BYE passed: deleted when the final reply comes back; no peer: 200 and deleted; onDestroy once', async (t) => {
  const h = logicHarness();
  let destroyed = 0;
  const callbacks: SessionCallbacks = { onDestroy: () => { destroyed++; } };
  const s = answered(h, { callbacks });
  h.fake.takeLog();
  h.fake.incoming(s.client, 'BYE');
  t.equal(h.logic.list()[0]!.state, 5, 'marked for deletion');
  h.fake.replyTo(s.server, 'BYE', 200);
  t.same(h.fake.takeLog(), ['S1 send BYE {Max-Forwards:69}', 'C1 reply BYE 200', 'S1 delete', 'C1 delete']);
  t.equal(h.logic.counts.sessions, 0);
  t.equal(destroyed, 1);

  const h2 = logicHarness();
  let byes = 0;
  const s2 = answered(h2, { callbacks: { onBye: () => (byes++ === 0 ? 'drop' : 'follow') } });
  h2.fake.takeLog();
  h2.fake.incoming(s2.client, 'BYE');
  t.same(h2.fake.takeLog(), ['C1 reply BYE 200', 'C1 delete'], 'dropped: the callee leaves');
  t.equal(h2.logic.counts.sessions, 1);
  h2.fake.incoming(s2.server, 'BYE');
  t.same(h2.fake.takeLog(), ['S1 reply BYE 200', 'S1 delete'], 'no peer: 200 and the session is deleted');
  t.equal(h2.logic.counts.sessions, 0);
});

t.test('internals: newScriptedSession with the global routes, one procedure at a time, per-session timers die with it', async (t) => {
  const h = logicHarness();
  const seen: string[] = [];
  const global: LogicRoutes = { request: (ctx) => { seen.push(ctx.request.method); ctx.passRequest(); } };
  h.logic.setGlobalRoutes(global);
  const handle = h.logic.internals.newScriptedSession({
    scenario: 'marketing', hashUris: ['sip:a@x', 'sip:b@y'], contact: '<sip:10.0.0.9>', lifetimeMs: undefined,
  });
  t.equal(handle.session.routes, global, 'global routes by default');
  t.equal(h.logic.internals.scripted(handle.session), handle);
  const inert: MediaProcedure = {
    kind: 'third-party', onReply: () => undefined, onRequest: () => false, onAck: () => false, onCancel: () => false,
    onLegEnded: () => undefined, retry: () => false, owns: () => false,
  };
  let fired = 0;
  handle.run((host) => {
    host.services.timers.schedule(1000, () => { fired++; });
    host.startClient(inert, { id: 'customer', uri: parseUri('sip:cust@10.0.0.4')! }, {});
    return inert;
  });
  t.equal(handle.procedure, inert);
  t.throws(() => handle.run(() => inert), LogicUsageError);
  t.match(h.fake.takeLog(), [/^clientNew C1 ruri=sip:cust@10.0.0.4 .*from=<sip:10.0.0.9> cseq=1 mf=70$/]);
  t.equal(h.timers.armedCount > 0, true);
  t.ok(h.logic.terminate(handle.session.key));
  const client = [...h.fake.live][0]! as unknown as ClientEntity;
  h.fake.inviteReply(client, 487);
  t.equal(h.logic.counts.sessions, 0);
  h.clock.advanceTo(5000);
  t.equal(fired, 0, "the session's timer went with it");
  const api = h.logic.internals.newScriptedSession({
    scenario: 'api', hashUris: ['sip:a@x', 'sip:b@y'], contact: '<sip:10.0.0.9>', lifetimeMs: 1000, callbacks: {},
  });
  t.equal(api.session.routes, undefined, 'API sessions have no routes');
  h.logic.terminate(api.session.key);
  t.equal(h.logic.counts.sessions, 0);
});

t.test('a timer callback that throws ends its session cleanly', async (t) => {
  const h = logicHarness();
  const s = answered(h);
  const handle = h.logic.internals.scripted(h.logic.internals.find(s.key)!)!;
  (handle as unknown as ProcedureHost).services.timers.schedule(10, () => { throw new Error('procedure bug'); });
  h.fake.takeLog();
  h.clock.advanceTo(10);
  t.same(h.fake.takeLog(), ['S1 terminate', 'C1 terminate']);
  t.equal(h.logic.counts.sessions, 0);
  t.match(h.errors, [/timer threw/]);
});

t.test('moveLeg: the leg and its entity belong to the other session; the emptied session goes', async (t) => {
  const h = logicHarness();
  const one = answered(h);
  const handle = h.logic.internals.newScriptedSession({ scenario: 'other', hashUris: ['sip:a@x', 'sip:b@y'], contact: '<sip:10.0.0.9>', lifetimeMs: undefined });
  const session1 = h.logic.internals.find(one.key)!;
  const callee = session1.clients[0]!;
  const moved = h.logic.internals.moveLeg(callee, handle.session);
  t.equal(moved.session, handle.session);
  t.equal(moved.entity, callee.entity);
  t.ok(callee.ended, 'the old record is over');
  t.equal(session1.servers[0]!.peer, undefined, 'its old peer is unpaired');
  t.equal(h.logic.internals.find(one.key), session1, 'the old session still has its caller');
  h.fake.takeLog();
  h.fake.incoming(one.client, 'INFO');
  // §6.6: no peer there, so 481; the leg's dialog is then gone and the leg is ended with the session it was alone in.
  t.same(h.fake.takeLog(), ['C1 reply INFO 481', 'C1 terminate'], 'requests now reach the new session (no peer there)');
  t.equal(h.logic.internals.find(handle.session.key), undefined, 'the new session went with its only leg');
  h.logic.terminate(one.key);
  t.equal(h.logic.counts.sessions, 0);
});

t.test('handleReply: a relayed 3xx loses its Contact unless pass3xxContact', async (t) => {
  const h = logicHarness();
  let pass = false;
  const s = answered(h, { routes: { reply: (ctx) => ctx.handleReply(pass ? { pass3xxContact: true } : {}) } });
  h.fake.takeLog();
  for (const flag of [false, true]) {
    pass = flag;
    h.fake.incoming(s.server, 'INVITE', { body: 'v=0 x' });
    h.fake.replyTo(s.client, 'INVITE', 302, { headers: [['Contact', '<sip:elsewhere@10.0.0.8>']] });
  }
  t.same(h.fake.takeLog().filter((l) => l.startsWith('S1 reply')), ['S1 reply INVITE 302', 'S1 reply INVITE 302 {Contact:<sip:elsewhere@10.0.0.8>}']);
});

t.test('the leg a request was relayed to ends: the request gets 481 at once, and a dead peer ends the call', async (t) => {
  const h = logicHarness();
  const s = answered(h);
  h.fake.takeLog();
  h.fake.incoming(s.server, 'INFO');
  (s.client as unknown as { end(reason: string): void }).end('transport-error');
  t.same(h.fake.takeLog(), ['C1 send INFO {Max-Forwards:69|X-Leg:callee}', 'S1 reply INFO 481', 'S1 terminate']);
  t.equal(h.logic.counts.sessions, 0);
});

t.test('§6.6: a request with no peer to go to gets 481 and its dead leg is ended; a relayed 481 to any in-dialog request leaves 30 s', async (t) => {
  const h = logicHarness({ maxDurationS: 1000 });
  const s = answered(h, { callbacks: { onBye: () => 'drop' } });
  h.fake.takeLog();
  h.fake.incoming(s.client, 'BYE');
  t.same(h.fake.takeLog(), ['C1 reply BYE 200', 'C1 delete'], 'the callee left; the caller stays alone');
  h.fake.incoming(s.server, 'INFO');
  t.same(h.fake.takeLog(), ['S1 reply INFO 481', 'S1 terminate'], 'RFC 3261 §12.2.1.2: the caller drops the dialog on the 481, so its leg is ended');
  t.equal(h.logic.counts.sessions, 0, 'and the session goes, not at max_duration');

  const h2 = logicHarness({ maxDurationS: 1000 });
  const s2 = answered(h2);
  h2.fake.incoming(s2.server, 'INFO');
  t.equal(h2.logic.list()[0]!.lifetime, 1000);
  h2.fake.replyTo(s2.client, 'INFO', 481);
  t.equal(h2.logic.list()[0]!.lifetime, 30, 'a relayed 481 to INFO: the session lives 30 s more');
  t.same(h2.fake.takeLog().slice(-1), ['S1 reply INFO 481']);
});

t.test('§6.6: a relayed request whose target leg the script deletes: 481 to the sender, whose leg is then ended', async (t) => {
  const h = logicHarness();
  const routes: LogicRoutes = {
    request: (ctx) => {
      if (ctx.request.method !== 'BYE') ctx.passRequest();
      else {
        ctx.sendReply(200, 'OK');
        ctx.deleteEntity();
      }
    },
  };
  const s = answered(h, { routes });
  h.fake.takeLog();
  h.fake.incoming(s.server, 'REFER', { headers: ['Refer-To: <sip:t1@10.0.0.7>'] });
  h.fake.incoming(s.client, 'BYE');
  t.same(h.fake.takeLog().slice(1), ['C1 reply BYE 200', 'C1 delete', 'S1 reply REFER 481', 'S1 terminate']);
  t.equal(h.logic.counts.sessions, 0);
});

t.test('deleteEntity / endDlgLeg after the session ended in the same route run are no-ops; bridge still throws session-gone', async (t) => {
  const h = logicHarness();
  const caught: string[] = [];
  const routes: LogicRoutes = {
    request: (ctx) => {
      if (ctx.request.method !== 'BYE') {
        ctx.passRequest();
        return;
      }
      ctx.sendReply(200, 'OK');
      // The real entities layer ends the leg on the 200 to its BYE; the fake is told to.
      (s.server as unknown as { end(reason: string): void }).end('bye-received');
      ctx.deleteEntity();
      ctx.endDlgLeg();
      try {
        ctx.bridge('this', 'x');
      } catch (error) {
        caught.push(error instanceof LogicUsageError ? error.code : String(error));
      }
    },
  };
  const s = answered(h, { routes, callbacks: { onBye: (e) => (e.entity.kind === 'client' ? 'drop' : 'follow') } });
  h.fake.incoming(s.client, 'BYE');
  h.fake.takeLog();
  h.fake.incoming(s.server, 'BYE');
  t.same(h.fake.takeLog(), ['S1 reply BYE 200']);
  t.equal(h.logic.counts.sessions, 0);
  t.same(caught, ['session-gone']);
  t.same(h.errors, [], 'no verb threw out of the route');
});

t.test('abort: a client still being called is detached, not deleted, so its CANCEL (held until a provisional, RFC 3261 §9.1) still goes', async (t) => {
  const h = logicHarness();
  const s = start(h);
  const handle = h.logic.internals.scripted(h.logic.internals.find(s.key)!)!;
  (handle as unknown as ProcedureHost).services.timers.schedule(10, () => { throw new Error('procedure bug'); });
  h.fake.takeLog();
  h.clock.advanceTo(10);
  const log = h.fake.takeLog();
  t.same(log.slice(0, 3), ['S1 terminate 408', 'S1 reply INVITE 408', 'C1 terminate'], 'the caller gets 408, the client is told to end');
  t.notOk(log.includes('C1 delete'), 'the client is not deleted');
  t.equal(h.logic.counts.sessions, 0);
  t.equal(s.client.state, 'new', 'the client lives on until its 487');
  h.fake.inviteReply(s.client, 487);
  t.equal(s.client.state, 'terminated');
  t.equal(h.fake.live.size, 0);
});
