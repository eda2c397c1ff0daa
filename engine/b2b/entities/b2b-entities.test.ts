/** B2bEntities over a fake transaction layer on a ManualClock (opensips-b2b.md §1.2, §1.5–1.6; RFC 3261 §12–15, RFC 3262). */
import t, { type Test } from 'tap';
import { parseNameAddr, parseUri } from '../../sip';
import type { SipRequest } from '../../sip/message';
import { requestFixture } from '../../dialog/test-support';
import type { ClientEntity, ClientSpec, EntitiesConfig, EntityScriptHooks, ServerEntity } from './entity-types';
import { FakeServerTx, RecordingOwner, unitRig, type UnitRig } from './test-support';

const SDP = { body: new TextEncoder().encode('v=0\r\n'), contentType: 'application/sdp' };

function callerInvite(extra: readonly string[] = []): SipRequest {
  return requestFixture([
    'INVITE sip:bob@10.0.0.1 SIP/2.0',
    'Via: SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bKinv1',
    'Max-Forwards: 70',
    'From: "Alice" <sip:alice@a.example>;tag=atag',
    'To: <sip:bob@10.0.0.1>',
    'Call-ID: call-1@10.0.0.9',
    'CSeq: 1 INVITE',
    'Contact: <sip:alice@10.0.0.9:5060>',
    ...extra,
  ]);
}

interface InDialogOptions {
  readonly toTag: string;
  readonly fromTag?: string;
  readonly callId?: string;
  readonly cseq: number;
  readonly branch?: string;
  readonly extra?: readonly string[];
}

function inDialog(method: string, o: InDialogOptions): SipRequest {
  return requestFixture([
    `${method} sip:b2b@10.0.0.1 SIP/2.0`,
    `Via: SIP/2.0/UDP 10.0.0.9:5060;branch=${o.branch ?? `z9hG4bK${method}${o.cseq}`}`,
    'From: <sip:alice@a.example>;tag=' + (o.fromTag ?? 'atag'),
    `To: <sip:bob@10.0.0.1>;tag=${o.toTag}`,
    `Call-ID: ${o.callId ?? 'call-1@10.0.0.9'}`,
    `CSeq: ${o.cseq} ${method}`,
    'Contact: <sip:alice@10.0.0.9:5060>',
    ...(o.extra ?? []),
  ]);
}

/** Delivers a request the way the transaction layer would; returns its server transaction. */
function deliver(rig: UnitRig, request: SipRequest): FakeServerTx {
  const tx = new FakeServerTx(request);
  rig.entities.onRequest(tx, request);
  return tx;
}

function serverCall(config: Partial<EntitiesConfig> = {}, extra: readonly string[] = [], hooks?: EntityScriptHooks) {
  const rig = unitRig(config, hooks);
  const owner = new RecordingOwner();
  const invite = callerInvite(extra);
  const tx = deliver(rig, invite);
  const server = rig.entities.serverNew(invite, tx, owner, { contact: '<sip:b2b@10.0.0.1>' });
  return { rig, owner, tx, server };
}

function confirmedServer(config: Partial<EntitiesConfig> = {}) {
  const call = serverCall(config);
  call.server.reply(call.server.invite, 200, { body: SDP });
  call.rig.entities.onStrayAck(inDialog('ACK', { toTag: call.server.key, cseq: 1 }));
  return call;
}

const SPEC: ClientSpec = {
  requestUri: parseUri('sip:bob@10.0.0.2')!,
  to: parseNameAddr('<sip:bob@10.0.0.2>')!,
  from: parseNameAddr('"Alice" <sip:alice@a.example>')!,
  cseq: 7,
  maxForwards: 69,
  contact: '<sip:b2b@10.0.0.1>',
  body: SDP,
};

function clientCall(config: Partial<EntitiesConfig> = {}, spec: Partial<ClientSpec> = {}) {
  const rig = unitRig(config);
  const owner = new RecordingOwner();
  const client = rig.entities.clientNew({ ...SPEC, ...spec }, owner, { logicKey: '1.0' });
  return { rig, owner, client, inviteTx: rig.transactions.last('INVITE') };
}

