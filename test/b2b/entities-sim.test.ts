/** B2B entities between real simulated UAs (opensips-b2b.md §1.2, §1.5–1.6): a relay owner joins one server and one client entity per call. */
import t from 'tap';
import { createResponse, parseNameAddr, parseUri } from '../../engine/sip';
import type { SipRequest, SipResponse } from '../../engine/sip/message';
import type { NameAddr } from '../../engine/sip/types';
import type { InviteSession } from '../../engine/dialog/invite-session';
import type { IncomingInvite } from '../../engine/dialog/incoming-invite';
import type { UserAgentDelegate } from '../../engine/dialog/user-agent-core';
import { createRequest } from '../../engine/sip';
import type { World } from '../../simulator';
import { withSeed } from '../../simulator';
import { addRawPeer } from '../dialog/raw-host';
import { addUa, leftovers, lossyLink, newWorld, type SimUa } from '../dialog/sim-ua';
import { addB2bHost, b2bLeftovers, type B2bHost } from './entities-sim-host';

const B2B = '10.0.0.1';
const BOB_URI = 'sip:bob@10.0.0.2';
const SDP = { body: new TextEncoder().encode('v=0\r\no=- 1 1 IN IP4 10.0.0.9\r\n'), contentType: 'application/sdp' };

/** The B2B forwards every INVITE to `uri`, From/To kept (the relay is not top hiding: tags and Call-ID are new anyway). */
function toTarget(uri: string, headers: ReadonlyArray<readonly [string, string]> = []) {
  return (invite: SipRequest) => ({
    requestUri: parseUri(uri)!,
    to: parseNameAddr(`<${uri}>`)!,
    from: { ...invite.from, params: new Map() },
    cseq: invite.cseq.seq,
    maxForwards: (invite.maxForwards ?? 70) - 1,
    headers,
  });
}

interface Rig {
  readonly world: World;
  readonly b2b: B2bHost;
  readonly alice: SimUa;
  readonly bob: SimUa | undefined;
}

function rig(seed: number, bobDelegate: UserAgentDelegate | undefined, target = toTarget(BOB_URI), link?: Parameters<typeof newWorld>[1]): Rig {
  const world = newWorld(seed, link);
  const b2b = addB2bHost(world, B2B, target).app;
  const bob = bobDelegate === undefined ? undefined : addUa(world, 'bob', '10.0.0.2', bobDelegate).app;
  const alice = addUa(world, 'alice', '10.0.0.9').app;
  return { world, b2b, alice, bob };
}

function call(alice: SimUa, handler: Parameters<SimUa['stack']['core']['invite']>[1] = {}) {
  const to: NameAddr = parseNameAddr('<sip:bob@10.0.0.1>')!;
  return alice.stack.core.invite({ to, body: SDP }, handler);
}

function allLeftovers(r: Rig): string[] {
  return [...b2bLeftovers(r.b2b), ...leftovers(r.alice), ...(r.bob === undefined ? [] : leftovers(r.bob))];
}

function delivered(world: World): string[] {
  return world.trace.entries().filter((e) => e.kind === 'deliver').map((e) => e.summary);
}

t.test('a call is set up with an end-to-end ACK and hung up by the caller; nothing is left', async (t) => {
  let bobSession: InviteSession | undefined;
  let bobInvite: SipRequest | undefined;
  let bobConfirmed = false;
  const r = rig(1, { onInvite: (invite) => { bobInvite = invite.request; bobSession = invite.accept({ body: SDP }); if (bobSession) bobSession.handler = { onConfirmed: () => { bobConfirmed = true; } }; } });
  let aliceSession: InviteSession | undefined;
  const outgoing = call(r.alice, { onAccepted: (s) => { aliceSession = s; } });
  r.world.runSync({ until: () => bobConfirmed });
  t.ok(aliceSession, 'alice is connected');
  t.ok(bobConfirmed, "bob got the ACK relayed from alice's");
  t.not(bobInvite?.callId, outgoing.request.callId, 'a new Call-ID on the callee side');
  t.match(bobInvite?.callId, /^B2B\.\d+\.\d+\.\d+\.\d+$/, 'the client key is the Call-ID');
  t.equal(bobInvite?.body.length, SDP.body.length, 'the offer was relayed');
  t.same(r.b2b.entities.counts, { servers: 1, clients: 1 });
  aliceSession!.bye();
  r.world.runSync();
  t.same(r.b2b.relays[0]!.log.filter((l) => l.includes('ended')).sort(), ['client ended bye-sent', 'server ended bye-received']);
  t.same(allLeftovers(r), []);
});

