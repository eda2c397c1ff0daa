/** Top hiding in the simulator (opensips-b2b.md §2.7, §6.1): caller → B2BUA → callee, UAs made of the engine's layers. */
import t from 'tap';
import type { TransportProtocol } from '../../engine/ports/transport';
import type { SipRequest } from '../../engine/sip/message';
import { parseMessage } from '../../engine/sip';
import type { InviteSession } from '../../engine/dialog/invite-session';
import type { IncomingInvite } from '../../engine/dialog/incoming-invite';
import type { RequestResult } from '../../engine/dialog/session-types';
import type { UserAgentDelegate } from '../../engine/dialog/user-agent-core';
import { defaultDelegate } from '../../engine/b2b/b2b-stack';
import type { World } from '../../simulator';
import { addUa, leftovers, newWorld } from '../dialog/sim-ua';
import { SDP_A, SDP_B, addB2b, b2bLeftovers, calleeAt, viaB2b } from './sim-b2b';

type CalleePlan = 'answer' | 'busy' | 'ring' | 'none';

interface Log {
  caller: string[];
  callee: string[];
  calleeInvites: SipRequest[];
  aliceSession?: InviteSession;
  bobSession?: InviteSession;
  bobInvite?: IncomingInvite;
}

function calleeDelegate(world: World, log: Log, plan: CalleePlan, getTimers: () => { schedule(ms: number, f: () => void): unknown }): UserAgentDelegate {
  return {
    onInvite: (invite) => {
      log.calleeInvites.push(invite.request);
      log.bobInvite = invite;
      invite.onCancelled = () => log.callee.push('cancelled');
      if (plan === 'none') return;
      if (plan === 'busy') {
        invite.reject(486);
        return;
      }
      invite.progress(180);
      if (plan === 'ring') return;
      getTimers().schedule(50, () => {
        if (invite.state !== 'proceeding') return;
        const session = invite.accept({ body: SDP_B });
        if (session === undefined) return;
        log.bobSession = session;
        session.handler = {
          onConfirmed: () => log.callee.push('ack'),
          onTerminated: (_s, reason) => log.callee.push(`ended ${reason}`),
          onReinvite: (_s, request, reply) => {
            log.callee.push(`reinvite ${request.body.length > 0 ? 'sdp' : 'empty'} mf=${request.maxForwards ?? 'none'}`);
            reply(200, { body: SDP_B });
          },
        };
      });
    },
  };
  void world;
}

function setup(seed: number, plan: CalleePlan, options: { callerProtocol?: TransportProtocol; logic?: Parameters<typeof addB2b>[1]; delegate?: Parameters<typeof addB2b>[2] } = {}) {
  const world = newWorld(seed);
  const log: Log = { caller: [], callee: [], calleeInvites: [] };
  const b2b = addB2b(world, options.logic ?? {}, options.delegate ?? {});
  const bob = addUa(world, 'bob', '10.0.0.2', calleeDelegate(world, log, plan, () => bob.app.ctx.timers));
  const protocol = options.callerProtocol ?? 'udp';
  const alice = addUa(world, 'alice', '10.0.0.1', {}, protocol);
  const outgoing = alice.app.stack.core.invite({ to: calleeAt('10.0.0.2'), destination: viaB2b(protocol), body: SDP_A }, {
    onProgress: (response) => log.caller.push(`${response.status}`),
    onAccepted: (session, response) => {
      log.caller.push(`${response.status}${response.body.length > 0 ? ' sdp' : ''}`);
      log.aliceSession = session;
      session.handler = {
        onTerminated: (_s, reason) => log.caller.push(`ended ${reason}`),
        onReinvite: (_s, request, reply) => {
          log.caller.push(`reinvite ${request.body.length > 0 ? 'sdp' : 'empty'}`);
          reply(200, { body: SDP_A });
        },
      };
    },
    onFailed: (status) => log.caller.push(`failed ${status}`),
  });
  const nothingLeft = () => [...leftovers(alice.app), ...leftovers(bob.app), ...b2bLeftovers(b2b.app)];
  return { world, log, b2b, alice, bob, outgoing, nothingLeft };
}

function connected(s: ReturnType<typeof setup>): void {
  s.world.runSync({ until: () => s.log.aliceSession !== undefined && s.log.callee.includes('ack') });
}

t.test('basic call, callee hangs up: 180, 200 with SDP, ACK end to end, BYE relayed, nothing left', async (t) => {
  const s = setup(1, 'answer');
  connected(s);
  t.same(s.log.caller, ['180', '200 sdp']);
  t.equal(s.b2b.app.stack.logic.list()[0]?.state, 4, 'session bridged');
  s.log.bobSession!.bye();
  s.world.runSync();
  t.same(s.log.caller, ['180', '200 sdp', 'ended bye-received']);
  t.same(s.log.callee, ['ack', 'ended bye-sent']);
  t.same(s.nothingLeft(), []);
  t.match(s.b2b.app.ended, [/^\d+\.1 /]);
});