function confirmedClient(config: Partial<EntitiesConfig> = {}) {
  const call = clientCall(config);
  call.inviteTx.respond(200, { toTag: 'btag', headers: [['Contact', '<sip:bob@10.0.0.2>']] });
  call.client.sendAck({});
  return call;
}

/** A request from the callee on a client entity's dialog. */
function fromCallee(client: ClientEntity, method: string, cseq: number, fromTag = 'btag'): SipRequest {
  return inDialog(method, { toTag: client.localTag, fromTag, callId: client.key, cseq });
}

function idle(t: Test, rig: UnitRig): void {
  t.same(rig.entities.counts, { servers: 0, clients: 0 }, 'no entity left');
  t.equal(rig.timers.armedCount, 0, 'no timer left');
}

// ---- server entity ----

t.test('server entity: tagged 180 and 200 carry the key as To-tag, the 2xx is retransmitted until the ACK, ACK passed once', async (t) => {
  const { rig, owner, tx, server } = serverCall();
  t.same(rig.initial.map((i) => i.request.method), ['INVITE'], 'the initial INVITE went to the main route');
  t.match(server.key, /^B2B\.\d+\.\d+\.\d+\.\d+$/);
  server.reply(server.invite, 180);
  t.equal(server.state, 'early');
  server.reply(server.invite, 200, { body: SDP, headers: [['Content-Type', 'application/sdp']] });
  t.equal(server.state, 'confirmed');
  t.same(tx.statuses(), [180, 200]);
  t.equal(tx.responses[0]!.toTag, server.key);
  t.equal(tx.responses[1]!.toTag, server.key);
  t.equal(tx.responses[1]!.headerValues('content-type').length, 1, 'one Content-Type');
  t.match(tx.responses[1]!.header('contact'), /b2b@10\.0\.0\.1/);
  rig.clock.advanceBy(500);
  rig.clock.advanceBy(1000);
  t.same(tx.statuses(), [180, 200, 200, 200], 'retransmitted at T1 then 2·T1');
  const ack = inDialog('ACK', { toTag: server.key, cseq: 1, extra: ['Content-Type: application/sdp'] });
  rig.entities.onStrayAck(ack);
  rig.entities.onStrayAck(ack);
  t.same(owner.events, ['server ack'], 'the ACK reached the owner once');
  rig.clock.advanceBy(10_000);
  t.equal(tx.responses.length, 4, 'no retransmission after the ACK');
  t.equal(server.reply(server.invite, 200), false, 'the INVITE was answered already');
  server.terminate();
  t.same(rig.transactions.methods(), ['BYE']);
  t.same(owner.events.slice(1), ['server ended bye-sent']);
  idle(t, rig);
});

t.test('server entity: no ACK within 64·T1 ends with BYE and ack-timeout', async (t) => {
  const { rig, owner, server } = serverCall();
  server.reply(server.invite, 200);
  rig.clock.advanceBy(64 * 500);
  t.same(rig.transactions.methods(), ['BYE']);
  t.same(owner.events, ['server ended ack-timeout']);
  idle(t, rig);
});

t.test('server entity: a rejection ends it; CANCEL reaches the owner, its 487 ends it as cancelled', async (t) => {
  const rejected = serverCall();
  rejected.server.reply(rejected.server.invite, 486);
  t.same(rejected.tx.statuses(), [486]);
  t.equal(rejected.tx.responses[0]!.toTag, rejected.server.key);
  t.same(rejected.owner.events, ['server ended rejected']);
  idle(t, rejected.rig);

  const cancelled = serverCall();
  cancelled.server.reply(cancelled.server.invite, 180);
  cancelled.rig.entities.onCancel(cancelled.tx, inDialog('CANCEL', { toTag: 'x', cseq: 1 }));
  t.same(cancelled.owner.events, ['server cancel']);
  cancelled.server.reply(cancelled.server.invite, 487);
  t.same(cancelled.tx.statuses(), [180, 487]);
  t.same(cancelled.owner.events, ['server cancel', 'server ended cancelled']);
  idle(t, cancelled.rig);
});

