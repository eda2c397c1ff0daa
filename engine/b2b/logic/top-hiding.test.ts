/** Top hiding over a fake entities layer (opensips-b2b.md §2.7, §6.1): what each leg is asked to send. */
import t from 'tap';
import { parseUri } from '../../sip';
import type { ClientEntity, ServerEntity } from '../entities/entity-types';
import { FakeServerTx, inviteMessage, logicHarness, type LogicHarness } from './test-support';
import type { InitFlags } from './logic-types';
import { reducedUri } from './top-hiding';
import { formatUri } from '../../sip';

function start(h: LogicHarness, options: { flags?: InitFlags; targets?: string[]; from?: string; maxForwards?: number } = {}) {
  const invite = inviteMessage({ maxForwards: options.maxForwards });
  const tx = new FakeServerTx(invite);
  const targets = (options.targets ?? ['sip:bob@10.0.0.2:5070;transport=udp']).map((uri) => ({ uri: parseUri(uri)! }));
  const result = h.logic.initRequest(tx, { scenario: 'top hiding', flags: options.flags ?? {}, targets, request: invite, ...(options.from === undefined ? {} : { from: options.from }) }, tx.context);
  const server = [...h.fake.live].find((e) => e.kind === 'server') as unknown as ServerEntity | undefined;
  const clients = [...h.fake.live].filter((e) => e.kind === 'client') as unknown as ClientEntity[];
  return { result, tx, server: server!, clients };
}

t.test('the client INVITE: reduced To, caller From without tag, CSeq copied, Max-Forwards−1, passed headers only, same body', async (t) => {
  const h = logicHarness();
  const { result } = start(h);
  t.ok(result.ok);
  const log = h.fake.takeLog();
  t.match(log[0], /^serverNew S1 contact=<sip:10\.0\.0\.9:5060>$/);
  t.equal(log[1], 'clientNew C1 ruri=sip:bob@10.0.0.2:5070 to=<sip:bob@10.0.0.2:5070> from="Alice" <sip:alice@10.0.0.1> cseq=314 mf=69 body=v=0 caller {Supported:timer, 100rel|Session-Expires:1800}');
  t.notMatch(log.join('\n'), /X-Secret|Authorization|proxy\.a|caller-call-id|atag|branch/, 'nothing of the caller side beyond the passed list');
  t.same(h.events, [`start ${result.ok ? result.key : ''} top hiding`]);
  t.match(result.ok ? result.key : '', /^\d+\.1$/, 'key is hash.local');
});

t.test('reducedUri keeps only user, host and port', async (t) => {
  t.equal(formatUri(reducedUri(parseUri('sip:bob:pw@h.example:5070;transport=tcp;lr?X=1')!)), 'sip:bob@h.example:5070');
  t.equal(formatUri(reducedUri(parseUri('tel:+1234')!)), 'tel:+1234');
});

t.test('preserve-to, transparent-auth, From override, custom headers, regexp and init_callid_hdr', async (t) => {
  const h = logicHarness({ customHeaders: ['X-Secret'], customHeadersRegexp: /^x-other/i, initCallidHdr: 'X-Orig-Callid' });
  start(h, { flags: { preserveTo: true, transparentAuth: true }, from: '"Carol" <sip:carol@c.example>;tag=zzz' });
  const client = h.fake.takeLog()[1]!;
  t.match(client, /to="Bob" <sip:bob@example\.com>/);
  t.match(client, /from="Carol" <sip:carol@c\.example> /);
  t.notMatch(client, /zzz/);
  t.match(client, /X-Secret:hidden/);
  t.match(client, /Authorization:Digest/);
  t.match(client, /X-Orig-Callid:caller-call-id@10\.0\.0\.1/);
});

t.test('Max-Forwards 0 on the INVITE gets 483 and no session', async (t) => {
  const h = logicHarness();
  const { result, tx } = start(h, { maxForwards: 0 });
  t.same(result, { ok: false, status: 483, reason: 'Too Many Hops' });
  t.same(tx.responses, [483]);
  t.equal(h.logic.counts.sessions, 0);
});

