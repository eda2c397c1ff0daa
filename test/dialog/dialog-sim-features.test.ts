/** Glare (RFC 3261 §14), PRACK (RFC 3262), forking (§13.2.2.4) and out-of-dialog handling (§12.2.2, §11) in the simulator. */
import t from 'tap';
import fc from 'fast-check';
import { assertProperty } from '../../test/support/assert-property';
import { createRequest, createResponse, parseUri } from '../../engine/sip';
import type { SipRequest, SipResponse } from '../../engine/sip/message';
import type { NameAddr } from '../../engine/sip/types';
import { buildInDialogRequest } from '../../engine/dialog/in-dialog-request';
import type { InviteSession } from '../../engine/dialog/invite-session';
import { requestFromParts } from '../../engine/dialog/request-factory';
import type { RequestResult } from '../../engine/dialog/session-types';
import type { UserAgentDelegate } from '../../engine/dialog/user-agent-core';
import { literalNextHop } from '../../engine/dialog/next-hop';
import { addRawPeer } from './raw-host';
import { addUa, leftovers, lossyLink, newWorld } from './sim-ua';

const BOB: NameAddr = { uri: parseUri('sip:bob@10.0.0.2:5060')!, params: new Map() };

/** Alice calls Bob, who answers at once; resolves to both confirmed sessions. */
function connectedPair(seed: number, bobDelegate: UserAgentDelegate = {}) {
  const world = newWorld(seed);
  const sessions: { alice?: InviteSession; bob?: InviteSession } = {};
  const bob = addUa(world, 'bob', '10.0.0.2', {
    onInvite: (invite) => { sessions.bob = invite.accept(); },
    ...bobDelegate,
  });
  const alice = addUa(world, 'alice', '10.0.0.1');
  alice.app.stack.core.invite({ to: BOB }, { onAccepted: (session) => { sessions.alice = session; } });
  world.runSync({ until: () => sessions.alice !== undefined && sessions.bob !== undefined && world.nowMs > 1000 });
  if (sessions.alice === undefined || sessions.bob === undefined) throw new Error('call did not connect');
  return { world, alice, bob, a: sessions.alice, b: sessions.bob };
}

function deliveredLines(world: ReturnType<typeof newWorld>): string[] {
  return world.trace.entries().filter((e) => e.kind === 'deliver').map((e) => e.summary);
}

t.test('re-INVITE glare: both sides get 491, retry after the §14.1 delays, and both succeed', async (t) => {
  const { world, alice, bob, a, b } = connectedPair(11);
  const results: Record<string, { status: number; at: number }> = {};
  const start = world.nowMs;
  t.equal(a.reinvite({}, (r: RequestResult) => { results.alice = { status: r.status, at: world.nowMs - start }; }), true);
  t.equal(b.reinvite({}, (r: RequestResult) => { results.bob = { status: r.status, at: world.nowMs - start }; }), true);
  world.runSync({ until: () => results.alice !== undefined && results.bob !== undefined });
  t.equal(deliveredLines(world).filter((l) => l.startsWith('SIP/2.0 491')).length, 2, 'each re-INVITE got 491');
  t.equal(results.alice?.status, 200);
  t.equal(results.bob?.status, 200);
  // Bob does not own the Call-ID: 0–2 s; Alice does: 2.1–4 s (plus a few 10–40 ms hops).
  t.ok(results.bob!.at < 2200, `bob retried within 0–2 s (${results.bob!.at} ms)`);
  t.ok(results.alice!.at >= 2100 && results.alice!.at < 4300, `alice retried after 2.1–4 s (${results.alice!.at} ms)`);
  a.bye();
  world.runSync();
  t.same([...leftovers(alice.app), ...leftovers(bob.app)], []);
});