t.test('a CANCEL before any entity took the INVITE: 487 at once, and a late serverNew ends as cancelled', async (t) => {
  const rig = unitRig();
  const invite = callerInvite();
  const tx = deliver(rig, invite);
  rig.entities.onCancel(tx, inDialog('CANCEL', { toTag: 'x', cseq: 1 }));
  t.same(tx.statuses(), [487]);
  const owner = new RecordingOwner();
  const server = rig.entities.serverNew(invite, tx, owner, { contact: '<sip:b2b@10.0.0.1>' });
  t.equal(owner.events.length, 0, 'not re-entrant from serverNew');
  rig.clock.advanceBy(0);
  t.same(owner.events, ['server ended cancelled']);
  t.equal(server.state, 'terminated');
  idle(t, rig);
});

t.test('server entity with passthru_prack off: own RSeq, retransmitted until the PRACK, which is answered here', async (t) => {
  const hooked: string[] = [];
  const { rig, owner, tx, server } = serverCall({}, ['Supported: 100rel'], { onRequest: (_e, r) => { hooked.push(r.method); return r; } });
  server.reply(server.invite, 183, { headers: [['Require', '100rel'], ['RSeq', '77']], body: SDP });
  const first = tx.responses[0]!;
  t.same(first.require, ['100rel']);
  t.not(first.rseq, 77, 'numbered by the entity, not copied');
  t.equal(first.headerValues('rseq').length, 1);
  rig.clock.advanceBy(500);
  t.equal(tx.responses.length, 2, 'retransmitted at T1');
  const prack = deliver(rig, inDialog('PRACK', { toTag: server.key, cseq: 2, extra: [`RAck: ${first.rseq} 1 INVITE`] }));
  t.same(prack.statuses(), [200]);
  const stale = deliver(rig, inDialog('PRACK', { toTag: server.key, cseq: 3, extra: [`RAck: ${first.rseq} 1 INVITE`] }));
  t.same(stale.statuses(), [481], 'a PRACK for nothing outstanding gets 481');
  rig.clock.advanceBy(5000);
  t.equal(tx.responses.length, 2, 'no retransmission after the PRACK');
  t.same(owner.events, [], 'the owner never saw the PRACK');
  t.same(hooked, ['PRACK', 'PRACK'], 'the script hook ran for locally answered PRACKs');
  server.terminate({ status: 480 });
  t.same(tx.statuses().slice(-1), [480]);
  idle(t, rig);
});

t.test('server entity with passthru_prack on: Require/RSeq relayed as given, PRACK passed to the owner', async (t) => {
  const { rig, owner, tx, server } = serverCall({ passthruPrack: true }, ['Supported: 100rel']);
  server.reply(server.invite, 183, { headers: [['Require', '100rel'], ['RSeq', '77']] });
  t.equal(tx.responses[0]!.rseq, 77);
  const prack = deliver(rig, inDialog('PRACK', { toTag: server.key, cseq: 2, extra: ['RAck: 77 1 INVITE'] }));
  t.same(owner.events, ['server request PRACK']);
  server.reply(owner.requests[0]!, 200);
  t.same(prack.statuses(), [200]);
  server.delete();
  idle(t, rig);
});

// ---- in-dialog pipeline ----

t.test('requests for unknown keys: BYE 200, others 481, ACK absorbed; foreign requests go to the main route', async (t) => {
  const rig = unitRig();
  const bye = deliver(rig, inDialog('BYE', { toTag: 'B2B.1.2.3.4', cseq: 2 }));
  const info = deliver(rig, inDialog('INFO', { toTag: 'B2B.1.2.3.4', cseq: 2 }));
  const byCallId = deliver(rig, inDialog('INFO', { toTag: 'x', callId: 'B2B.7.0.1.2', cseq: 2 }));
  rig.entities.onStrayAck(inDialog('ACK', { toTag: 'B2B.1.2.3.4', cseq: 1 }));
  const foreign = inDialog('BYE', { toTag: 'not-ours', cseq: 2 });
  deliver(rig, foreign);
  t.same(bye.statuses(), [200]);
  t.same(info.statuses(), [481]);
  t.same(byCallId.statuses(), [481]);
  t.same(rig.initial.map((i) => i.request), [foreign]);
});

