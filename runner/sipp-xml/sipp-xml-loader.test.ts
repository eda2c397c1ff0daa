import t from 'tap';
import { ScenarioLoadError, type Action, type AgentScenario, type Step } from '../model/scenario';
import { loadSippXml } from './sipp-xml-loader';

/** A scenario whose commands start on line 2, one per line unless they span more. */
const xml = (...lines: string[]): string => ['<scenario name="t">', ...lines, '</scenario>'].join('\n');
const SEND = '<send><![CDATA[\n  OPTIONS sip:x SIP/2.0\n  Content-Length: 0\n]]></send>';
const load = (text: string): AgentScenario => {
  const agent = loadSippXml(text, 'case.xml').agents[0];
  if (agent === undefined) throw new Error('no agent');
  return agent;
};
const step = (...lines: string[]): Step | undefined => load(xml(...lines)).steps[0];
const actions = (...lines: string[]): readonly Action[] => {
  const s = step('<nop><action>', ...lines, '</action></nop>');
  return s?.kind === 'nop' ? s.actions : [];
};

function loadError(text: string): ScenarioLoadError | undefined {
  try {
    loadSippXml(text, 'case.xml');
  } catch (error) {
    if (error instanceof ScenarioLoadError) return error;
    throw error;
  }
  return undefined;
}