t.test('a second incoming re-INVITE while the first is unanswered gets 500 with Retry-After 0–10 (§14.2)', async (t) => {
  let held: (() => void) | undefined;
  const { world, alice, bob, a, b } = connectedPair(12);
  b.handler = { onReinvite: (_s, _r, reply) => { held = () => reply(200); } };
  a.reinvite();
  world.runSync({ until: () => held !== undefined });
  // A misbehaving peer: a second re-INVITE on the same dialog, bypassing Alice's own glare guard.
  const { random } = alice.app.ctx;
  const parts = buildInDialogRequest(a.dialog, 'INVITE', random);
  let second: SipResponse | undefined;
  alice.app.stack.transactions.sendRequest(requestFromParts(parts, random), literalNextHop(parts.nextHop)!, {
    onResponse: (response) => { if (response.status >= 200) second = response; },
    onTimeout: () => undefined,
    onTransportError: () => undefined,
  });
  world.runSync({ until: () => second !== undefined });
  t.equal(second?.status, 500);
  const retryAfter = Number(second?.retryAfter?.value);
  t.ok(retryAfter >= 0 && retryAfter <= 10, `Retry-After ${retryAfter} within 0–10`);
  held!();
  world.runSync({ untilMs: world.nowMs + 5000 });
  a.bye();
  world.runSync();
  t.same([...leftovers(alice.app), ...leftovers(bob.app)], []);
});

t.test('PRACK: a reliable 180 is PRACKed once, its retransmissions stop, then the call proceeds', async (t) => {
  const world = newWorld(13);
  const log: string[] = [];
  const bob = addUa(world, 'bob', '10.0.0.2', {
    onInvite: (invite) => {
      invite.progress(180, { reliable: true });
      bob.app.ctx.timers.schedule(3000, () => { invite.accept(); });
    },
  });
  const alice = addUa(world, 'alice', '10.0.0.1');
  alice.app.stack.core.invite({ to: BOB }, {
    onProgress: (r) => log.push(`${r.status} rseq=${String(r.rseq)} require=${r.require.join(',')}`),
    onAccepted: (session) => { log.push('200'); session.bye(); },
  });
  world.runSync();
  const lines = deliveredLines(world);
  t.equal(log.length, 2);
  t.match(log[0], /^180 rseq=\d+ require=100rel$/);
  t.equal(log[1], '200');
  t.equal(lines.filter((l) => l.startsWith('PRACK ')).length, 1, 'one PRACK');
  t.equal(lines.filter((l) => l.startsWith('SIP/2.0 180')).length, 1, 'the 180 was not retransmitted once PRACKed');
  t.same([...leftovers(alice.app), ...leftovers(bob.app)], []);
});

t.test('PRACK under loss, duplication and reordering: every call ends and nothing is left', async (t) => {
  await assertProperty(t, fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.double({ min: 0, max: 0.3, noNaN: true }), async (seed, p) => {
    const world = newWorld(seed, lossyLink(p, p / 2, p / 2));
    let aliceEnded = false;
    const bob = addUa(world, 'bob', '10.0.0.2', {
      onInvite: (invite) => {
        invite.progress(183, { reliable: true });
        bob.app.ctx.timers.schedule(1500, () => { if (invite.state === 'proceeding') invite.accept(); });
      },
    });
    const alice = addUa(world, 'alice', '10.0.0.1');
    alice.app.stack.core.invite({ to: BOB }, {
      onAccepted: (session) => {
        session.handler = { onTerminated: () => { aliceEnded = true; } };
        session.bye();
      },
      onFailed: () => { aliceEnded = true; },
    });
    world.runSync();
    const problems = [...leftovers(alice.app), ...leftovers(bob.app)];
    if (!aliceEnded) problems.push('alice never ended');
    if (problems.length > 0) throw new Error(`${problems.join('; ')} — world seed ${seed}, fault probability ${p} (fast-check prints the seed and path to replay this run)`);
  }), { numRuns: 40, seed: 7 }, '40 lossy PRACK calls ended cleanly');
});