t.test('glare: 491 while our re-INVITE is pending, 500 + Retry-After while a request is open, BYE exception', async (t) => {
  const { rig, owner, server } = confirmedServer();
  const ours = server.sendRequest('INVITE', { body: SDP });
  t.ok(ours);
  t.equal(server.sendRequest('INVITE'), undefined, '§14.1: not a second INVITE of ours');
  const glare = deliver(rig, inDialog('INVITE', { toTag: server.key, cseq: 2 }));
  t.same(glare.statuses(), [491]);
  rig.transactions.last('INVITE').respond(200, { toTag: 'atag' });
  t.same(owner.events.slice(-1), ['server reply 200 INVITE']);
  server.sendAck({ body: SDP });
  t.equal(rig.transactions.acks.length, 1);
  t.equal(rig.transactions.acks[0]!.body.length, SDP.body.length, 'the ACK carries the owner body');
  const reinvite = deliver(rig, inDialog('INVITE', { toTag: server.key, cseq: 3 }));
  t.same(owner.events.slice(-1), ['server request INVITE']);
  const overlap = deliver(rig, inDialog('INFO', { toTag: server.key, cseq: 4 }));
  t.same(overlap.statuses(), [500]);
  const retryAfter = Number(overlap.responses[0]!.retryAfter?.value);
  t.ok(retryAfter >= 0 && retryAfter <= 9, `Retry-After ${retryAfter}`);
  t.equal(server.sendRequest('INVITE'), undefined, '§14.1: not while the peer INVITE is open');
  const bye = deliver(rig, inDialog('BYE', { toTag: server.key, cseq: 5 }));
  t.same(bye.statuses(), [200]);
  t.same(reinvite.statuses(), [487], 'the pending re-INVITE got 487');
  t.same(owner.events.slice(-2), ['server request BYE answered', 'server ended bye-received']);
  idle(t, rig);
});

t.test('CSeq lower than the remote sequence gets 500; a normal BYE waits for the owner answer', async (t) => {
  const { rig, owner, server } = confirmedServer();
  const info = deliver(rig, inDialog('INFO', { toTag: server.key, cseq: 5 }));
  server.reply(owner.requests[0]!, 200);
  t.same(info.statuses(), [200]);
  const old = deliver(rig, inDialog('INFO', { toTag: server.key, cseq: 4 }));
  t.same(old.statuses(), [500]);
  const bye = deliver(rig, inDialog('BYE', { toTag: server.key, cseq: 6 }));
  t.equal(server.state, 'confirmed', 'alive until its BYE is answered');
  server.reply(owner.requests[1]!, 200);
  t.same(bye.statuses(), [200]);
  t.same(owner.events.slice(-1), ['server ended bye-received']);
  idle(t, rig);
});

t.test('requests other than UPDATE/PRACK/BYE on an early dialog are dropped silently; UPDATE passes', async (t) => {
  const { rig, owner, tx, server } = serverCall();
  server.reply(server.invite, 180);
  const info = deliver(rig, inDialog('INFO', { toTag: server.key, cseq: 2 }));
  t.same(info.statuses(), []);
  t.equal(info.terminated, true, 'its transaction ended with it');
  const update = deliver(rig, inDialog('UPDATE', { toTag: server.key, cseq: 3 }));
  t.same(owner.events, ['server request UPDATE']);
  server.reply(owner.requests[0]!, 200);
  t.match(update.responses[0]!.header('contact'), /b2b@10\.0\.0\.1/, 'a 2xx to UPDATE carries our Contact');
  const bye = deliver(rig, inDialog('BYE', { toTag: server.key, cseq: 4 }));
  t.same(bye.statuses(), [200]);
  t.same(tx.statuses(), [180, 487], 'BYE in the early dialog: the INVITE got 487');
  idle(t, rig);
});

