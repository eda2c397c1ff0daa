import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import type { AgentScenario, ScenarioFile } from '../../runner/model/scenario';
import { loadYamlScenario } from '../../runner/yaml/yaml-loader';

const FLOWS = join(__dirname, '..', '..', 'scenarios', 'flows');
const EXPECTED = [
  'basic-call', 'info', 'late-offer', 'prack', 'refer', 'reinvite-uac', 'reinvite-uas', 'uac-cancel', 'uas-busy', 'uas-hangup', 'update',
];

const flowFiles = (): string[] => readdirSync(FLOWS).filter((name) => name.endsWith('.yaml')).sort();
const load = (name: string): ScenarioFile => loadYamlScenario(readFileSync(join(FLOWS, name), 'utf8'), join(FLOWS, name));

/** The line holding header `name`, written out (`Via: …`) or as SIPp's copy of the received one (`[last_Via:]`). */
function headerLine(lines: readonly string[], name: string): string | undefined {
  const written = new RegExp(`^${name}\\s*:`, 'i');
  const copied = new RegExp(`^\\[last_${name}:?\\]`, 'i');
  return lines.find((line) => written.test(line) || copied.test(line));
}

/** What is wrong with one send step's message as SIP (RFC 3261 §8.1.1, §8.2.6, §20; RFC 3262, 3311, 3515, 6665). */
function sipProblems(message: string): string[] {
  const [head = '', body = ''] = message.split(/\n\s*\n/, 2);
  const lines = head.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  const start = lines[0] ?? '';
  const problems: string[] = [];
  const need = (name: string, check?: RegExp): void => {
    const line = headerLine(lines, name);
    if (line === undefined) problems.push(`no ${name}`);
    else if (check !== undefined && !check.test(line)) problems.push(`${name} does not match ${String(check)}: ${line}`);
  };
  const request = /^([A-Z]+) (\S+) SIP\/2\.0$/.exec(start);
  const response = /^SIP\/2\.0 ([1-6]\d\d) \S.*$/.exec(start);
  if (request !== null) {
    const method = request[1] as string;
    need('Via', /branch=|^\[last_Via:\]$/);
    need('Max-Forwards', /: 70$/);
    need('From', /;tag=/);
    need('To');
    need('Call-ID');
    need('CSeq', new RegExp(`^CSeq: (\\d+|\\[\\$\\w+\\]) ${method}$`));
    if (['INVITE', 'UPDATE', 'REFER', 'NOTIFY'].includes(method)) need('Contact', /^Contact: <sip:/);
    if (method === 'PRACK') need('RAck', /^RAck: \S+ \d+ INVITE$/);
    if (method === 'REFER') need('Refer-To');
    if (method === 'NOTIFY') {
      need('Event', /refer/);
      need('Subscription-State');
    }
  } else if (response !== null) {
    // A response is built from the request it answers (RFC 3261 §8.2.6.2): those headers are copies, never literals.
    for (const name of ['Via', 'From', 'To', 'Call-ID', 'CSeq']) need(name, /\[/);
  } else {
    problems.push(`not a request or status line: ${start}`);
  }
  need('Content-Length', /^Content-Length: (0|\[len\])$/);
  if (body.trim() !== '') need('Content-Type');
  return problems;
}

t.test('the flow library has every flow the issue lists', async (t) => {
  t.strictSame(flowFiles(), EXPECTED.map((name) => `${name}.yaml`));
});

t.test('every flow loads, with a uac agent that calls the uas agent of the same file', async (t) => {
  for (const name of flowFiles()) {
    const file = load(name);
    t.strictSame(file.agents.map((a) => [a.name, a.role]), [['uac', 'uac'], ['uas', 'uas']], `${name}: agents uac and uas`);
    t.equal(file.agents[0]?.target, 'uas', `${name}: the uac targets the uas when no TARGET is given`);
    t.equal(file.agents[1]?.target, undefined, `${name}: the uas answers whoever calls`);
    t.equal(file.agents[0]?.steps[0]?.kind, 'send', `${name}: the uac starts by sending`);
    t.equal(file.agents[1]?.steps[0]?.kind, 'recv', `${name}: the uas starts by receiving`);
  }
});

t.test('every message a flow sends is well-formed SIP', async (t) => {
  for (const name of flowFiles()) {
    for (const agent of load(name).agents as AgentScenario[]) {
      agent.steps.forEach((step, index) => {
        if (step.kind !== 'send') return;
        t.strictSame(sipProblems(step.message), [], `${name} ${agent.name} step ${index} (line ${step.location.line})`);
      });
    }
  }
});

t.test('the lint itself finds what is missing', async (t) => {
  t.strictSame(sipProblems('BYE sip:x SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nMax-Forwards: 70\nFrom: <sip:a>;tag=1\nTo: <sip:b>\nCall-ID: c\nCSeq: 2 BYE\nContent-Length: 0\n'), []);
  t.strictSame(sipProblems('BYE sip:x SIP/2.0\nVia: SIP/2.0/UDP h\nFrom: <sip:a>\nTo: <sip:b>\nCall-ID: c\nCSeq: 2 INVITE\nContent-Length: 0\n'), [
    'Via does not match /branch=|^\\[last_Via:\\]$/: Via: SIP/2.0/UDP h', 'no Max-Forwards', 'From does not match /;tag=/: From: <sip:a>',
    'CSeq does not match /^CSeq: (\\d+|\\[\\$\\w+\\]) BYE$/: CSeq: 2 INVITE',
  ]);
  t.strictSame(sipProblems('SIP/2.0 200 OK\nVia: SIP/2.0/UDP h\n[last_From:]\n[last_To:]\n[last_Call-ID:]\n[last_CSeq:]\nContent-Length: [len]\n\nv=0\n'), [
    'Via does not match /\\[/: Via: SIP/2.0/UDP h', 'no Content-Type',
  ]);
});