t.test('malformed scenarios fail with file:line and the name of the problem', async (t) => {
  const cases: Array<[string, string, ScenarioLoadError['code'], number, RegExp]> = [
    ['unknown command', xml(SEND, '<sned/>'), 'unknown-step', 6, /unknown command <sned>/],
    ['unknown attribute', xml('<recv response="200"', '  colour="red"/>'), 'unknown-attribute', 3, /<recv> colour: unknown attribute colour/],
    ['bad response code', xml('<recv response="2xx"/>'), 'bad-value', 2, /<recv> response: "2xx" is not a response code/],
    ['bad optional', xml('<recv response="200" optional="maybe"/>'), 'bad-value', 2, /optional must be true, false or global/],
    ['bad boolean', xml('<recv response="200" rrs="yes"/>'), 'bad-value', 2, /rrs: "yes" is not a boolean/],
    ['bad integer', xml(SEND.replace('<send>', '<send retrans="fast">')), 'bad-value', 2, /retrans: "fast" is not an integer/],
    ['missing next label', xml(SEND, '<recv response="200" next="end"/>'), 'unknown-label', 6, /next: the label "end" is not defined/],
    ['missing ontimeout label', xml('<recv request="INVITE" timeout="500" ontimeout="gone"/>'), 'unknown-label', 2, /ontimeout: the label "gone" is not defined/],
    ['duplicate label', xml('<label id="a"/>', SEND, '<label id="a"/>'), 'bad-value', 7, /label "a" is defined twice/],
    ['recv without match', xml('<recv optional="true"/>'), 'missing-field', 2, /needs a response or request/],
    ['empty send', xml('<send><![CDATA[  \n ]]></send>'), 'missing-field', 2, /needs its message in a CDATA/],
    ['unknown action', xml('<nop><action>', '<frobnicate/>', '</action></nop>'), 'unknown-keyword', 3, /unknown action <frobnicate>/],
    ['unsupported action', xml('<nop><action>', '<lookup assign_to="x" file="f" key="k"/>', '</action></nop>'), 'unsupported', 3, /unsupported: indexed injection/],
    ['verifyauth', xml('<nop><action>', '<verifyauth assign_to="ok" username="u" password="p"/>', '</action></nop>'), 'unsupported', 3, /unsupported/],
    ['rtp_stream', xml('<nop><action>', '<exec rtp_stream="file.wav"/>', '</action></nop>'), 'unsupported', 3, /rtp_stream.*unsupported|unsupported.*rtp_stream/],
    ['unknown action attribute', xml('<nop><action>', '<log message="x" level="3"/>', '</action></nop>'), 'unknown-attribute', 3, /unknown attribute level on <log>/],
    ['unknown distribution', xml('<pause distribution="zipf"/>'), 'bad-value', 2, /unknown distribution "zipf"/],
    ['unsupported distribution', xml('<pause distribution="gpareto" shape="1" scale="1" location="0"/>'), 'unsupported', 2, /gpareto/],
    ['missing distribution parameter', xml('<pause distribution="normal" mean="10"/>'), 'missing-field', 2, /needs the stdev attribute/],
    ['chance out of range', xml(SEND, '<label id="x"/>', '<pause next="x" chance="1.5"/>'), 'bad-value', 7, /chance 1.5 is not in \[0..1\]/],
    ['test without next', xml('<pause test="v"/>'), 'bad-value', 2, /test only applies together with next/],
    ['optional recv before send', xml('<recv response="180" optional="true"/>', SEND), 'bad-value', 3, /optional <recv> before <send>/],
    ['timewait not last', xml('<recv request="BYE"/>', '<timewait milliseconds="10"/>', SEND), 'bad-value', 4, /must be the last message/],
    ['no messages', xml('<label id="only"/>'), 'missing-field', 1, /no messages/],
    ['init stanza', xml('<init><nop/></init>', SEND), 'unsupported', 2, /<init> stanza/],
    ['actions on send', xml('<send><![CDATA[\nOPTIONS sip:x SIP/2.0\n]]><action><log message="x"/></action></send>'), 'unsupported', 4, /actions on <send>/],
    ['advance_state', xml('<recv response="180" optional="true" advance_state="false"/>', '<recv response="200"/>'), 'unsupported', 2, /advance_state/],
    ['send timeout', xml(SEND.replace('<send>', '<send timeout="100">')), 'unsupported', 2, /send timeouts/],
    ['bad regexp', xml('<nop><action>', '<ereg regexp="(" search_in="msg" assign_to="x"/>', '</action></nop>'), 'bad-value', 3, /regexp does not compile/],
    ['unknown POSIX class', xml('<recv request="[[:verb:]]+" regexp_match="true"/>'), 'bad-value', 2, /unknown character class \[:verb:\]/],
    ['hdr without header', xml('<nop><action>', '<ereg regexp="x" search_in="hdr" assign_to="x"/>', '</action></nop>'), 'missing-field', 3, /needs the header attribute/],
    ['empty variable name', xml('<nop><action>', '<ereg regexp="x" assign_to="a,,b"/>', '</action></nop>'), 'bad-value', 3, /may not be empty/],
    ['start_txn on a response', xml('<send start_txn="t"><![CDATA[\nSIP/2.0 200 OK\n]]></send>'), 'bad-value', 2, /responses can not start a transaction/],
    ['txn without response', xml(SEND.replace('<send>', '<send start_txn="t">')), 'bad-value', 2, /transaction t has no responses/],
    ['INVITE txn without ACK', xml('<send start_txn="i"><![CDATA[\nINVITE sip:x SIP/2.0\n]]></send>', '<recv response="200" response_txn="i"/>'), 'bad-value', 2, /INVITE transaction without an ACK/],
    ['wrong root', '<scenarios/>', 'syntax', 1, /root element must be <scenario>/],
    ['malformed XML', xml('<recv response="200">', '</send>'), 'syntax', 3, /does not match/],
    ['text in scenario', xml('hello', SEND), 'syntax', 1, /unexpected text inside <scenario>/],
    ['element inside recv', xml('<recv response="200"><send/></recv>'), 'unknown-step', 2, /<send> is not allowed inside <recv>/],
    ['bad repartition', xml(SEND, '<ResponseTimeRepartition value="10, twenty"/>'), 'bad-value', 6, /not a list of integers/],
    ['lost on pause', xml('<pause lost="5"/>'), 'unsupported', 2, /lost on <pause>/],
    ['divide by zero', xml('<nop><action>', '<divide assign_to="x" value="0"/>', '</action></nop>'), 'bad-value', 3, /value of zero/],
    ['bad int_cmd', xml('<nop><action>', '<exec int_cmd="reboot"/>', '</action></nop>'), 'bad-value', 3, /unknown int_cmd "reboot"/],
    ['bad compare', xml('<nop><action>', '<test assign_to="r" variable="a" compare="about" value="1"/>', '</action></nop>'), 'bad-value', 3, /unknown compare "about"/],
  ];
  for (const [name, text, code, line, detail] of cases) {
    const error = loadError(text);
    t.ok(error, `${name}: refused`);
    t.equal(error?.code, code, `${name}: code`);
    t.equal(error?.location.line, line, `${name}: line`);
    t.ok(error?.message.startsWith(`case.xml:${line}: `), `${name}: message starts with file:line (${error?.message})`);
    t.match(error?.message, detail, `${name}: names the problem`);
  }
});