t.test('an early UPDATE whose To-tag is not a key is found by Call-ID + From-tag (§1.2)', async (t) => {
  const { rig, owner, server } = serverCall();
  server.reply(server.invite, 180);
  const update = inDialog('UPDATE', { toTag: server.key, cseq: 2 }).withHeaderValues('To', ['<sip:bob@10.0.0.1>;tag=legacy']);
  const found = deliver(rig, update);
  t.same(owner.events, ['server request UPDATE'], 'found by Call-ID + From-tag');
  server.reply(owner.requests[0]!, 200);
  t.same(found.statuses(), [200]);
  const other = deliver(rig, inDialog('UPDATE', { toTag: 'legacy', fromTag: 'someone-else', cseq: 2 }));
  t.same(rig.initial.map((i) => i.request.method), ['INVITE', 'UPDATE'], 'no match: the main route');
  t.same(other.statuses(), []);
  server.delete();
  idle(t, rig);
});

t.test('script hooks: the request hook result is what the owner gets; the reply hook sees every reply but 100', async (t) => {
  const replies: number[] = [];
  const rig = unitRig({}, {
    onRequest: (_e, r) => r.withHeader('X-Hooked', 'yes'),
    onReply: (_e, r) => { replies.push(r.status); return r.withHeader('X-Seen', '1'); },
  });
  const owner = new RecordingOwner();
  const client = rig.entities.clientNew(SPEC, owner);
  const inviteTx = rig.transactions.last('INVITE');
  inviteTx.respond(100);
  inviteTx.respond(180, { toTag: 'btag' });
  inviteTx.respond(200, { toTag: 'btag' });
  client.sendAck();
  deliver(rig, fromCallee(client, 'INFO', 2));
  t.same(replies, [180, 200]);
  t.equal(owner.replies[0]!.reply.response?.header('x-seen'), '1');
  t.equal(owner.requests[0]!.request.header('x-hooked'), 'yes');
  client.delete();
  idle(t, rig);
});

// ---- client entity ----

t.test('client entity: Call-ID is the key, CSeq and Max-Forwards from the spec; the 2xx is not ACKed until the owner does', async (t) => {
  const { rig, owner, client, inviteTx } = clientCall();
  const invite = inviteTx.request;
  t.equal(invite.callId, client.key);
  t.equal(invite.cseq.seq, 7);
  t.equal(invite.maxForwards, 69);
  t.equal(invite.fromTag, client.localTag);
  t.equal(invite.toTag, undefined);
  t.equal(client.logicKey, '1.0');
  inviteTx.respond(100);
  t.same(owner.events, [], '100 Trying stays here');
  inviteTx.respond(180, { toTag: 'btag' });
  t.equal(client.state, 'early');
  t.equal(client.remoteTag, 'btag');
  inviteTx.respond(200, { toTag: 'btag', headers: [['Contact', '<sip:bob@10.0.0.2:5062>']] });
  t.equal(client.state, 'confirmed');
  t.same(owner.events, ['client reply 180 INVITE', 'client reply 200 INVITE']);
  t.equal(rig.transactions.acks.length, 0, 'no automatic ACK');
  client.sendAck({ body: SDP });
  const ack = rig.transactions.acks[0]!;
  t.equal(ack.cseq.seq, 7);
  t.equal(ack.cseq.method, 'ACK');
  t.equal(ack.uri.scheme === 'sip' && 'port' in ack.uri ? ack.uri.port : undefined, 5062, 'to the remote target');
  t.equal(ack.body.length, SDP.body.length);
  inviteTx.respond(200, { toTag: 'btag' });
  t.equal(rig.transactions.acks.length, 2, 'a retransmitted 2xx gets the same ACK');
  t.equal(rig.transactions.acks[1], ack);
  t.equal(owner.events.length, 2, 'and is not passed up');
  client.terminate();
  t.same(rig.transactions.methods(), ['INVITE', 'BYE']);
  t.same(owner.events.slice(-1), ['client ended bye-sent']);
  idle(t, rig);
});

t.test('client entity: a request on a confirmed-but-unACKed dialog sends the ACK first', async (t) => {
  const { rig, client, inviteTx } = clientCall();
  inviteTx.respond(200, { toTag: 'btag' });
  const info = client.sendRequest('INFO');
  t.ok(info);
  t.equal(rig.transactions.acks.length, 1, 'ACK first');
  t.same(rig.transactions.methods(), ['INVITE', 'INFO']);
  t.equal(rig.transactions.last('INFO').request.cseq.seq, 8);
  client.sendAck({ body: SDP });
  t.equal(rig.transactions.acks.length, 1, 'no second ACK for the same 2xx');
  client.delete();
  idle(t, rig);
});

