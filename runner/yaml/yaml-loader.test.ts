import t from 'tap';
import type { Action, AgentScenario, Duration, Step } from '../model/scenario';
import { loadYamlScenario } from './yaml-loader';

const FILE = 'dir/every-feature.yaml';

// Line numbers matter: the expected model below names them.
const TEXT = `name: every feature
description: one of each step, attribute and action
agents:
  caller:
    role: uac
    target: callee
    transport: tcp
    vars: { user: alice, count: 3 }
    global_variables: [total]
    user_variables: "u1, u2"
    reference_variables: [unused]
    response_time_repartition: "10, 20, 50"
    call_length_repartition: [100, 1000]
    steps:
      - send: |
          INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
          Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
          X-Peer: [agent:callee] [agent_ip:callee] [agent_port:callee] [$user] [cseq+1] [last_Via:] [field0 file="x.csv" line=2]
          Content-Length: [len]
        retrans: 500
        lost: 10
        start_txn: invite
        start_rtd: [setup, total]
        counter: invites
        display: the INVITE
        crlf: true
      - recv: 180
        optional: true
        timeout: 2000
        ontimeout: give_up
        response_txn: invite
      - recv: { response: "2[0-9][0-9]" }
        rrs: true
        auth: true
        ignoresdp: true
        rtd: setup
        repeat_rtd: true
        ereg:
          regexp: "tag=([a-z0-9]+)"
          search_in: hdr
          header: "To:"
          case_indep: true
          occurrence: 2
          start_line: false
          check_it: true
          assign_to: ",peer_tag"
        actions:
          - log: "got [$peer_tag]"
        assert:
          - header-count: { header: Via, count: 1 }
          - header-absent: Record-Route
            description: no proxies
      - send: "ACK sip:x SIP/2.0"
        ack_txn: invite
        to: callee
        hide: true
      - pause: 1000
      - pause: default
      - pause: { variable: think }
      - pause: { milliseconds: 250 }
        sanity_check: false
      - pause: { distribution: uniform, min: 500, max: 1500 }
      - pause: { distribution: normal, mean: 100, stdev: 10 }
      - pause: { distribution: lognormal, mean: -1.5, stdev: 0.5 }
      - pause: { distribution: exponential, mean: 300 }
      - pause: { distribution: weibull, lambda: 2, k: 1.5 }
      - pause: { distribution: pareto, k: 3, x_m: 2 }
      - pause: { distribution: gamma, k: 2, theta: 50 }
      - pause: { distribution: negbin, n: 5, p: 0.25 }
      - label: again
      - nop:
          - assign: { assign_to: n, value: 1 }
          - assignstr: { assign_to: s, value: "[call_id]" }
          - sample: { assign_to: d, distribution: normal, mean: 5, stdev: 1 }
          - todouble: { assign_to: dn, variable: s }
          - add: { assign_to: n, value: 2 }
          - subtract: { assign_to: n, variable: d }
          - multiply: { assign_to: n, value: 3 }
          - divide: { assign_to: n, value: 4 }
          - strcmp: { assign_to: c, variable: s, value: abc }
          - test: { assign_to: big, variable: n, compare: greater_than, value: 10 }
          - jump: 3
          - jump: { variable: target }
          - gettimeofday: { assign_to: "sec, usec" }
          - urlencode: { assign_to: s }
          - urldecode: { assign_to: s }
          - setdest: { host: "[$host]", port: 5070, protocol: udp }
          - exec: { int_cmd: stop_gracefully }
          - warning: careful
          - error: bad
          - assert: { variable-equals: { variable: s, value: abc } }
        condexec: big
        condexec_inverse: true
        next: again
        test: big
        chance: 0.5
      - timewait: 4000
      - label: give_up
  callee:
    role: uas
    steps:
      - recv: INVITE
        regexp_match: false
      - recv: "INFO|UPDATE"
        regexp_match: true
      - recv: { request: "^(BYE|CANCEL)$" }
      - sendCmd: "Call-ID: [call_id]"
        dest: caller
      - recvCmd: caller
        timeout: 100
        ontimeout: done
        ereg: { regexp: "ok", check_it: true }
      - recvCmd:
      - label: done
`;

const at = (line: number) => ({ file: FILE, line });
const pause = (line: number, duration: Duration, extra: Partial<Step> = {}): Step => ({ location: at(line), kind: 'pause', duration, ...extra } as Step);