t.test('every common attribute maps onto the step', async (t) => {
  const agent = load(xml(
    '<recv response="200" optional="global" rrs="true" auth="1" ignoresdp="true" lost="2.5" timeout="3000" ontimeout="end"',
    '  next="end" test="flag" chance="0.25" condexec="c" condexec_inverse="true" start_rtd="a" rtd="true" repeat_rtd="true"',
    '  counter="n" display="shown" hide="false" crlf="true" response_txn="inv"/>',
    '<recv response="202"/>',
    '<send start_txn="inv" retrans="250" lost="10"><![CDATA[\nINVITE sip:x SIP/2.0\n]]></send>',
    '<send ack_txn="inv"><![CDATA[\nACK sip:x SIP/2.0\n]]></send>',
    '<label id="end"/>',
  ));
  t.same(agent.steps[0], {
    kind: 'recv', location: { file: 'case.xml', line: 2 }, match: { kind: 'response', code: 200 }, optional: 'global',
    rrs: true, auth: true, ignoreSdp: true, lostPercent: 2.5, timeoutMs: 3000, onTimeout: 'end',
    next: 'end', test: 'flag', chance: 0.25, condexec: 'c', condexecInverse: true, startRtd: ['a'], rtd: ['1'], repeatRtd: true,
    counter: 'n', display: 'shown', hide: false, crlf: true, responseTxn: 'inv', actions: [],
  });
  t.match(agent.steps[2], { kind: 'send', startTxn: 'inv', retransMs: 250, lostPercent: 10, location: { line: 6 } });
  t.match(agent.steps[3], { kind: 'send', ackTxn: 'inv' });
  t.equal(agent.labels.get('end'), 4, 'a trailing label points past the last step');
  t.equal(agent.role, 'uas', 'a recv first makes a server');
});

t.test('regexp_match makes the request or response code a regexp (POSIX classes translated)', async (t) => {
  const request = step('<recv request="INVITE|OPTIONS" regexp_match="true"/>');
  const method = request?.kind === 'recv' && request.match.kind === 'request' ? request.match.method : undefined;
  t.ok(method instanceof RegExp && method.test('OPTIONS') && !method.test('BYE'));
  const response = step('<recv response="18[[:digit:]]" regexp_match="true"/>');
  const code = response?.kind === 'recv' && response.match.kind === 'response' ? response.match.code : undefined;
  t.ok(code instanceof RegExp && code.test('183') && !code.test('200'));
});