t.test('a forking downstream: two early dialogs, the first 2xx wins, the second is ACKed and sent BYE', async (t) => {
  const world = newWorld(14);
  const contact = (tag: string) => ['Contact', `<sip:${tag}@10.0.0.3:5060>`] as const;
  const fork = addRawPeer(world, 'fork', '10.0.0.3', (peer, message, packet) => {
    if (message.kind !== 'request') return;
    const request: SipRequest = message;
    if (request.method === 'INVITE' && peer.received.filter((m) => m.kind === 'request' && m.method === 'INVITE').length === 1) {
      const reply = (status: number, tag: string, delayMs: number) => peer.ctx.timers.schedule(delayMs, () =>
        peer.send(createResponse(request, status, undefined, { toTag: tag, headers: [contact(tag)] }), packet.source));
      reply(180, 'A', 0);
      reply(180, 'B', 5);
      reply(200, 'B', 20);
      reply(200, 'A', 40);
    } else if (request.method === 'BYE') {
      peer.send(createResponse(request, 200), packet.source);
    }
  });
  const alice = addUa(world, 'alice', '10.0.0.1');
  const early = new Set<string>();
  let winner: string | undefined;
  const invite = alice.app.stack.core.invite({ to: { uri: parseUri('sip:x@10.0.0.3:5060')!, params: new Map() } }, {
    onProgress: (_r, session) => { if (session) early.add(session.dialog.id.remoteTag); },
    onAccepted: (session) => {
      winner = session.dialog.id.remoteTag;
      alice.app.ctx.timers.schedule(1000, () => session.bye());
    },
  });
  world.runSync();
  const requests = fork.app.received.filter((m): m is SipRequest => m.kind === 'request');
  const tagsOf = (method: string) => requests.filter((r) => r.method === method).map((r) => r.toTag).sort();
  t.same([...early].sort(), ['A', 'B'], 'one early dialog per To tag');
  t.equal(winner, 'B', 'the first 2xx wins');
  t.same(tagsOf('ACK'), ['A', 'B'], 'both 2xx were ACKed');
  t.same(tagsOf('BYE'), ['A', 'B'], 'the losing dialog got BYE at once, the winner on hang-up');
  t.equal(requests.filter((r) => r.method === 'BYE' && r.toTag === 'A')[0]!.cseq.seq, 2);
  t.same(invite.sessions.map((s) => s.dialog.state), ['terminated', 'terminated']);
  t.same(leftovers(alice.app), []);
});

t.test('outside any dialog: unknown dialog → 481, OPTIONS → 200, unknown Require → 420, no delegate → 480', async (t) => {
  const world = newWorld(15);
  addUa(world, 'bob', '10.0.0.2');
  const responses: SipResponse[] = [];
  const peer = addRawPeer(world, 'peer', '10.0.0.9', (_p, message) => { if (message.kind === 'response') responses.push(message); });
  const request = (method: string, branch: string, extra: [string, string][] = []) => createRequest({
    method, uri: 'sip:bob@10.0.0.2:5060', headers: [
      ['Via', `SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bK${branch}`], ['Max-Forwards', '70'],
      ['From', '<sip:peer@10.0.0.9>;tag=p1'], ['To', '<sip:bob@10.0.0.2>'], ['Call-ID', `c-${branch}`], ['CSeq', `1 ${method}`], ...extra,
    ],
  });
  const bobAddress = { host: '10.0.0.2', port: 5060 };
  peer.app.send(request('BYE', 'bye1', []).withHeaderValues('To', ['<sip:bob@10.0.0.2>;tag=nosuch']), bobAddress);
  peer.app.send(request('OPTIONS', 'opt1'), bobAddress);
  peer.app.send(request('INFO', 'inf1', [['Require', 'foo-ext']]), bobAddress);
  peer.app.send(request('INVITE', 'inv1', [['Contact', '<sip:peer@10.0.0.9>']]), bobAddress);
  peer.app.send(request('MESSAGE', 'msg1'), bobAddress);
  world.runSync();
  const byMethod = new Map(responses.filter((r) => r.status >= 200).map((r) => [r.cseq.method, r]));
  t.equal(byMethod.get('BYE')?.status, 481);
  t.equal(byMethod.get('OPTIONS')?.status, 200);
  t.ok(byMethod.get('OPTIONS')?.allow.includes('INVITE'), 'OPTIONS 200 lists Allow');
  t.equal(byMethod.get('INFO')?.status, 420);
  t.equal(byMethod.get('INFO')?.header('Unsupported'), 'foo-ext');
  t.equal(byMethod.get('INVITE')?.status, 480);
  t.equal(byMethod.get('MESSAGE')?.status, 405);
});

t.test('CANCEL before the answer: the UAS answers 487 and both sides end', async (t) => {
  const world = newWorld(16);
  let cancelled = false;
  const bob = addUa(world, 'bob', '10.0.0.2', {
    onInvite: (invite) => {
      invite.progress(180);
      invite.onCancelled = () => { cancelled = true; };
    },
  });
  const alice = addUa(world, 'alice', '10.0.0.1');
  let failed: number | undefined;
  const invite = alice.app.stack.core.invite({ to: BOB }, {
    onProgress: () => invite.cancel(),
    onFailed: (status) => { failed = status; },
  });
  world.runSync();
  t.equal(cancelled, true);
  t.equal(failed, 487);
  t.same([...leftovers(alice.app), ...leftovers(bob.app)], []);
});

