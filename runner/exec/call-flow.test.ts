/** Step semantics against a scripted peer: ereg captures and checks, optional look-back, global optionals, 3PCC commands, asserts, load errors. */
import t from 'tap';
import { ScenarioLoadError, type Action } from '../model/scenario';
import { createAgentRunner } from './agent-runner';
import {
  INVITE, LOCATION, UAC_ADDR, UAS_ADDR, agentOptions, newWorld, nop, pause, recvRequest, recvResponse, response, runner, scenario, send,
} from './exec-test-support';
import { InProcessCommandBus } from './in-process-command-bus';

const ereg = (regexp: string, extra: Partial<Extract<Action, { kind: 'ereg' }>>): Action => ({
  kind: 'ereg', location: LOCATION, regexp, searchIn: 'msg', caseIndep: false, occurrence: 1, startLine: false, checkIt: false, checkItInverse: false, assignTo: [], ...extra,
});

/** Answers the uac's last request from the test: a response with the given status line copied from it. */
function answer(request: string, status: string, extra = ''): Buffer {
  const pick = (name: string): string => request.split('\r\n').filter((l) => l.startsWith(`${name}:`)).join('\r\n');
  const to = pick('To');
  return Buffer.from(`SIP/2.0 ${status}\r\n${pick('Via')}\r\n${pick('From')}\r\n${to.includes('tag=') ? to : `${to};tag=peer`}\r\n${pick('Call-ID')}\r\n${pick('CSeq')}\r\n${extra}Content-Length: 0\r\n\r\n`);
}

t.test('ereg captures into variables that [$var] renders; check_it failure fails the call', async (t) => {
  const world = newWorld();
  const uas = runner(world, agentOptions(world, scenario('callee', 'uas', [
    recvRequest('INVITE', { actions: [ereg('sip:(\\w+)@', { searchIn: 'hdr', header: 'From: ', assignTo: ['whole', 'user'] }), ereg('m=audio (\\d+)', { searchIn: 'body', assignTo: ['', 'port'], checkIt: true })] }),
    send(response('486 Busy Here', true, 'X-User: [$user]\n  X-Port: [$port]\n  X-Whole: [$whole]')),
    recvRequest('ACK'),
  ]), UAS_ADDR));
  uas.agent.start();
  const strict = runner(world, agentOptions(world, scenario('strict', 'uas', [
    recvRequest('INVITE', { actions: [ereg('NoSuchThing', { checkIt: true })] }),
  ]), { host: '127.0.0.1', port: 5063 }));
  strict.agent.start();
  const uac = runner(world, agentOptions(world, scenario('caller', 'uac', [send(INVITE), recvResponse(486)]), UAC_ADDR, { callControl: { rate: 1, ratePeriodMs: 1000, maxCalls: 1 } }));
  uac.agent.start();
  world.advance(10);
  const busy = world.wire.find((w) => w.text.startsWith('SIP/2.0 486'))!.text;
  t.match(busy, /X-User: sipp\r\nX-Port: 6000\r\nX-Whole: sip:sipp@\r\n/);
  const invite = world.wire[0]!.text;
  strict.agent.receive({ protocol: 'udp', local: { host: '127.0.0.1', port: 5063 }, source: UAC_ADDR, data: Buffer.from(invite) });
  t.equal(strict.agent.stats.failures.FailedRegexpDoesntMatch, 1);
  t.match(strict.errors[0]!.detail, /NoSuchThing/);
});