t.test('pauses take every SIPp distribution with SIPp parameter names', async (t) => {
  const cases: Array<[string, unknown]> = [
    ['<pause/>', { kind: 'default' }],
    ['<pause milliseconds="1500"/>', { kind: 'fixed', ms: 1500 }],
    ['<pause variable="wait"/>', { kind: 'variable', name: 'wait' }],
    ['<pause min="10" max="20"/>', { kind: 'uniform', minMs: 10, maxMs: 20 }],
    ['<pause distribution="fixed" value="7"/>', { kind: 'fixed', ms: 7 }],
    ['<pause distribution="uniform" min="1" max="2"/>', { kind: 'uniform', minMs: 1, maxMs: 2 }],
    ['<pause distribution="normal" mean="100" stdev="10"/>', { kind: 'normal', meanMs: 100, stdevMs: 10 }],
    ['<pause distribution="lognormal" mean="4" stdev="0.5"/>', { kind: 'lognormal', mean: 4, stdev: 0.5 }],
    ['<pause distribution="exponential" mean="900"/>', { kind: 'exponential', meanMs: 900 }],
    ['<pause distribution="weibull" lambda="3" k="4"/>', { kind: 'weibull', lambda: 3, k: 4 }],
    ['<pause distribution="pareto" k="2" x_m="5"/>', { kind: 'pareto', k: 2, xm: 5 }],
    ['<pause distribution="gamma" k="2" theta="3"/>', { kind: 'gamma', k: 2, theta: 3 }],
    ['<pause distribution="negbin" n="5" p="0.5"/>', { kind: 'negbin', n: 5, p: 0.5 }],
  ];
  for (const [text, duration] of cases) {
    const s = step(text);
    t.same(s?.kind === 'pause' ? s.duration : undefined, duration, text);
  }
  t.match(step('<pause milliseconds="5" sanity_check="false"/>'), { kind: 'pause', sanityCheck: false });
  t.match(load(xml(SEND, '<recv request="BYE"/>', '<timewait milliseconds="4000"/>')).steps[2], { kind: 'pause', duration: { kind: 'fixed', ms: 4000 } });
  t.equal(load(xml('<pause/>', '<nop/>', SEND)).role, 'uac', 'pauses and nops do not decide the role');
});

t.test('every action kind maps with SIPp attribute names', async (t) => {
  const got = actions(
    '<ereg regexp="tag=([a-z0-9]+)" search_in="hdr" header="To:" occurence="2" case_indep="true" start_line="true" check_it_inverse="true" assign_to="all,tag"/>',
    '<ereg regexp="x" search_in="var" variable="v" assign_to="y"/>',
    '<ereg regexp="m=audio" search_in="body" check_it="true" assign_to="m"/>',
    '<log message="got [$tag]"/>',
    '<warning message="w"/>',
    '<error message="e"/>',
    '<exec command="echo hi"/>',
    '<exec int_cmd="stop_now"/>',
    '<assign assign_to="a" value="1.5"/>',
    '<assignstr assign_to="s" value="[call_id]"/>',
    '<sample assign_to="d" distribution="exponential" mean="10"/>',
    '<todouble assign_to="n" variable="s"/>',
    '<add assign_to="a" value="2"/>',
    '<subtract assign_to="a" variable="n"/>',
    '<multiply assign_to="a" value="3"/>',
    '<divide assign_to="a" value="4"/>',
    '<strcmp assign_to="r" variable="s" value="abc"/>',
    '<strcmp assign_to="r" variable="s" variable2="t"/>',
    '<test assign_to="r" variable="a" compare="greater_than_equal" value="3"/>',
    '<test assign_to="r" variable="a" compare="equal" variable2="n"/>',
    '<jump value="2"/>',
    '<jump variable="a"/>',
    '<gettimeofday assign_to="sec,usec"/>',
    '<urlencode variable="s"/>',
    '<urldecode variable="s"/>',
    '<setdest host="127.0.0.1" port="5070" protocol="udp"/>',
  );
  const at = (line: number): { location: { file: string; line: number } } => ({ location: { file: 'case.xml', line } });
  t.same(got, [
    { kind: 'ereg', ...at(3), regexp: 'tag=([a-z0-9]+)', searchIn: 'hdr', header: 'To:', caseIndep: true, occurrence: 2, startLine: true, checkIt: false, checkItInverse: true, assignTo: ['all', 'tag'] },
    { kind: 'ereg', ...at(4), regexp: 'x', searchIn: 'var', variable: 'v', caseIndep: false, occurrence: 1, startLine: false, checkIt: false, checkItInverse: false, assignTo: ['y'] },
    { kind: 'ereg', ...at(5), regexp: 'm=audio', searchIn: 'body', caseIndep: false, occurrence: 1, startLine: false, checkIt: true, checkItInverse: false, assignTo: ['m'] },
    { kind: 'log', ...at(6), message: 'got [$tag]' },
    { kind: 'warning', ...at(7), message: 'w' },
    { kind: 'error', ...at(8), message: 'e' },
    { kind: 'exec', ...at(9), command: 'echo hi' },
    { kind: 'exec', ...at(10), intCmd: 'stop_now' },
    { kind: 'assign', ...at(11), assignTo: 'a', value: 1.5 },
    { kind: 'assignstr', ...at(12), assignTo: 's', value: '[call_id]' },
    { kind: 'sample', ...at(13), assignTo: 'd', distribution: { kind: 'exponential', meanMs: 10 } },
    { kind: 'todouble', ...at(14), assignTo: 'n', variable: 's' },
    { kind: 'add', ...at(15), assignTo: 'a', value: 2 },
    { kind: 'subtract', ...at(16), assignTo: 'a', variable: 'n' },
    { kind: 'multiply', ...at(17), assignTo: 'a', value: 3 },
    { kind: 'divide', ...at(18), assignTo: 'a', value: 4 },
    { kind: 'strcmp', ...at(19), assignTo: 'r', variable: 's', value: 'abc' },
    { kind: 'strcmp', ...at(20), assignTo: 'r', variable: 's', variable2: 't' },
    { kind: 'test', ...at(21), assignTo: 'r', variable: 'a', compare: 'greater_than_equal', value: 3 },
    { kind: 'test', ...at(22), assignTo: 'r', variable: 'a', compare: 'equal', variable2: 'n' },
    { kind: 'jump', ...at(23), value: 2 },
    { kind: 'jump', ...at(24), variable: 'a' },
    { kind: 'gettimeofday', ...at(25), assignTo: ['sec', 'usec'] },
    { kind: 'urlencode', ...at(26), assignTo: 's' },
    { kind: 'urldecode', ...at(27), assignTo: 's' },
    { kind: 'setdest', ...at(28), host: '127.0.0.1', port: '5070', protocol: 'udp' },
  ]);
});