t.test('basic call, caller hangs up', async (t) => {
  const s = setup(2, 'answer');
  connected(s);
  s.log.aliceSession!.bye();
  s.world.runSync();
  t.same(s.log.caller.slice(-1), ['ended bye-sent']);
  t.same(s.log.callee, ['ack', 'ended bye-received']);
  t.same(s.nothingLeft(), []);
});

t.test('the callee sees nothing of the caller side: Via, Record-Route, Call-ID, tags, Contact', async (t) => {
  const s = setup(3, 'answer');
  connected(s);
  const callerInvite = s.outgoing.request;
  const calleeInvite = s.log.calleeInvites[0]!;
  t.not(calleeInvite.callId, callerInvite.callId);
  t.not(calleeInvite.fromTag, callerInvite.fromTag);
  t.equal(calleeInvite.vias.length, 1, 'only the B2BUA Via');
  t.equal(calleeInvite.topVia.host, '10.0.0.9');
  t.not(calleeInvite.topVia.branch, callerInvite.topVia.branch);
  t.equal(calleeInvite.recordRoutes.length, 0);
  const contact = calleeInvite.contact;
  t.ok(contact !== undefined && !contact.star && 'host' in contact.contacts[0]!.uri && contact.contacts[0]!.uri.host === '10.0.0.9', 'Contact is the B2BUA');
  // §1.7: the From URI is copied on purpose; no other header may carry the caller's address.
  const leaked = calleeInvite.headers.filter((h) => h.key !== 'from' && h.value.includes('10.0.0.1'));
  t.same(leaked, [], 'the caller address appears in no callee INVITE header but From');
  t.not(calleeInvite.header('call-id'), callerInvite.callId);
  t.equal(calleeInvite.cseq.seq, callerInvite.cseq.seq, 'CSeq copied');
  t.equal(calleeInvite.maxForwards, 69);
  t.equal(new TextDecoder().decode(calleeInvite.body), new TextDecoder().decode(SDP_A.body), 'same body');
  // And the other way: the caller's dialog names only the B2BUA (remote target and tags of its own).
  const aliceDialog = s.log.aliceSession!.dialog;
  t.ok('host' in aliceDialog.remoteTarget && aliceDialog.remoteTarget.host === '10.0.0.9', 'the caller talks to the B2BUA Contact');
  t.not(aliceDialog.id.remoteTag, s.log.bobSession!.dialog.id.localTag, "the callee's tag does not reach the caller");
  s.log.aliceSession!.bye();
  s.world.runSync();
  t.same(s.nothingLeft(), []);
});

t.test('caller CANCELs while ringing: the callee is CANCELled and 487 reaches the caller', async (t) => {
  const s = setup(4, 'ring');
  s.world.runSync({ until: () => s.log.caller.includes('180') });
  s.outgoing.cancel();
  s.world.runSync();
  t.same(s.log.caller, ['180', 'failed 487']);
  t.same(s.log.callee, ['cancelled']);
  t.same(s.nothingLeft(), []);
});

t.test('callee busy: 486 reaches the caller', async (t) => {
  const s = setup(5, 'busy');
  s.world.runSync();
  t.same(s.log.caller, ['failed 486']);
  t.same(s.nothingLeft(), []);
});

t.test('re-INVITE from each side is relayed with its SDP and answered end to end', async (t) => {
  const s = setup(6, 'answer');
  connected(s);
  const results: number[] = [];
  s.log.aliceSession!.reinvite({ body: SDP_A }, (r: RequestResult) => results.push(r.status));
  s.world.runSync({ until: () => results.length === 1 });
  s.log.bobSession!.reinvite({ body: SDP_B }, (r: RequestResult) => results.push(r.status));
  s.world.runSync({ until: () => results.length === 2 });
  t.same(results, [200, 200]);
  // §1.7: the relayed re-INVITE carries the caller's Max-Forwards (70) minus one, once.
  t.ok(s.log.callee.includes('reinvite sdp mf=69'), s.log.callee.join(' | '));
  t.ok(s.log.caller.includes('reinvite sdp'));
  s.log.aliceSession!.bye();
  s.world.runSync();
  t.same(s.nothingLeft(), []);
});

