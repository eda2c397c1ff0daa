/** The executor end to end over an in-memory loopback: full calls, loss and retransmission, failures, call pacing. */
import t from 'tap';
import {
  ACK, INVITE, UAC_ADDR, UAS_ADDR, agentOptions, basicUac, basicUas, newWorld, nop, pause, recvRequest, recvResponse, response, runner, scenario, send,
} from './exec-test-support';

function pair(calls: number, drop?: (text: string) => boolean) {
  const world = newWorld();
  if (drop !== undefined) world.drop = drop;
  const uas = runner(world, agentOptions(world, basicUas(), UAS_ADDR, { callControl: { rate: 10, ratePeriodMs: 1000, maxCalls: calls } }));
  const uac = runner(world, agentOptions(world, basicUac(), UAC_ADDR, { callControl: { rate: 10, ratePeriodMs: 1000, maxCalls: calls } }));
  uas.agent.start();
  uac.agent.start();
  return { world, uas, uac };
}

t.test('a full INVITE/180/200/ACK/pause/BYE/200 call set succeeds on both sides', async (t) => {
  const { world, uas, uac } = pair(20);
  let finished = 0;
  uac.agent.onFinished(() => finished++);
  world.advance(10_000);
  const c = uac.agent.stats;
  t.equal(c.totalCallsCreated, 20);
  t.equal(c.outgoingCalls, 20);
  t.equal(c.successfulCalls, 20);
  t.equal(c.failedCalls, 0);
  t.same(c.steps.map((s) => s.messages), [20, 0, 20, 20, 20, 20, 20, 20]);
  t.equal(c.retransmissions, 0);
  t.equal(c.responseTimes.get('1')?.count, 20);
  t.equal(c.callLength.count, 20);
  t.ok(c.callLength.minMs >= 1000, 'call length covers the pause');
  const s = uas.agent.stats;
  t.equal(s.incomingCalls, 20);
  t.equal(s.successfulCalls, 20);
  t.same(s.steps.map((x) => x.messages), [20, 20, 20, 20, 20, 20, 20]);
  t.equal(uac.agent.liveCalls, 0);
  t.equal(uas.agent.liveCalls, 0);
  t.ok(uac.agent.finished);
  t.equal(finished, 1);
  t.same(uac.errors, []);
  t.same(uas.errors, []);
  t.same(world.timerErrors, []);
  world.advance(60_000);
  t.equal(world.timers.armedCount, 0, 'nothing left armed once ended calls expire');
  const invite = world.wire[0]!.text;
  t.match(invite, /^INVITE sip:service@127\.0\.0\.1:5062 SIP\/2\.0\r\n/);
  t.match(invite, /Call-ID: 1-1@127\.0\.0\.1\r\n/);
  t.match(invite, /branch=z9hG4bK-1-1-0\r\n/);
  const body = invite.slice(invite.indexOf('\r\n\r\n') + 4);
  t.match(invite, new RegExp(`Content-Length: ${Buffer.byteLength(body)}\r\n`));
});

t.test('a lost INVITE is retransmitted after T1 and the call still succeeds', async (t) => {
  let dropped = 0;
  const { world, uac } = pair(1, (text) => text.startsWith('INVITE') && dropped++ === 0);
  world.advance(5000);
  t.equal(uac.agent.stats.successfulCalls, 1);
  t.equal(uac.agent.stats.steps[0]!.retransmissions, 1);
  t.equal(uac.agent.stats.retransmissions, 1);
});

t.test('a lost 200 OK is retransmitted by the uas and a lost ACK is re-sent when the 200 comes again', async (t) => {
  let okDropped = 0;
  let ackDropped = 0;
  const { world, uac, uas } = pair(1, (text) => (text.startsWith('SIP/2.0 200') && text.includes('INVITE') && okDropped++ === 0) || (text.startsWith('ACK') && ackDropped++ === 0));
  world.advance(8000);
  t.equal(uac.agent.stats.successfulCalls, 1);
  t.equal(uas.agent.stats.successfulCalls, 1);
  t.ok(uas.agent.stats.steps[2]!.retransmissions >= 1, '200 retransmitted by timer');
  t.ok(uac.agent.stats.steps[4]!.retransmissions >= 1, 'ACK re-sent for the retransmitted 200');
});

t.test('a lost 200 to BYE is answered again from the ended call when the BYE is retransmitted', async (t) => {
  let dropped = 0;
  const { world, uac, uas } = pair(1, (text) => text.startsWith('SIP/2.0 200') && text.includes('BYE') && dropped++ === 0);
  world.advance(8000);
  t.equal(uac.agent.stats.successfulCalls, 1);
  t.equal(uas.agent.stats.successfulCalls, 1);
  t.equal(uas.agent.stats.outOfCallMessages, 0);
  t.equal(uac.agent.stats.steps[6]!.retransmissions, 1);
});