t.test('3pcc commands, variables declarations and names', async (t) => {
  const text = xml(
    '<Global variables="g1, g2"/>',
    '<User variables="u"/>',
    '<Reference variables="r"/>',
    '<recvCmd src="m" timeout="2000" ontimeout="x"><action><ereg regexp="." assign_to="v"/></action></recvCmd>',
    '<sendCmd dest="s1"><![CDATA[\n  Call-ID: [call_id]\n  From: x\n]]></sendCmd>',
    '<label id="x"/>',
  );
  const file = loadSippXml(text, '/some/dir/my-flow.xml');
  t.equal(file.name, 'my-flow');
  const agent = file.agents[0];
  t.equal(agent?.name, 'my-flow');
  t.same(agent?.location, { file: '/some/dir/my-flow.xml', line: 1 });
  t.same([agent?.globalVariables, agent?.userVariables, agent?.referenceVariables], [['g1', 'g2'], ['u'], ['r']]);
  t.match(agent?.steps[0], { kind: 'recvCmd', src: 'm', timeoutMs: 2000, onTimeout: 'x', actions: [{ kind: 'ereg' }] });
  t.match(agent?.steps[1], { kind: 'sendCmd', dest: 's1', message: 'Call-ID: [call_id]\nFrom: x\n\n' });
  t.equal(agent?.role, 'uas', 'recvCmd first: created by commands, like SIPp 3pcc-C-B');
  t.equal(loadSippXml(text, 'x.xml', { name: 'given' }).agents[0]?.name, 'given');
});

t.test('message text follows SIPp clean_cdata: indentation, trailing blanks, CRLF files', async (t) => {
  const crlf = '<scenario>\r\n<send>\r\n<![CDATA[\r\n\r\n\tSIP/2.0 200 OK   \r\n    [last_Via:]\t\r\n\r\n    v=0\r\n\r\n]]>\r\n</send>\r\n</scenario>\r\n';
  const s = loadSippXml(crlf, 'c.xml').agents[0]?.steps[0];
  t.equal(s?.kind === 'send' ? s.message : undefined, 'SIP/2.0 200 OK\n[last_Via:]\n\nv=0\n');
  const noBody = step('<send><![CDATA[OPTIONS sip:x SIP/2.0\n   Max-Forwards: 70]]></send>');
  t.equal(noBody?.kind === 'send' ? noBody.message : undefined, 'OPTIONS sip:x SIP/2.0\nMax-Forwards: 70\n\n', 'the header block gets its empty line');
});