t.test('a re-INVITE rejected 488 is relayed back and the call survives', async (t) => {
  const s = setup(7, 'answer');
  connected(s);
  s.log.bobSession!.handler = { ...s.log.bobSession!.handler, onReinvite: (_s, _r, reply) => reply(488) };
  const results: number[] = [];
  s.log.aliceSession!.reinvite({ body: SDP_A }, (r: RequestResult) => results.push(r.status));
  s.world.runSync({ until: () => results.length === 1 });
  t.same(results, [488]);
  t.equal(s.b2b.app.stack.logic.counts.sessions, 1, 'session still there');
  const info: number[] = [];
  s.log.aliceSession!.request('INFO', {}, (r) => info.push(r.status));
  s.world.runSync({ until: () => info.length === 1 });
  t.same(info, [200], 'the dialog still works end to end');
  s.log.bobSession!.bye();
  s.world.runSync();
  t.same(s.nothingLeft(), []);
});

t.test('callee never answers: 408 after the setup timeout, CANCEL to the callee', async (t) => {
  const s = setup(8, 'ring', {
    logic: { cleanupPeriodS: 1 },
    delegate: {
      delegate: (stack) => ({
        onInitialRequest: (request, tx) => {
          if (request.method !== 'INVITE') return defaultDelegate(stack).onInitialRequest(request, tx);
          stack.logic.initRequest(tx, { scenario: 'top hiding', flags: { setupTimeoutS: 2 }, targets: [{ uri: request.uri }], request }, tx.context);
        },
      }),
    },
  });
  s.world.runSync();
  t.same(s.log.caller, ['180', 'failed 408']);
  t.same(s.log.callee, ['cancelled']);
  t.ok(s.world.nowMs >= 2000 && s.world.nowMs < 40_000, `ended after the 2 s set-up timeout (${s.world.nowMs} ms)`);
  t.same(s.nothingLeft(), []);
});

t.test('TCP on the caller side, UDP on the callee side', async (t) => {
  const s = setup(9, 'answer', { callerProtocol: 'tcp' });
  connected(s);
  t.same(s.log.caller, ['180', '200 sdp']);
  const toBob = s.world.trace.entries().filter((e) => e.kind === 'deliver' && e.summary.startsWith('INVITE '));
  t.ok(toBob.length >= 2);
  t.equal(s.log.calleeInvites[0]!.topVia.transport, 'UDP', 'callee leg over UDP');
  s.log.bobSession!.bye();
  s.world.runSync();
  t.same(s.log.caller.slice(-1), ['ended bye-received']);
  t.same(s.nothingLeft(), []);
});

t.test('parallel forking to two callees: first 2xx wins, the other is CANCELled', async (t) => {
  const world = newWorld(10);
  const log: Log = { caller: [], callee: [], calleeInvites: [] };
  const log2: Log = { caller: [], callee: [], calleeInvites: [] };
  const b2b = addB2b(world, {}, {
    delegate: (stack) => ({
      onInitialRequest: (request, tx) => {
        if (request.method !== 'INVITE') return defaultDelegate(stack).onInitialRequest(request, tx);
        const second = parseMessage(new TextEncoder().encode('OPTIONS sip:carol@10.0.0.3:5060 SIP/2.0\r\nVia: SIP/2.0/UDP x;branch=z9hG4bKq\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\nCall-ID: q\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n'));
        const carol = second.ok && second.message.kind === 'request' ? second.message.uri : request.uri;
        stack.logic.initRequest(tx, { scenario: 'top hiding', flags: {}, targets: [{ uri: request.uri }, { uri: carol }], request }, tx.context);
      },
    }),
  });
  const bob = addUa(world, 'bob', '10.0.0.2', calleeDelegate(world, log, 'answer', () => bob.app.ctx.timers));
  const carol = addUa(world, 'carol', '10.0.0.3', calleeDelegate(world, log2, 'ring', () => carol.app.ctx.timers));
  const alice = addUa(world, 'alice', '10.0.0.1');
  let session: InviteSession | undefined;
  alice.app.stack.core.invite({ to: calleeAt('10.0.0.2'), destination: viaB2b(), body: SDP_A }, {
    onAccepted: (s) => { session = s; },
    onFailed: (status) => log.caller.push(`failed ${status}`),
  });
  world.runSync({ until: () => session !== undefined && log.callee.includes('ack') });
  t.ok(session, 'the caller is connected');
  world.runSync({ untilMs: world.nowMs + 2000 });
  t.same(log2.callee, ['cancelled'], 'the losing fork was CANCELled');
  t.equal(log2.calleeInvites.length, 1);
  session!.bye();
  world.runSync();
  t.same([...leftovers(alice.app), ...leftovers(bob.app), ...leftovers(carol.app), ...b2bLeftovers(b2b.app)], []);
});