t.test('basic call: 180 and 200 relayed, ACK end to end with its body, BYE relayed, session deleted on the BYE reply', async (t) => {
  const h = logicHarness();
  const { server, clients } = start(h);
  const client = clients[0]!;
  h.fake.takeLog();
  h.fake.inviteReply(client, 180);
  h.fake.inviteReply(client, 200, { body: 'v=0 callee' });
  t.same(h.fake.takeLog(), ['S1 reply INVITE 180', 'S1 reply INVITE 200 body=v=0 callee']);
  t.equal(h.logic.list()[0]!.state, 4, 'BRIDGED');
  h.fake.ack(server, 'late');
  t.same(h.fake.takeLog(), ['C1 ack body=late']);
  const bye = h.fake.incoming(client, 'BYE');
  t.same(h.fake.takeLog(), ['S1 send BYE {Max-Forwards:69}']);
  t.equal(h.logic.list()[0]!.state, 5, 'marked for deletion');
  t.equal(h.logic.list()[0]!.lifetime, 30);
  h.fake.replyTo(server, 'BYE', 200);
  t.ok(bye.answered);
  t.same(h.fake.takeLog(), ['C1 reply BYE 200', 'S1 delete', 'C1 delete']);
  t.equal(h.logic.counts.sessions, 0);
  t.equal(h.fake.live.size, 0);
  t.equal(h.timers.armedCount, 0, 'sweep timer disarmed with the last session');
  t.match(h.events[1], /^end .* bye$/);
});

t.test('re-INVITE relayed each way with bodies; 488 relayed back and the call survives; 481 shortens the lifetime', async (t) => {
  const h = logicHarness();
  const { server, clients } = start(h);
  const client = clients[0]!;
  h.fake.inviteReply(client, 200);
  h.fake.ack(server);
  h.fake.takeLog();
  const re = h.fake.incoming(server, 'INVITE', { body: 'offer2' });
  t.same(h.fake.takeLog(), ['C1 send INVITE body=offer2 {Max-Forwards:69}']);
  h.fake.replyTo(client, 'INVITE', 488);
  t.ok(re.answered);
  t.same(h.fake.takeLog(), ['S1 reply INVITE 488']);
  t.equal(h.logic.list()[0]!.state, 4, 'still bridged');
  const re2 = h.fake.incoming(client, 'INVITE', { body: 'offer3' });
  h.fake.replyTo(server, 'INVITE', 200, { body: 'answer3' });
  t.ok(re2.answered);
  h.fake.ack(client);
  t.same(h.fake.takeLog(), ['S1 send INVITE body=offer3 {Max-Forwards:69}', 'C1 reply INVITE 200 body=answer3', 'S1 ack']);
  h.fake.incoming(server, 'INVITE');
  h.fake.replyTo(client, 'INVITE', 481);
  t.equal(h.logic.list()[0]!.lifetime, 30, '481 to a re-INVITE: 30 s left');
});

t.test('a request the peer cannot take now gets 491; Max-Forwards 0 in dialog gets 483', async (t) => {
  const h = logicHarness();
  const { server, clients } = start(h);
  h.fake.inviteReply(clients[0]!, 200);
  h.fake.takeLog();
  h.fake.refuseSends.add('C1');
  h.fake.incoming(server, 'INFO');
  h.fake.incoming(server, 'UPDATE', { maxForwards: 0 });
  t.same(h.fake.takeLog(), ['C1 refused INFO', 'S1 reply INFO 491', 'S1 reply UPDATE 483']);
});

t.test('callee busy: 486 relayed, session gone once both legs ended', async (t) => {
  const h = logicHarness();
  const { clients } = start(h);
  h.fake.takeLog();
  h.fake.inviteReply(clients[0]!, 486);
  t.same(h.fake.takeLog(), ['S1 reply INVITE 486']);
  t.equal(h.logic.counts.sessions, 0);
  t.equal(h.timers.armedCount, 0);
});