t.test('client entity: a re-INVITE from the callee, its 2xx retransmitted until the ACK, then the callee BYE', async (t) => {
  const { rig, owner, client } = confirmedClient();
  const reinvite = deliver(rig, fromCallee(client, 'INVITE', 20));
  t.same(owner.events.slice(-1), ['client request INVITE']);
  client.reply(owner.requests[0]!, 200, { body: SDP });
  t.equal(reinvite.responses[0]!.toTag, client.localTag);
  rig.clock.advanceBy(500);
  t.same(reinvite.statuses(), [200, 200]);
  rig.entities.onStrayAck(fromCallee(client, 'ACK', 20));
  t.same(owner.events.slice(-1), ['client ack']);
  const bye = deliver(rig, fromCallee(client, 'BYE', 21));
  client.reply(owner.requests[1]!, 200);
  t.same(bye.statuses(), [200]);
  t.same(owner.events.slice(-1), ['client ended bye-received']);
  idle(t, rig);
});

t.test('forking: two early dialogs, the first 2xx wins, the second fork gets ACK + BYE from the layer', async (t) => {
  const { rig, owner, client, inviteTx } = clientCall();
  inviteTx.respond(180, { toTag: 'fork-a' });
  inviteTx.respond(180, { toTag: 'fork-b' });
  t.equal(client.remoteTag, 'fork-b', 'the latest early dialog');
  inviteTx.respond(200, { toTag: 'fork-a' });
  t.equal(client.remoteTag, 'fork-a');
  inviteTx.respond(200, { toTag: 'fork-b' });
  t.same(owner.events, ['client reply 180 INVITE', 'client reply 180 INVITE', 'client reply 200 INVITE']);
  t.equal(rig.transactions.acks.length, 1, 'the losing fork was ACKed');
  t.equal(rig.transactions.acks[0]!.toTag, 'fork-b');
  const bye = rig.transactions.last('BYE');
  t.equal(bye.request.toTag, 'fork-b');
  inviteTx.respond(200, { toTag: 'fork-b' });
  t.equal(rig.transactions.acks.length, 2, 'its retransmission gets the same ACK');
  t.equal(rig.transactions.methods().filter((m) => m === 'BYE').length, 1, 'and no second BYE');
  deliver(rig, fromCallee(client, 'INFO', 2, 'fork-b'));
  t.same(owner.events.length, 3, 'the losing fork cannot reach the owner');
  client.sendAck();
  client.delete();
  idle(t, rig);
});

t.test('client entity: reliable provisionals get our own PRACK once; retransmissions are not passed up', async (t) => {
  const { rig, owner, client, inviteTx } = clientCall();
  const headers: Array<readonly [string, string]> = [['Require', '100rel'], ['RSeq', '5'], ['Contact', '<sip:bob@10.0.0.2>']];
  inviteTx.respond(183, { toTag: 'btag', headers });
  inviteTx.respond(183, { toTag: 'btag', headers });
  const prack = rig.transactions.last('PRACK');
  t.equal(prack.request.header('rack'), '5 7 INVITE');
  t.equal(prack.request.toTag, 'btag');
  t.equal(rig.transactions.methods().filter((m) => m === 'PRACK').length, 1);
  prack.respond(200);
  t.same(owner.events, ['client reply 183 INVITE'], 'the PRACK reply stays here');
  client.terminate({ reasonHeader: 'Q.850;cause=16' });
  const cancel = rig.transactions.last('CANCEL');
  t.equal(cancel.request.header('reason'), 'Q.850;cause=16');
  inviteTx.respond(487, { toTag: 'btag' });
  t.same(owner.events.slice(-2), ['client reply 487 INVITE', 'client ended cancelled']);
  idle(t, rig);
});

