import t from 'tap';
import { ScenarioLoadError } from '../model/scenario';
import { loadYamlScenario } from './yaml-loader';

const FILE = 'flows/case.yaml';

/**
 * A two-agent file whose agent `a` steps start on line 7 (agent `b` answers). `steps` is indented
 * under `steps:` by the caller, six spaces.
 */
const doc = (steps: string, agentExtra = ''): string => `name: t
agents:
  a:
    role: uac
    target: b
${agentExtra}    steps:
${steps}
  b:
    role: uas
    steps:
      - recv: INVITE
`;

const SEND = `      - send: |
          OPTIONS sip:[service]@[remote_ip] SIP/2.0
          Call-ID: [call_id]
          Content-Length: 0`;

function loadError(text: string): ScenarioLoadError | undefined {
  try {
    loadYamlScenario(text, FILE);
  } catch (error) {
    if (error instanceof ScenarioLoadError) return error;
    throw error;
  }
  return undefined;
}

type Case = readonly [name: string, text: string, code: ScenarioLoadError['code'], line: number, field: string | undefined, detail: RegExp];

const cases: readonly Case[] = [
  ['bad YAML', 'name: t\nagents: [1, 2\nfoo: bar\n', 'syntax', 3, undefined, /YAML syntax/],
  ['a duplicate key', 'name: t\nname: u\nagents: {}\n', 'syntax', 2, undefined, /unique/],
  ['an unknown top-level key', 'name: t\nagentz: {}\n', 'unknown-attribute', 2, 'agentz', /unknown attribute "agentz"/],
  ['no agents', 'name: t\n', 'missing-field', 1, 'agents', /needs "agents"/],
  ['an empty file', '', 'missing-field', 1, 'agents', /empty/],
  ['an empty agent list', 'name: t\nagents: {}\n', 'missing-field', 2, 'agents', /at least one agent/],
  ['a bad agent name', 'agents:\n  "a b":\n    role: uac\n', 'bad-value', 2, 'agents.a b', /agent names/],
  ['an unknown agent key', doc(SEND, '    rol: uas\n'), 'unknown-attribute', 6, 'agents.a.rol', /unknown attribute "rol" in agent "a"/],
  ['a missing role', 'agents:\n  a:\n    steps:\n      - recv: INVITE\n', 'missing-field', 2, 'agents.a.role', /needs "role"/],
  ['a bad role', doc(SEND).replace('role: uac', 'role: proxy'), 'bad-value', 4, 'agents.a.role', /uac .* or uas/],
  ['a target that is no agent', doc(SEND).replace('target: b', 'target: nobody'), 'bad-value', 5, 'agents.a.target', /"nobody"/],
  ['a target that is the agent itself', doc(SEND).replace('target: b', 'target: a'), 'bad-value', 5, 'agents.a.target', /another agent/],
  ['a bad transport', doc(SEND, '    transport: sctp\n'), 'bad-value', 6, 'agents.a.transport', /udp or tcp/],
  ['no steps', 'agents:\n  a:\n    role: uac\n', 'missing-field', 2, 'agents.a.steps', /needs "steps"/],
  ['an empty step list', 'agents:\n  a:\n    role: uac\n    steps: []\n', 'missing-field', 4, 'agents.a.steps', /at least one step/],
  ['steps that are not a list', 'agents:\n  a:\n    role: uac\n    steps: 3\n', 'bad-value', 4, 'agents.a.steps', /must be a list/],
  ['an unknown step', doc('      - sned: hello'), 'unknown-step', 7, 'agents.a.steps[0].sned', /unknown step "sned"/],
  ['a bare word as a step', doc(`${SEND}\n      - hangup`), 'unknown-step', 11, 'agents.a.steps[1]', /unknown step "hangup"/],
  ['a step kind without a value shape', doc('      - pause'), 'bad-value', 7, 'agents.a.steps[0]', /write "pause: <value>"/],
  ['two kinds in one step', doc('      - recv: 200\n        send: x'), 'bad-value', 8, 'agents.a.steps[0].send', /exactly one kind/],
  ['an attribute of another step kind', doc(`${SEND}\n        optional: true`), 'unknown-attribute', 11, 'agents.a.steps[0].optional', /"optional" in a send step/],
  ['a send without a message', doc('      - send:\n        retrans: 500'), 'missing-field', 7, 'agents.a.steps[0].send', /needs a message text/],
  ['a send with an empty message', doc('      - send: ""'), 'missing-field', 7, 'agents.a.steps[0].send', /needs a message text/],
  ['a send with a number', doc('      - send: 200'), 'bad-value', 7, 'agents.a.steps[0].send', /must be text/],
  ['a send to an unknown agent', doc(`${SEND}\n        to: c`), 'bad-value', 11, 'agents.a.steps[0].to', /"c" is not another agent/],
  ['a zero retrans', doc(`${SEND}\n        retrans: 0`), 'bad-value', 11, 'agents.a.steps[0].retrans', /"retrans" must be a number/],
  ['a lost percentage above 100', doc(`${SEND}\n        lost: 150`), 'bad-value', 11, 'agents.a.steps[0].lost', /0\.\.100/],
  ['an unknown keyword, on its own line', doc(`${SEND}\n          X-Foo: [nonsense]`), 'unknown-keyword', 11, 'agents.a.steps[0].send', /unknown keyword \[nonsense\]/],
  ['an unknown keyword in a later message line', doc(SEND.replace('Call-ID: [call_id]', 'Call-ID: [callid]')), 'unknown-keyword', 9, 'agents.a.steps[0].send', /\[callid\]/],
  ['an agent keyword naming no agent', doc(SEND.replace('[remote_ip]', '[agent_ip:zed]')), 'bad-value', 8, 'agents.a.steps[0].send', /agent_ip:zed/],
  ['a keyword this runner refuses', doc(`${SEND}\n          X-Map: [tdmmap]`), 'unsupported', 11, 'agents.a.steps[0].send', /tdmmap/],
  ['a recv without a value', doc('      - recv:'), 'missing-field', 7, 'agents.a.steps[0].recv', /response code or a request method/],
  ['a response code below 100', doc('      - recv: 99'), 'bad-value', 7, 'agents.a.steps[0].recv', /100\.\.699/],
  ['a response code above 699', doc('      - recv: 700'), 'bad-value', 7, 'agents.a.steps[0].recv', /100\.\.699/],
  ['a recv that is neither code nor method', doc('      - recv: "2x0 ok"'), 'bad-value', 7, 'agents.a.steps[0].recv', /regexp_match/],
  ['a bad request regexp', doc('      - recv: "INV("\n        regexp_match: true'), 'bad-value', 7, 'agents.a.steps[0].recv', /not a valid regular expression/],
  ['a recv mapping with both forms', doc('      - recv: { response: "2..", request: "BYE" }'), 'missing-field', 7, 'agents.a.steps[0].recv', /exactly one/],
  ['a bad optional', doc('      - recv: 180\n        optional: maybe'), 'bad-value', 8, 'agents.a.steps[0].optional', /true, false or global/],
  ['a negative timeout', doc('      - recv: 180\n        timeout: -1'), 'bad-value', 8, 'agents.a.steps[0].timeout', /number in 0 \(exclusive\)/],
  ['a next to no label', doc(`${SEND}\n        next: end`), 'unknown-label', 11, 'agents.a.steps[0].next', /no label "end"/],
  ['an ontimeout to no label', doc('      - label: start\n      - recv: 200\n        timeout: 500\n        ontimeout: retry'), 'unknown-label', 10, 'agents.a.steps[1].ontimeout', /no label "retry" .*start/],
  ['a label defined twice', doc(`      - label: x\n${SEND}\n      - label: x`), 'bad-value', 12, 'agents.a.steps[2].label', /defined twice/],
  ['a label with attributes', doc('      - label: x\n        next: x'), 'unknown-attribute', 8, 'agents.a.steps[0].next', /in a label/],
  ['a chance above 1', doc(`${SEND}\n        next: a\n      - label: a`.replace('next: a', 'next: a\n        chance: 1.5')), 'bad-value', 12, 'agents.a.steps[0].chance', /0\.\.1/],
  ['a chance without next', doc(`${SEND}\n        chance: 0.5`), 'missing-field', 11, 'agents.a.steps[0].next', /only makes sense with "next"/],
  ['a test without next', doc(`${SEND}\n        test: flag`), 'missing-field', 11, 'agents.a.steps[0].next', /only makes sense with "next"/],
  ['condexec_inverse without condexec', doc(`${SEND}\n        condexec_inverse: true`), 'missing-field', 11, 'agents.a.steps[0].condexec', /needs "condexec"/],
  ['a negative pause', doc('      - pause: -5'), 'bad-value', 7, 'agents.a.steps[0].pause', /number in 0\.\.∞, not -5/],
  ['a pause of text', doc('      - pause: soon'), 'bad-value', 7, 'agents.a.steps[0].pause', /"default" or a mapping/],
  ['a pause without a length', doc('      - pause:'), 'missing-field', 7, 'agents.a.steps[0].pause', /needs a length/],
  ['an unknown distribution', doc('      - pause: { distribution: zipf, n: 3 }'), 'bad-value', 7, 'agents.a.steps[0].pause.distribution', /unknown distribution "zipf"/],
  ['a uniform pause with max below min', doc('      - pause:\n          distribution: uniform\n          min: 900\n          max: 100'), 'bad-value', 10, 'agents.a.steps[0].pause.max', /must not be below "min"/],
  ['a distribution parameter of another distribution', doc('      - pause: { distribution: normal, mean: 10, stdev: 1, max: 3 }'), 'unknown-attribute', 7, 'agents.a.steps[0].pause.max', /a normal distribution/],
  ['a missing distribution parameter', doc('      - pause: { distribution: exponential }'), 'missing-field', 7, 'agents.a.steps[0].pause.mean', /needs "mean"/],
  ['a negbin p above 1', doc('      - pause: { distribution: negbin, n: 3, p: 1.5 }'), 'bad-value', 7, 'agents.a.steps[0].pause.p', /"p"/],
  ['an unknown action', doc('      - nop:\n          - frob: 1'), 'unknown-step', 8, 'agents.a.steps[0].nop[0].frob', /unknown action "frob"/],
  ['an action with two keys', doc('      - nop:\n          - log: a\n            warning: b'), 'bad-value', 8, 'agents.a.steps[0].nop[0]', /exactly one key/],
  ['an ereg without a regexp', doc('      - recv: 200\n        ereg: { search_in: msg, assign_to: x }'), 'missing-field', 8, 'agents.a.steps[0].ereg.regexp', /needs "regexp"/],
  ['an ereg with a bad regexp', doc('      - recv: 200\n        ereg:\n          regexp: "(["\n          assign_to: x'), 'bad-value', 9, 'agents.a.steps[0].ereg.regexp', /not a valid regular expression/],
  ['an ereg with a bad search_in', doc('      - recv: 200\n        ereg:\n          regexp: "a"\n          search_in: headers\n          assign_to: x'), 'bad-value', 10, 'agents.a.steps[0].ereg.search_in', /msg, hdr, body, var/],
  ['an ereg on a header without naming it', doc('      - recv: 200\n        ereg: { regexp: "a", search_in: hdr, assign_to: x }'), 'missing-field', 8, 'agents.a.steps[0].ereg.header', /needs "header"/],
  ['an ereg that stores nothing', doc('      - recv: 200\n        ereg: { regexp: "a" }'), 'missing-field', 8, 'agents.a.steps[0].ereg.assign_to', /needs "assign_to"/],
  ['an ereg with an unknown key', doc('      - recv: 200\n        ereg: { regexp: "a", assign_to: x, flags: i }'), 'unknown-attribute', 8, 'agents.a.steps[0].ereg.flags', /unknown attribute "flags" in ereg/],
  ['an unknown assert', doc('      - recv: 200\n        assert:\n          - header-countz: { header: Via, count: 1 }'), 'unknown-attribute', 9, 'agents.a.steps[0].assert[0].header-countz', /unknown assert/],
  ['an assert with a negative count', doc('      - recv: 200\n        assert: { header-count: { header: Via, count: -1 } }'), 'bad-value', 8, 'agents.a.steps[0].assert.header-count.count', /integer/],
  ['an assert with a bad regexp', doc('      - recv: 200\n        assert: { body-matches: "a(" }'), 'bad-value', 8, 'agents.a.steps[0].assert.body-matches', /not a valid regular expression/],
  ['an assert body-present that is not boolean', doc('      - recv: 200\n        assert: { body-present: yes please }'), 'bad-value', 8, 'agents.a.steps[0].assert.body-present', /true or false/],
  ['a test action with a bad comparison', doc('      - nop:\n          - test: { assign_to: r, variable: x, compare: about, value: 1 }'), 'bad-value', 8, 'agents.a.steps[0].nop[0].test.compare', /equal, not_equal/],
  ['an add with value and variable', doc('      - nop:\n          - add: { assign_to: r, value: 1, variable: y }'), 'bad-value', 8, 'agents.a.steps[0].nop[0].add', /exactly one of "value" and "variable"/],
  ['a divide by zero', doc('      - nop:\n          - divide: { assign_to: r, value: 0 }'), 'bad-value', 8, 'agents.a.steps[0].nop[0].divide.value', /divide by 0/],
  ['an exec with a bad int_cmd', doc('      - nop:\n          - exec: { int_cmd: reboot }'), 'bad-value', 8, 'agents.a.steps[0].nop[0].exec.int_cmd', /stop_call/],
  ['an exec of a shell command', doc('      - nop:\n          - exec: { command: "rm -rf /" }'), 'unsupported', 8, 'agents.a.steps[0].nop[0].exec.command', /not supported/],
  ['a timewait that jumps', doc('      - timewait: 4000\n        next: x\n      - label: x'), 'unknown-attribute', 8, 'agents.a.steps[0].next', /in a timewait step/],
  ['an unknown keyword in a log action', doc('      - nop:\n          - log: "call [call_idx]"'), 'unknown-keyword', 8, 'agents.a.steps[0].nop[0].log', /\[call_idx\]/],
  ['a sendCmd to an unknown agent', doc('      - sendCmd: "Call-ID: [call_id]"\n        dest: c'), 'bad-value', 8, 'agents.a.steps[0].dest', /"c" is not another agent/],
  ['a recvCmd from an unknown agent', doc('      - recvCmd: c'), 'bad-value', 7, 'agents.a.steps[0].recvCmd', /"c" is not another agent/],
  ['vars with a list value', doc(SEND, '    vars:\n      x: [1, 2]\n'), 'bad-value', 7, 'agents.a.vars.x', /text or a number/],
  ['a repartition that does not ascend', doc(SEND, '    response_time_repartition: [10, 5]\n'), 'bad-value', 6, 'agents.a.response_time_repartition', /ascend/],
  ['a repartition with text in it', doc(SEND, '    call_length_repartition: "10, soon"\n'), 'bad-value', 6, 'agents.a.call_length_repartition', /must be a number/],
];

t.test('every malformed scenario fails at load with file, line, field and the problem', async (t) => {
  for (const [name, text, code, line, field, detail] of cases) {
    const err = loadError(text);
    t.ok(err, `${name}: refused`);
    if (err === undefined) continue;
    t.equal(err.code, code, `${name}: code (${err.message})`);
    t.equal(err.location.file, FILE, `${name}: file`);
    t.equal(err.location.line, line, `${name}: line (${err.message})`);
    t.equal(err.field, field, `${name}: field`);
    t.match(err.detail, detail, `${name}: detail`);
    t.equal(err.message.startsWith(`${FILE}:${line}: ${field === undefined ? '' : `${field}: `}`), true, `${name}: message starts with file:line: field`);
  }
});

t.test('the base document of the table loads, so each case fails for its own reason', async (t) => {
  const file = loadYamlScenario(doc(SEND), FILE);
  t.same(file.agents.map((a) => a.name), ['a', 'b']);
});