t.test('retransmissions exhausted fail the call with FailedMaxUDPRetrans and a CANCEL cleans up', async (t) => {
  const world = newWorld();
  const uac = runner(world, agentOptions(world, basicUac(), UAC_ADDR, { callControl: { rate: 1, ratePeriodMs: 1000, maxCalls: 1 } }));
  uac.agent.start();
  world.advance(31_499);
  t.equal(uac.agent.stats.failedCalls, 0, 'still retrying before 64·T1');
  t.equal(uac.agent.stats.steps[0]!.retransmissions, 5);
  world.advance(2);
  t.equal(uac.agent.stats.failures.FailedMaxUDPRetrans, 1);
  t.equal(uac.errors[0]?.reason, 'FailedMaxUDPRetrans');
  t.match(world.wire[world.wire.length - 1]!.text, /^CANCEL sip:service@127\.0\.0\.1:5062 SIP\/2\.0\r\nVia: SIP\/2\.0\/UDP 127\.0\.0\.1:5061;branch=z9hG4bK-1-1-0\r\n/);
  t.ok(uac.agent.finished);
});

t.test('an unexpected message fails only its call, is logged, and the call is ended with BYE', async (t) => {
  const { world, uac, uas } = pair(3);
  world.advance(350); // call 1 is in its pause, calls 2 and 3 are set up or starting
  const callId = '1-1@127.0.0.1';
  const stray = `SIP/2.0 404 Not Found\r\nVia: SIP/2.0/UDP 127.0.0.1:5061;branch=x\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:b@c>;tag=2\r\nCall-ID: ${callId}\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n`;
  uac.agent.receive({ protocol: 'udp', local: UAC_ADDR, source: UAS_ADDR, data: Buffer.from(stray) });
  t.equal(uac.agent.stats.failures.FailedUnexpectedMessage, 1);
  t.equal(uac.errors.length, 1);
  t.equal(uac.errors[0]!.callId, callId);
  t.equal(uac.errors[0]!.message, stray);
  t.equal(uac.agent.stats.steps[5]!.unexpected, 1, 'counted on the pause where it arrived');
  const bye = world.wire[world.wire.length - 1]!.text;
  t.match(bye, /^BYE sip:127\.0\.0\.1:5062;transport=UDP SIP\/2\.0\r\n/);
  t.match(bye, /To: service <sip:service@127\.0\.0\.1:5062>;tag=1SIPpTag011\r\n/);
  world.advance(10_000);
  t.equal(uac.agent.stats.successfulCalls, 2);
  t.equal(uac.agent.stats.failedCalls, 1);
  t.equal(uas.agent.stats.successfulCalls, 3, 'the peer saw a normal BYE');
});

t.test('out-of-call messages are counted; stray BYE gets 200 with the bye behaviour, OPTIONS with auto-answer', async (t) => {
  const world = newWorld();
  const uas = runner(world, agentOptions(world, basicUas(), UAS_ADDR, { behaviors: { bye: true, abortUnexpected: true, autoAnswer: true } }));
  uas.agent.start();
  const request = (method: string): Buffer => Buffer.from(`${method} sip:x@y SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bKa\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:b@c>\r\nCall-ID: ooc-${method}\r\nCSeq: 5 ${method}\r\nContent-Length: 0\r\n\r\n`);
  for (const m of ['BYE', 'OPTIONS', 'MESSAGE']) uas.agent.receive({ protocol: 'udp', local: UAS_ADDR, source: UAC_ADDR, data: request(m) });
  t.equal(uas.agent.stats.outOfCallMessages, 3);
  t.equal(uas.agent.stats.autoAnswered, 1);
  t.equal(uas.agent.stats.totalCallsCreated, 0);
  t.equal(world.wire.length, 2);
  t.match(world.wire[0]!.text, /^SIP\/2\.0 200 OK\r\n[^]*CSeq: 5 BYE\r\n/);
  t.match(world.wire[1]!.text, /^SIP\/2\.0 200 OK\r\n[^]*CSeq: 5 OPTIONS\r\n/);
  t.equal(uas.errors.length, 1);
  t.match(uas.errors[0]!.detail, /out-of-call MESSAGE/);
});