t.test('client entity: a 401 is answered once from the credentials before the owner hears anything', async (t) => {
  const { rig, owner, inviteTx } = clientCall({ credentials: [{ realm: 'pbx', username: 'alice', password: 'pw' }] });
  inviteTx.respond(401, { toTag: 'c1', headers: [['WWW-Authenticate', 'Digest realm="pbx", nonce="abc", qop="auth"']] });
  t.same(owner.events, []);
  const retry = rig.transactions.last('INVITE');
  t.not(retry, inviteTx);
  t.equal(retry.request.cseq.seq, 8, 'CSeq one higher');
  t.equal(retry.request.callId, inviteTx.request.callId);
  t.equal(retry.request.fromTag, inviteTx.request.fromTag);
  t.not(retry.request.topVia.branch, inviteTx.request.topVia.branch);
  t.match(retry.request.header('authorization'), /^Digest .*username="alice".*qop=auth/);
  retry.respond(401, { toTag: 'c2', headers: [['WWW-Authenticate', 'Digest realm="pbx", nonce="def"']] });
  t.same(owner.events, ['client reply 401 INVITE', 'client ended rejected'], 'a second challenge is passed up');
  idle(t, rig);
});

t.test('client entity: timeout and no-route become 408 / 503 replies', async (t) => {
  const timeout = clientCall();
  timeout.inviteTx.user.onTimeout(timeout.inviteTx, 'B');
  t.same(timeout.owner.events, ['client reply 408 INVITE', 'client ended timeout']);
  idle(t, timeout.rig);
  const rig = unitRig();
  const owner = new RecordingOwner();
  rig.entities.clientNew({ ...SPEC, requestUri: parseUri('tel:+15551234')! }, owner);
  t.same(owner.events, [], 'not re-entrant from clientNew');
  t.same(rig.transactions.sent, [], 'nothing sent');
  rig.clock.advanceBy(0);
  t.same(owner.events, ['client reply 503 INVITE', 'client ended transport-error']);
  idle(t, rig);
});

t.test('client entity: Timer C after a provisional CANCELs the ringing callee (RFC 3261 §16.8)', async (t) => {
  const { rig, owner, inviteTx } = clientCall();
  inviteTx.respond(180, { toTag: 'ringing' });
  inviteTx.user.onTimeout(inviteTx, 'C');
  t.same(rig.transactions.methods(), ['INVITE', 'CANCEL'], 'the callee hears that we gave up');
  const cancel = rig.transactions.last('CANCEL');
  t.equal(cancel.request.topVia.branch, inviteTx.request.topVia.branch, 'the CANCEL matches the INVITE (§9.1)');
  t.same(owner.events.slice(-2), ['client reply 408 INVITE', 'client ended timeout']);
  t.equal(inviteTx.terminated, false, 'the INVITE transaction stays to ACK the 487 (§16.8)');
  const before = owner.events.length;
  inviteTx.respond(487, { toTag: 'ringing' });
  t.equal(owner.events.length, before, 'the 487 is not a second final reply upward');
  idle(t, rig);
});

t.test('client entity: Timer C, then the callee answers 200 before the CANCEL: ACK + BYE, one 408 upward', async (t) => {
  const { rig, owner, inviteTx } = clientCall();
  inviteTx.respond(180, { toTag: 'ringing' });
  inviteTx.user.onTimeout(inviteTx, 'C');
  inviteTx.respond(200, { toTag: 'ringing', headers: [['Contact', '<sip:bob@10.0.0.2>']] });
  t.equal(rig.transactions.acks.length, 1, 'the late 2xx is ACKed');
  t.same(rig.transactions.methods(), ['INVITE', 'CANCEL', 'BYE'], 'and hung up');
  t.same(owner.events.filter((e) => e.startsWith('client reply')), ['client reply 180 INVITE', 'client reply 408 INVITE']);
  t.same(owner.events.filter((e) => e.startsWith('client ended')), ['client ended timeout']);
  idle(t, rig);
});

// ---- terminate by state ----