const nopActions: Action[] = [
  { kind: 'assign', location: at(72), assignTo: 'n', value: 1 },
  { kind: 'assignstr', location: at(73), assignTo: 's', value: '[call_id]' },
  { kind: 'sample', location: at(74), assignTo: 'd', distribution: { kind: 'normal', meanMs: 5, stdevMs: 1 } },
  { kind: 'todouble', location: at(75), assignTo: 'dn', variable: 's' },
  { kind: 'add', location: at(76), assignTo: 'n', value: 2 },
  { kind: 'subtract', location: at(77), assignTo: 'n', variable: 'd' },
  { kind: 'multiply', location: at(78), assignTo: 'n', value: 3 },
  { kind: 'divide', location: at(79), assignTo: 'n', value: 4 },
  { kind: 'strcmp', location: at(80), assignTo: 'c', variable: 's', value: 'abc' },
  { kind: 'test', location: at(81), assignTo: 'big', variable: 'n', compare: 'greater_than', value: 10 },
  { kind: 'jump', location: at(82), value: 3 },
  { kind: 'jump', location: at(83), variable: 'target' },
  { kind: 'gettimeofday', location: at(84), assignTo: ['sec', 'usec'] },
  { kind: 'urlencode', location: at(85), assignTo: 's' },
  { kind: 'urldecode', location: at(86), assignTo: 's' },
  { kind: 'setdest', location: at(87), host: '[$host]', port: '5070', protocol: 'udp' },
  { kind: 'exec', location: at(88), intCmd: 'stop_gracefully' },
  { kind: 'warning', location: at(89), message: 'careful' },
  { kind: 'error', location: at(90), message: 'bad' },
  { kind: 'assert', location: at(91), description: '$s equals "abc"', check: { kind: 'variable-equals', variable: 's', value: 'abc' } },
];

const callerSteps: Step[] = [
  {
    location: at(15), kind: 'send',
    message: 'INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0\nVia: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]\n'
      + 'X-Peer: [agent:callee] [agent_ip:callee] [agent_port:callee] [$user] [cseq+1] [last_Via:] [field0 file="x.csv" line=2]\nContent-Length: [len]\n',
    retransMs: 500, lostPercent: 10, startTxn: 'invite', startRtd: ['setup', 'total'], counter: 'invites', display: 'the INVITE', crlf: true,
  },
  { location: at(27), kind: 'recv', match: { kind: 'response', code: 180 }, optional: true, timeoutMs: 2000, onTimeout: 'give_up', responseTxn: 'invite', actions: [] },
  {
    location: at(32), kind: 'recv', match: { kind: 'response', code: /2[0-9][0-9]/ }, optional: false,
    rrs: true, auth: true, ignoreSdp: true, rtd: ['setup'], repeatRtd: true,
    actions: [
      {
        kind: 'ereg', location: at(39), regexp: 'tag=([a-z0-9]+)', searchIn: 'hdr', header: 'To:', caseIndep: true, occurrence: 2,
        startLine: false, checkIt: true, checkItInverse: false, assignTo: ['', 'peer_tag'],
      },
      { kind: 'log', location: at(48), message: 'got [$peer_tag]' },
      { kind: 'assert', location: at(50), description: 'Via appears 1 time(s)', check: { kind: 'header-count', header: 'Via', count: 1 } },
      { kind: 'assert', location: at(51), description: 'no proxies', check: { kind: 'header-absent', header: 'Record-Route' } },
    ],
  },
  { location: at(53), kind: 'send', message: 'ACK sip:x SIP/2.0', ackTxn: 'invite', to: 'callee', hide: true },
  pause(57, { kind: 'fixed', ms: 1000 }),
  pause(58, { kind: 'default' }),
  pause(59, { kind: 'variable', name: 'think' }),
  pause(60, { kind: 'fixed', ms: 250 }, { sanityCheck: false }),
  pause(62, { kind: 'uniform', minMs: 500, maxMs: 1500 }),
  pause(63, { kind: 'normal', meanMs: 100, stdevMs: 10 }),
  pause(64, { kind: 'lognormal', mean: -1.5, stdev: 0.5 }),
  pause(65, { kind: 'exponential', meanMs: 300 }),
  pause(66, { kind: 'weibull', lambda: 2, k: 1.5 }),
  pause(67, { kind: 'pareto', k: 3, xm: 2 }),
  pause(68, { kind: 'gamma', k: 2, theta: 50 }),
  pause(69, { kind: 'negbin', n: 5, p: 0.25 }),
  { location: at(71), kind: 'nop', actions: nopActions, condexec: 'big', condexecInverse: true, next: 'again', test: 'big', chance: 0.5 },
  pause(97, { kind: 'fixed', ms: 4000 }, { sanityCheck: false }),
];

const calleeSteps: Step[] = [
  { location: at(102), kind: 'recv', match: { kind: 'request', method: 'INVITE' }, optional: false, actions: [] },
  { location: at(104), kind: 'recv', match: { kind: 'request', method: /INFO|UPDATE/ }, optional: false, actions: [] },
  { location: at(106), kind: 'recv', match: { kind: 'request', method: /^(BYE|CANCEL)$/ }, optional: false, actions: [] },
  { location: at(107), kind: 'sendCmd', message: 'Call-ID: [call_id]', dest: 'caller' },
  {
    location: at(109), kind: 'recvCmd', src: 'caller', timeoutMs: 100, onTimeout: 'done',
    actions: [{
      kind: 'ereg', location: at(112), regexp: 'ok', searchIn: 'msg', caseIndep: false, occurrence: 1, startLine: false,
      checkIt: true, checkItInverse: false, assignTo: [],
    }],
  },
  { location: at(113), kind: 'recvCmd', actions: [] },
];