t.test('the callee hangs up; the BYE is relayed and answered end to end', async (t) => {
  let bobSession: InviteSession | undefined;
  let aliceEnded = '';
  const r = rig(2, { onInvite: (invite) => { bobSession = invite.accept({ body: SDP }); } });
  call(r.alice, { onAccepted: (s) => { s.handler = { onTerminated: (_s, reason) => { aliceEnded = reason; } }; } });
  r.world.runSync({ until: () => bobSession !== undefined && r.world.nowMs > 2000 });
  bobSession!.bye();
  r.world.runSync();
  t.equal(aliceEnded, 'bye-received');
  t.ok(delivered(r.world).some((l) => l.includes('SIP/2.0 200') && l.includes('b2b@') === false), 'answers flowed');
  t.same(allLeftovers(r), []);
});

t.test('the caller CANCELs while the callee rings: CANCEL relayed, 487 back to the caller', async (t) => {
  let ringing: IncomingInvite | undefined;
  let bobCancelled = false;
  const r = rig(3, { onInvite: (invite) => { ringing = invite; invite.onCancelled = () => { bobCancelled = true; }; invite.progress(180); } });
  let failed: number | undefined;
  const outgoing = call(r.alice, { onFailed: (status) => { failed = status; } });
  r.world.runSync({ untilMs: 1000 });
  t.ok(ringing, 'the callee rings');
  outgoing.cancel();
  r.world.runSync();
  t.equal(failed, 487);
  t.ok(bobCancelled, 'the callee was CANCELled');
  t.same(r.b2b.relays[0]!.log.filter((l) => l.includes('ended')).sort(), ['client ended cancelled', 'server ended cancelled']);
  t.same(allLeftovers(r), []);
});

t.test('a busy callee: 486 reaches the caller', async (t) => {
  const r = rig(4, { onInvite: (invite) => invite.reject(486) });
  let failed: number | undefined;
  call(r.alice, { onFailed: (status) => { failed = status; } });
  r.world.runSync();
  t.equal(failed, 486);
  t.same(allLeftovers(r), []);
});

t.test('reliable provisionals: each side PRACKs and is answered locally, the relay never sees a PRACK', async (t) => {
  let ringing: IncomingInvite | undefined;
  const r = rig(5, { onInvite: (invite) => { ringing = invite; invite.progress(183, { reliable: true, body: SDP }); } }, toTarget(BOB_URI, [['Supported', '100rel']]));
  let aliceSession: InviteSession | undefined;
  const progress: number[] = [];
  call(r.alice, { onProgress: (response) => progress.push(response.status), onAccepted: (s) => { aliceSession = s; } });
  r.world.runSync({ untilMs: 3000 });
  ringing!.accept({ body: SDP });
  r.world.runSync({ until: () => aliceSession !== undefined && r.world.nowMs > 6000 });
  const lines = delivered(r.world);
  t.equal(lines.filter((l) => l.startsWith('PRACK')).length, 2, 'one PRACK on each side');
  t.same(progress, [183]);
  t.notOk(r.b2b.relays[0]!.log.some((l) => l.includes('PRACK')), 'PRACK handled by the entities');
  aliceSession!.bye();
  r.world.runSync();
  t.same(allLeftovers(r), []);
});