t.test('caller CANCEL: CANCEL to the callee, its 487 relayed', async (t) => {
  const h = logicHarness();
  const { server, clients } = start(h);
  h.fake.inviteReply(clients[0]!, 180);
  h.fake.takeLog();
  h.fake.cancel(server);
  t.same(h.fake.takeLog(), ['C1 terminate']);
  h.fake.inviteReply(clients[0]!, 487);
  t.same(h.fake.takeLog(), ['S1 reply INVITE 487']);
  t.equal(h.logic.counts.sessions, 0);
});

t.test('CANCEL when the callee never answered: the synthesised 408 reaches the caller as 487', async (t) => {
  const h = logicHarness();
  const { server, clients } = start(h);
  h.fake.cancel(server);
  h.fake.takeLog();
  h.fake.inviteReply(clients[0]!, 408, { synthesised: true });
  t.same(h.fake.takeLog(), ['S1 reply INVITE 487']);
});

t.test('parallel forking: first 2xx wins, the other fork is CANCELled with the Reason, failures removed one by one', async (t) => {
  const h = logicHarness();
  const { clients } = start(h, { targets: ['sip:b1@10.0.0.2', 'sip:b2@10.0.0.3', 'sip:b3@10.0.0.4'] });
  t.equal(clients.length, 3);
  h.fake.takeLog();
  h.fake.inviteReply(clients[0]!, 486);
  t.same(h.fake.takeLog(), [], 'one failure with forks left is not relayed');
  h.fake.inviteReply(clients[1]!, 180);
  h.fake.inviteReply(clients[2]!, 200);
  t.same(h.fake.takeLog(), ['S1 reply INVITE 180', 'C2 terminate [SIP;cause=200;text="Call completed elsewhere"]', 'S1 reply INVITE 200']);
  h.fake.inviteReply(clients[1]!, 200);
  t.same(h.fake.takeLog(), ['C2 terminate'], 'a late 2xx from the loser is ended');
  const snapshot = h.logic.list()[0]!;
  t.equal(snapshot.bridgeEntities.map((e) => e.key).join(','), 'S1,C3');
});

t.test('parallel forking: every fork fails, the last failure is relayed', async (t) => {
  const h = logicHarness();
  const { clients } = start(h, { targets: ['sip:b1@10.0.0.2', 'sip:b2@10.0.0.3'] });
  h.fake.takeLog();
  h.fake.inviteReply(clients[0]!, 404);
  h.fake.inviteReply(clients[1]!, 603);
  t.same(h.fake.takeLog(), ['S1 reply INVITE 603']);
});

t.test('a target that cannot be called is skipped; none callable answers 500', async (t) => {
  const h = logicHarness();
  h.fake.failHosts.add('10.0.0.3');
  const { clients } = start(h, { targets: ['sip:b2@10.0.0.3', 'sip:b1@10.0.0.2'] });
  t.equal(clients.length, 1);
  const h2 = logicHarness();
  h2.fake.failHosts.add('10.0.0.3');
  const { result } = start(h2, { targets: ['sip:b2@10.0.0.3'] });
  t.same(result, { ok: false, status: 500, reason: 'Server Internal Error' });
  t.match(h2.fake.takeLog(), ['serverNew S1 contact=<sip:10.0.0.9:5060>', 'S1 reply INVITE 500']);
  t.equal(h2.logic.counts.sessions, 0);
});

t.test('transparent-auth: the 407 challenge is relayed upstream', async (t) => {
  const h = logicHarness();
  const { clients } = start(h, { flags: { transparentAuth: true } });
  h.fake.takeLog();
  h.fake.inviteReply(clients[0]!, 407, { headers: [['Proxy-Authenticate', 'Digest realm="b", nonce="n2"']] });
  t.same(h.fake.takeLog(), ['S1 reply INVITE 407 {Proxy-Authenticate:Digest realm="b", nonce="n2"}']);
  const h2 = logicHarness();
  const second = start(h2);
  h2.fake.takeLog();
  h2.fake.inviteReply(second.clients[0]!, 407, { headers: [['Proxy-Authenticate', 'Digest realm="b"']] });
  t.same(h2.fake.takeLog(), ['S1 reply INVITE 407'], 'without the flag the challenge stays downstream');
});