t.test('a file with every step, attribute and action loads into the model it spells', async (t) => {
  const file = loadYamlScenario(TEXT, FILE);
  t.equal(file.name, 'every feature');
  t.equal(file.file, FILE);
  t.equal(file.format, 'yaml');
  t.equal(file.agents.length, 2);
  const [caller, callee] = file.agents as [AgentScenario, AgentScenario];
  t.strictSame({ ...caller, steps: [] }, {
    name: 'caller', role: 'uac', location: at(4), steps: [],
    labels: new Map([['again', 16], ['give_up', 18]]),
    globalVariables: ['total'], userVariables: ['u1', 'u2'], referenceVariables: ['unused'],
    target: 'callee', transport: 'tcp',
    responseTimeRepartitionMs: [10, 20, 50], callLengthRepartitionMs: [100, 1000],
    initialVariables: new Map([['user', 'alice'], ['count', '3']]),
  });
  t.equal(caller.steps.length, callerSteps.length, 'caller step count');
  caller.steps.forEach((step, index) => t.strictSame(step, callerSteps[index], `caller step ${index} (${step.kind})`));
  t.strictSame({ ...callee, steps: [] }, {
    name: 'callee', role: 'uas', location: at(99), steps: [], labels: new Map([['done', 6]]),
    globalVariables: [], userVariables: [], referenceVariables: [],
  });
  t.equal(callee.steps.length, calleeSteps.length, 'callee step count');
  callee.steps.forEach((step, index) => t.strictSame(step, calleeSteps[index], `callee step ${index} (${step.kind})`));
});

t.test('regexps in recv steps are compiled RegExp objects that match what they say', async (t) => {
  const [caller, callee] = loadYamlScenario(TEXT, FILE).agents as [AgentScenario, AgentScenario];
  const ok = caller.steps[2];
  t.ok(ok?.kind === 'recv' && ok.match.kind === 'response' && ok.match.code instanceof RegExp && ok.match.code.test('202'));
  const info = callee.steps[1];
  t.ok(info?.kind === 'recv' && info.match.kind === 'request' && info.match.method instanceof RegExp && info.match.method.test('UPDATE'));
  t.ok(info?.kind === 'recv' && info.match.kind === 'request' && info.match.method instanceof RegExp && !info.match.method.test('BYE'));
});

t.test('a file without a name is named after the file, and "recv: \'200\'" is a response code', async (t) => {
  const file = loadYamlScenario('agents:\n  a:\n    role: uas\n    steps:\n      - recv: "200"\n      - recv: 183\n', 'x/late-offer.yml');
  t.equal(file.name, 'late-offer');
  t.strictSame(file.agents[0]?.steps.map((s) => (s.kind === 'recv' ? s.match : undefined)), [{ kind: 'response', code: 200 }, { kind: 'response', code: 183 }]);
});

t.test('anchors and aliases are followed, so a message can be written once', async (t) => {
  const text = 'agents:\n  a:\n    role: uac\n    steps:\n      - send: &msg "OPTIONS sip:[service]@[remote_ip] SIP/2.0"\n      - send: *msg\n';
  const steps = loadYamlScenario(text, FILE).agents[0]?.steps ?? [];
  t.strictSame(steps.map((s) => (s.kind === 'send' ? s.message : '')), ['OPTIONS sip:[service]@[remote_ip] SIP/2.0', 'OPTIONS sip:[service]@[remote_ip] SIP/2.0']);
});

t.test('SIPp\'s shorthands: a fixed distribution takes "value", min and max alone mean uniform', async (t) => {
  const text = 'agents:\n  a:\n    role: uac\n    steps:\n      - pause: { distribution: fixed, value: 300 }\n      - pause: { min: 1, max: 2 }\n'
    + '      - nop:\n          - sample: { assign_to: d, distribution: fixed, value: 7 }\n';
  const steps = loadYamlScenario(text, FILE).agents[0]?.steps ?? [];
  t.strictSame(steps.map((s) => (s.kind === 'pause' ? s.duration : s.kind === 'nop' ? s.actions[0] : undefined)), [
    { kind: 'fixed', ms: 300 }, { kind: 'uniform', minMs: 1, maxMs: 2 },
    { kind: 'sample', location: at(8), assignTo: 'd', distribution: { kind: 'fixed', ms: 7 } },
  ]);
});

t.test('a label as the last step points past the end', async (t) => {
  const agent = loadYamlScenario('agents:\n  a:\n    role: uac\n    steps:\n      - pause: 1\n        next: end\n      - label: end\n', FILE).agents[0];
  t.strictSame(agent?.labels, new Map([['end', 1]]));
});