t.test('no ACK for the 2xx: the UAS retransmits it T1-doubling to T2, gives up at 64·T1 and sends BYE (§13.3.1.4)', async (t) => {
  const world = newWorld(17);
  let bobEnd: string | undefined;
  let acceptedAt = 0;
  const bob = addUa(world, 'bob', '10.0.0.2', {
    onInvite: (invite) => {
      acceptedAt = world.nowMs;
      // Alice's ACKs (and everything else she sends from now on) are lost.
      world.partition('alice', 'bob', { oneWay: true });
      const session = invite.accept();
      if (session) session.handler = { onTerminated: (_s, reason) => { bobEnd = reason; } };
    },
  });
  const alice = addUa(world, 'alice', '10.0.0.1');
  let aliceEnd: string | undefined;
  alice.app.stack.core.invite({ to: BOB }, {
    onAccepted: (session) => { session.handler = { onTerminated: (_s, reason) => { aliceEnd = reason; } }; },
  });
  world.runSync();
  const entries = world.trace.entries();
  const okAt = entries.filter((e) => e.kind === 'deliver' && e.summary.startsWith('SIP/2.0 200') && e.to?.startsWith('alice')).map((e) => e.timeMs - acceptedAt - 10);
  t.same(okAt.slice(0, 11), [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500], '2xx at T1, doubling, capped at T2 (10 ms link)');
  t.ok(entries.filter((e) => e.kind === 'drop' && e.summary.startsWith('ACK ')).length >= 11, 'Alice re-ACKed every retransmitted 2xx');
  t.equal(bobEnd, 'ack-timeout', 'Bob gave up at 64·T1');
  t.equal(aliceEnd, 'bye-received', 'and his BYE ended Alice\'s dialog');
  t.same([...leftovers(alice.app), ...leftovers(bob.app)], []);
});

t.test('BYE in an early dialog: the UAS answers it 200 and the INVITE 487 (§15.1.2)', async (t) => {
  const world = newWorld(18);
  let bobCancelled = false;
  const bob = addUa(world, 'bob', '10.0.0.2', {
    onInvite: (invite) => {
      invite.progress(183);
      invite.onCancelled = () => { bobCancelled = true; };
    },
  });
  const alice = addUa(world, 'alice', '10.0.0.1');
  let failed: number | undefined;
  alice.app.stack.core.invite({ to: BOB }, {
    onProgress: (_r, session) => session?.bye(),
    onFailed: (status) => { failed = status; },
  });
  world.runSync();
  const lines = deliveredLines(world);
  t.ok(lines.includes('BYE sip:ua@10.0.0.2:5060 SIP/2.0'), 'BYE sent to the early dialog target');
  t.equal(failed, 487);
  t.equal(bobCancelled, true);
  t.same([...leftovers(alice.app), ...leftovers(bob.app)], []);
});

t.test('in-dialog INFO/MESSAGE/REFER reach the dialog user; a 481 ends the dialog (§12.2.1.2)', async (t) => {
  const { world, alice, bob, a, b } = connectedPair(19);
  const seen: string[] = [];
  b.handler = {
    onRequest: (_s, request, reply) => {
      seen.push(request.method);
      if (request.method === 'INFO') reply(200);
      else if (request.method === 'MESSAGE') reply(202, { reason: 'Accepted' });
      else reply(403);
    },
  };
  const results: Record<string, number> = {};
  for (const method of ['INFO', 'MESSAGE', 'REFER']) a.request(method, { headers: method === 'REFER' ? [['Refer-To', '<sip:carol@10.0.0.7>']] : [] }, (r) => { results[method] = r.status; });
  world.runSync({ untilMs: world.nowMs + 2000 });
  t.same(seen, ['INFO', 'MESSAGE', 'REFER']);
  t.same(results, { INFO: 200, MESSAGE: 202, REFER: 403 });
  // Bob forgets the dialog without signalling: Alice's next request gets 481 and her dialog ends.
  let aliceEnd: string | undefined;
  a.handler = { onTerminated: (_s, reason) => { aliceEnd = reason; } };
  b.end('failed');
  a.request('INFO', {}, (r) => { results.after = r.status; });
  world.runSync();
  t.equal(results.after, 481);
  t.equal(aliceEnd, 'dialog-gone');
  t.same([...leftovers(alice.app), ...leftovers(bob.app)], []);
});