t.test('a digest challenge from the callee is answered from the configured credentials', async (t) => {
  const world = newWorld(6);
  const b2b = addB2bHost(world, B2B, toTarget(BOB_URI), { credentials: [{ realm: 'bob.example', username: 'b2b', password: 'secret' }] }).app;
  let authorized: string | undefined;
  const bob = addUa(world, 'bob', '10.0.0.2', {
    onInvite: (invite) => {
      const credentials = invite.request.header('proxy-authorization');
      if (credentials === undefined) invite.reject(407, { headers: [['Proxy-Authenticate', 'Digest realm="bob.example", nonce="n0nce", qop="auth"']] });
      else {
        authorized = credentials;
        invite.accept({ body: SDP });
      }
    },
  }).app;
  const alice = addUa(world, 'alice', '10.0.0.9').app;
  let aliceSession: InviteSession | undefined;
  const statuses: number[] = [];
  call(alice, { onProgress: (r) => statuses.push(r.status), onAccepted: (s) => { aliceSession = s; }, onFailed: (s) => statuses.push(s) });
  world.runSync({ until: () => aliceSession !== undefined && world.nowMs > 2000 });
  t.match(authorized, /username="b2b".*realm="bob\.example"/);
  t.same(statuses, [], 'the caller never saw the 407');
  aliceSession!.bye();
  world.runSync();
  t.same([...b2bLeftovers(b2b), ...leftovers(alice), ...leftovers(bob)], []);
});

t.test('forking downstream: 180 from two tags, 200 from both; the first wins, the second gets ACK + BYE', async (t) => {
  const world = newWorld(7);
  const b2b = addB2bHost(world, B2B, toTarget('sip:carol@10.0.0.3')).app;
  const got: string[] = [];
  let invite: SipRequest | undefined;
  const contact = (tag: string): Array<[string, string]> => [['Contact', `<sip:carol-${tag}@10.0.0.3>`]];
  addRawPeer(world, 'carol', '10.0.0.3', (peer, message, packet) => {
    if (message.kind !== 'request') return;
    got.push(`${message.method} ${message.toTag ?? ''}`);
    const send = (response: SipResponse): void => peer.send(response, packet.source);
    if (message.method === 'INVITE' && invite === undefined) {
      invite = message;
      send(createResponse(message, 180, undefined, { toTag: 'fork-a', headers: contact('a') }));
      send(createResponse(message, 180, undefined, { toTag: 'fork-b', headers: contact('b') }));
      send(createResponse(message, 200, undefined, { toTag: 'fork-a', headers: contact('a'), body: SDP.body, contentType: SDP.contentType }));
      send(createResponse(message, 200, undefined, { toTag: 'fork-b', headers: contact('b'), body: SDP.body, contentType: SDP.contentType }));
    } else if (message.method === 'BYE') {
      send(createResponse(message, 200));
    }
  });
  const alice = addUa(world, 'alice', '10.0.0.9').app;
  let aliceSession: InviteSession | undefined;
  let progress = 0;
  call(alice, { onProgress: () => progress++, onAccepted: (s) => { aliceSession = s; } });
  world.runSync({ until: () => aliceSession !== undefined && world.nowMs > 2000 });
  t.equal(progress, 2, 'both early dialogs rang through');
  t.same(got.filter((g) => !g.startsWith('INVITE')).sort(), ['ACK fork-a', 'ACK fork-b', 'BYE fork-b'], 'the winner ACKed end to end, the loser ACKed and BYEd');
  aliceSession!.bye();
  world.runSync();
  t.ok(got.includes('BYE fork-a'), "the caller's BYE reached the winning fork");
  t.same([...b2bLeftovers(b2b), ...leftovers(alice)], []);
});

t.test('requests naming unknown keys: BYE 200, others 481', async (t) => {
  const world = newWorld(8);
  const b2b = addB2bHost(world, B2B, toTarget(BOB_URI)).app;
  const answers: string[] = [];
  const raw = addRawPeer(world, 'mallory', '10.0.0.7', (_peer, message) => {
    if (message.kind === 'response') answers.push(`${message.status} ${message.cseq.method}`);
  }).app;
  for (const [i, method] of ['BYE', 'INFO', 'UPDATE'].entries()) {
    raw.send(createRequest({
      method, uri: 'sip:b2b@10.0.0.1:5060',
      headers: [
        ['Via', `SIP/2.0/UDP 10.0.0.7:5060;branch=z9hG4bKm${i}`], ['Max-Forwards', '70'], ['From', '<sip:m@10.0.0.7>;tag=m'],
        ['To', '<sip:b2b@10.0.0.1>;tag=B2B.3.0.0.12345'], ['Call-ID', `gone-${i}`], ['CSeq', `2 ${method}`],
      ],
    }), { host: B2B, port: 5060 });
  }
  world.runSync();
  t.same(answers.sort(), ['200 BYE', '481 INFO', '481 UPDATE']);
  t.same(b2bLeftovers(b2b), []);
});