t.test('a late provisional is taken by the optional recv behind a jump (look-back); a global optional matches anywhere', async (t) => {
  const world = newWorld();
  const uac = runner(world, agentOptions(world, scenario('caller', 'uac', [
    send(INVITE),
    recvRequest('INFO', { optional: 'global' }),
    recvResponse(180, { optional: true }),
    recvResponse(183, { optional: true, next: 'answer' }),
    recvResponse(200),
    pause(1000),
  ], { answer: 4 }), UAC_ADDR, { callControl: { rate: 1, ratePeriodMs: 1000, maxCalls: 1 }, timing: { t1Ms: 500, t2Ms: 4000, maxInviteRetrans: 5, maxNonInviteRetrans: 7, defaultPauseMs: 0, noRetrans: true } }));
  uac.agent.start();
  const invite = world.wire[0]!.text;
  const deliver = (data: Buffer): void => uac.agent.receive({ protocol: 'udp', local: UAC_ADDR, source: UAS_ADDR, data });
  deliver(answer(invite, '183 Session Progress'));
  deliver(answer(invite, '180 Ringing'));
  t.equal(uac.agent.stats.steps[2]!.messages, 1, 'late 180 matched behind the current step');
  t.equal(uac.agent.stats.failedCalls, 0);
  deliver(answer(invite, '200 OK'));
  const info = `INFO sip:x SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bKi\r\nFrom: <sip:b@c>;tag=peer\r\nTo: <sip:a@b>;tag=1\r\nCall-ID: 1-1@127.0.0.1\r\nCSeq: 9 INFO\r\nContent-Length: 0\r\n\r\n`;
  deliver(Buffer.from(info));
  t.equal(uac.agent.stats.steps[1]!.messages, 1, 'INFO during the pause matched the global optional');
  deliver(answer(invite, '180 Ringing', 'X-Late: 1\r\n'));
  t.equal(uac.agent.stats.failures.FailedUnexpectedMessage, 1, 'a 180 after the 200 is unexpected (not contiguous)');
});

t.test('3PCC: a command starts a call on the controller side, the answer comes back by Call-ID', async (t) => {
  const world = newWorld();
  const bus = new InProcessCommandBus();
  const a = scenario('a', 'uac', [
    { kind: 'sendCmd', location: LOCATION, message: 'Call-ID: [call_id]\nX-From-A: hello-[call_number]' },
    { kind: 'recvCmd', location: LOCATION, actions: [ereg('X-Back: (\\S+)', { assignTo: ['', 'back'] })] },
    nop([{ kind: 'assert', location: LOCATION, description: 'b echoed', check: { kind: 'variable-equals', variable: 'back', value: 'hello-1' } }]),
  ]);
  const b = scenario('b', 'uac', [
    { kind: 'recvCmd', location: LOCATION, actions: [ereg('X-From-A: (\\S+)', { assignTo: ['', 'v'] })] },
    { kind: 'sendCmd', location: LOCATION, message: 'Call-ID: [call_id]\nX-Back: [$v]' },
  ]);
  const ra = runner(world, agentOptions(world, a, UAC_ADDR, { commandBus: bus, callControl: { rate: 1, ratePeriodMs: 1000, maxCalls: 2 } }));
  const rb = runner(world, agentOptions(world, b, UAS_ADDR, { commandBus: bus }));
  rb.agent.start();
  ra.agent.start();
  world.advance(1500);
  t.equal(ra.agent.stats.successfulCalls, 1, 'first call: echo checked');
  t.equal(ra.agent.stats.failures.FailedAssertion, 1, 'second call: b echoes hello-2, the assert wants hello-1');
  t.equal(rb.agent.stats.successfulCalls, 2);
  t.equal(rb.agent.stats.outgoingCalls, 2);
});

t.test('createAgentRunner refuses unknown keywords and labels with the step location', async (t) => {
  const world = newWorld();
  const bad = scenario('bad', 'uac', [send('INVITE sip:x SIP/2.0\nX: [what]', { location: { file: 'bad.xml', line: 7 } })]);
  const err = t.throws(() => createAgentRunner(agentOptions(world, bad, UAC_ADDR))) as ScenarioLoadError;
  t.equal(err.code, 'unknown-keyword');
  t.equal(err.location.file, 'bad.xml');
  t.equal(err.location.line, 8);
  const badLabel = scenario('bad', 'uac', [pause(1), { ...pause(1), next: 'nowhere', location: { file: 'l.xml', line: 3 } }]);
  const e2 = t.throws(() => createAgentRunner(agentOptions(world, badLabel, UAC_ADDR))) as ScenarioLoadError;
  t.equal(e2.code, 'unknown-label');
  t.match(e2.message, /^l\.xml:3: next: label "nowhere"/);
});