t.test('call pacing: rate spreads calls over the period, limit caps live calls, maxCalls ends the run', async (t) => {
  const world = newWorld();
  const idle = scenario('pacer', 'uac', [pause(10_000)]);
  const uac = runner(world, agentOptions(world, idle, UAC_ADDR, { callControl: { rate: 10, ratePeriodMs: 1000, limit: 15, maxCalls: 25 } }));
  uac.agent.start();
  const created = (): number => uac.agent.stats.totalCallsCreated;
  t.equal(created(), 1, 'the first call starts at once');
  world.advance(99);
  t.equal(created(), 1);
  world.advance(1);
  t.equal(created(), 2, 'the next one a tenth of the period later');
  world.advance(850);
  t.equal(created(), 10, 'ten in the first period');
  world.advance(1000);
  t.equal(created(), 15, 'the limit holds further calls back');
  t.equal(uac.agent.liveCalls, 15);
  world.advance(8050); // t = 10 000: the first calls end, held-back ones start at once
  t.equal(created(), 16);
  world.advance(500);
  t.equal(created(), 21);
  world.advance(30_000);
  t.equal(created(), 25, 'maxCalls');
  t.equal(uac.agent.stats.successfulCalls, 25);
  t.ok(uac.agent.finished);
});

t.test('stop() ends call creation; stop(true) aborts live calls without counting them', async (t) => {
  const world = newWorld();
  const uac = runner(world, agentOptions(world, scenario('idle', 'uac', [pause(10_000)]), UAC_ADDR));
  uac.agent.start();
  world.advance(450);
  uac.agent.stop();
  world.advance(1000);
  t.equal(uac.agent.stats.totalCallsCreated, 5);
  t.notOk(uac.agent.finished);
  uac.agent.stop(true);
  t.ok(uac.agent.finished);
  t.equal(uac.agent.liveCalls, 0);
  t.equal(uac.agent.stats.failedCalls + uac.agent.stats.successfulCalls, 0);
  t.equal(world.timers.armedCount, 0);
});

t.test('a recv timeout jumps to its ontimeout label, or fails the call with FailedTimeoutOnRecv', async (t) => {
  const world = newWorld();
  const withLabel = scenario('caller', 'uac', [
    send(INVITE), recvResponse(200, { timeoutMs: 2000, onTimeout: 'gone' }), send(ACK), nop([], { display: 'gone' }),
  ], { gone: 3 });
  const a = runner(world, agentOptions(world, withLabel, UAC_ADDR, { callControl: { rate: 1, ratePeriodMs: 1000, maxCalls: 1 }, timing: { t1Ms: 500, t2Ms: 4000, maxInviteRetrans: 10, maxNonInviteRetrans: 10, defaultPauseMs: 0 } }));
  a.agent.start();
  world.advance(2001);
  t.equal(a.agent.stats.steps[1]!.timeouts, 1);
  t.equal(a.agent.stats.steps[2]!.messages, 0, 'the ACK was jumped over');
  t.equal(a.agent.stats.successfulCalls, 1);

  const world2 = newWorld();
  const plain = scenario('caller', 'uac', [send(INVITE), recvResponse(200)]);
  const b = runner(world2, agentOptions(world2, plain, UAC_ADDR, { callControl: { rate: 1, ratePeriodMs: 1000, maxCalls: 1 }, timing: { t1Ms: 500, t2Ms: 4000, maxInviteRetrans: 10, maxNonInviteRetrans: 10, defaultPauseMs: 0, recvTimeoutMs: 3000 } }));
  b.agent.start();
  world2.advance(3001);
  t.equal(b.agent.stats.failures.FailedTimeoutOnRecv, 1);
  t.equal(b.agent.stats.steps[1]!.timeouts, 1);
});

t.test('a uas scenario ending in a 486 (busy) and a uac expecting it succeed together', async (t) => {
  const world = newWorld();
  const busy = scenario('busy', 'uas', [recvRequest('INVITE'), send(response('486 Busy Here')), recvRequest('ACK')]);
  const caller = scenario('caller', 'uac', [
    send(INVITE), recvResponse(100, { optional: true }), recvResponse(486),
    send(`ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0\nVia: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch-3]\n[last_From:]\n[last_To:]\nCall-ID: [call_id]\nCSeq: 1 ACK\nContent-Length: 0\n`),
  ]);
  const uas = runner(world, agentOptions(world, busy, UAS_ADDR));
  const uac = runner(world, agentOptions(world, caller, UAC_ADDR, { callControl: { rate: 5, ratePeriodMs: 1000, maxCalls: 5 } }));
  uas.agent.start();
  uac.agent.start();
  world.advance(3000);
  t.equal(uac.agent.stats.successfulCalls, 5);
  t.equal(uas.agent.stats.successfulCalls, 5);
  t.match(world.wire.find((w) => w.text.startsWith('ACK'))!.text, /branch=z9hG4bK-1-1-0\r\n/, '[branch-3] reuses the INVITE branch');
});