t.test('terminate by state', async (t) => {
  t.test('client new: CANCEL waits for a provisional (§9.1)', async (t) => {
    const { rig, owner, client, inviteTx } = clientCall();
    client.terminate();
    t.same(rig.transactions.methods(), ['INVITE']);
    inviteTx.respond(100);
    t.same(rig.transactions.methods(), ['INVITE', 'CANCEL']);
    inviteTx.respond(487, { toTag: 'b' });
    t.same(owner.events, ['client reply 487 INVITE', 'client ended cancelled']);
    idle(t, rig);
  });
  t.test('client early: BYE becomes CANCEL; no final within 64·T1 ends it anyway', async (t) => {
    const { rig, owner, client, inviteTx } = clientCall();
    inviteTx.respond(180, { toTag: 'b' });
    const sent = client.sendRequest('BYE');
    t.equal(sent?.method, 'CANCEL');
    t.same(rig.transactions.methods(), ['INVITE', 'CANCEL']);
    rig.clock.advanceBy(64 * 500);
    t.equal(inviteTx.terminated, true);
    t.same(owner.events.slice(-2), ['client reply 487 INVITE', 'client ended cancelled']);
    idle(t, rig);
  });
  t.test('client cancelled but answered 2xx: ACK + BYE by the layer', async (t) => {
    const { rig, owner, client, inviteTx } = clientCall();
    inviteTx.respond(180, { toTag: 'b' });
    client.terminate();
    inviteTx.respond(200, { toTag: 'b' });
    t.equal(rig.transactions.acks.length, 1);
    t.same(rig.transactions.methods(), ['INVITE', 'CANCEL', 'BYE']);
    t.same(owner.events.slice(-1), ['client ended cancelled']);
    idle(t, rig);
  });
  t.test('client confirmed but unACKed: CANCEL becomes ACK + BYE', async (t) => {
    const { rig, owner, client, inviteTx } = clientCall();
    inviteTx.respond(200, { toTag: 'b' });
    const sent = client.sendRequest('CANCEL');
    t.equal(sent?.method, 'BYE');
    t.equal(rig.transactions.acks.length, 1);
    rig.transactions.last('BYE').respond(200);
    t.same(owner.events.slice(-2), ['client reply 200 BYE', 'client ended bye-sent']);
    idle(t, rig);
  });
  t.test('server new: 487 by default; a status and Reason can be given', async (t) => {
    const a = serverCall();
    a.server.terminate();
    t.same(a.tx.statuses(), [487]);
    idle(t, a.rig);
    const b = serverCall();
    b.server.reply(b.server.invite, 180);
    b.server.terminate({ status: 408, reasonHeader: 'SIP;cause=408' });
    t.same(b.tx.statuses(), [180, 408]);
    t.equal(b.tx.responses[1]!.header('reason'), 'SIP;cause=408');
    idle(t, b.rig);
  });
  t.test('server confirmed before its ACK: the BYE waits for the ACK (§15)', async (t) => {
    const { rig, owner, server } = serverCall();
    server.reply(server.invite, 200);
    server.terminate();
    t.same(rig.transactions.methods(), []);
    rig.entities.onStrayAck(inDialog('ACK', { toTag: server.key, cseq: 1 }));
    t.same(rig.transactions.methods(), ['BYE']);
    t.same(owner.events, ['server ended bye-sent']);
    idle(t, rig);
  });
  t.test('an owner BYE on a confirmed server entity: the reply reaches the owner, then it ends', async (t) => {
    const { rig, owner, server } = confirmedServer();
    const bye = server.sendRequest('BYE');
    t.equal(bye?.request.toTag, 'atag');
    t.equal(bye?.request.fromTag, server.key);
    rig.transactions.last('BYE').respond(200);
    t.same(owner.events.slice(-2), ['server reply 200 BYE', 'server ended bye-sent']);
    t.equal(server.sendRequest('INFO'), undefined, 'nothing after the end');
    idle(t, rig);
  });
});

t.test('find and entities() list live entities; delete() removes without signalling', async (t) => {
  const { rig, server } = serverCall();
  const client: ClientEntity = rig.entities.clientNew(SPEC, new RecordingOwner());
  t.equal(rig.entities.find(server.key), server);
  t.equal(rig.entities.find(client.key), client);
  t.equal([...rig.entities.entities()].length, 2);
  t.same(rig.entities.counts, { servers: 1, clients: 1 });
  const sentBefore = rig.transactions.sent.length;
  (server as ServerEntity).delete();
  client.delete();
  t.equal(rig.transactions.sent.length, sentBefore, 'no signalling');
  t.equal(rig.entities.find(server.key), undefined);
  idle(t, rig);
});