withSeed(t, [21, 22, 23], async (t, seed) => {
  let bobSession: InviteSession | undefined;
  const r = rig(seed, { onInvite: (invite) => { invite.progress(180); bobSession = invite.accept({ body: SDP }); } }, toTarget(BOB_URI), lossyLink(0.05, 0.02, 0.05));
  let aliceSession: InviteSession | undefined;
  let failed: number | undefined;
  call(r.alice, { onAccepted: (s) => { aliceSession = s; }, onFailed: (s) => { failed = s; } });
  r.world.runSync({ until: () => (aliceSession !== undefined || failed !== undefined) && r.world.nowMs > 5000 });
  if (aliceSession !== undefined) aliceSession.bye();
  r.world.runSync();
  t.ok(bobSession !== undefined || failed !== undefined, 'the call was answered or failed cleanly');
  t.same(allLeftovers(r), [], 'under 5% loss, duplication and reordering nothing is left');
});

t.test('re-INVITEs from each side are relayed with their ACKs; simultaneous ones meet 491 and succeed on retry', async (t) => {
  let bobSession: InviteSession | undefined;
  const bobReinvites: number[] = [];
  const r = rig(9, { onInvite: (invite) => { bobSession = invite.accept({ body: SDP }); } });
  let aliceSession: InviteSession | undefined;
  call(r.alice, { onAccepted: (s) => { aliceSession = s; } });
  r.world.runSync({ untilMs: 2000 });
  const a = aliceSession!;
  const b = bobSession!;
  b.handler = { onReinvite: (_s, request, reply) => { bobReinvites.push(request.cseq.seq); reply(200, { body: SDP }); } };
  const results: string[] = [];
  a.reinvite({ body: SDP }, (res) => results.push(`alice ${res.status}`));
  r.world.runSync({ untilMs: 4000 });
  b.reinvite({ body: SDP }, (res) => results.push(`bob ${res.status}`));
  r.world.runSync({ untilMs: 6000 });
  t.same(results, ['alice 200', 'bob 200']);
  t.equal(bobReinvites.length, 1, "alice's re-INVITE reached bob");
  // Both at once: the B2B refuses the one that meets its own pending re-INVITE (491), the far UA the other.
  a.reinvite({ body: SDP }, (res) => results.push(`alice ${res.status}`));
  b.reinvite({ body: SDP }, (res) => results.push(`bob ${res.status}`));
  r.world.runSync({ untilMs: 20_000 });
  t.same(results.slice(2).sort(), ['alice 200', 'bob 200'], 'both succeed after the §14.1 retry');
  t.ok(delivered(r.world).filter((l) => l.startsWith('SIP/2.0 491')).length >= 2, '491 on both sides');
  const log = r.b2b.relays[0]!.log;
  t.ok(log.filter((l) => l === 'server ACK').length >= 3, "alice's ACKs were relayed (initial and re-INVITEs)");
  t.ok(log.filter((l) => l === 'client ACK').length >= 2, "bob's ACKs were relayed");
  t.equal(b.isEnded, false, 'no 2xx went unACKed');
  a.bye();
  r.world.runSync();
  t.same(allLeftovers(r), []);
});

t.test('the same seed gives the same trace (determinism)', async (t) => {
  const digestOf = (seed: number): string => {
    let bobSession: InviteSession | undefined;
    const r = rig(seed, { onInvite: (invite) => { invite.progress(180); bobSession = invite.accept({ body: SDP }); } }, toTarget(BOB_URI), lossyLink(0.05, 0.02, 0.05));
    let aliceSession: InviteSession | undefined;
    call(r.alice, { onAccepted: (s) => { aliceSession = s; } });
    r.world.runSync({ untilMs: 5000 });
    aliceSession?.bye();
    r.world.runSync();
    t.ok(bobSession, 'the call was answered');
    return r.world.digest();
  };
  t.equal(digestOf(31), digestOf(31));
  t.not(digestOf(31), digestOf(32), 'and another seed another trace');
});
