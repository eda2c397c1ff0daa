import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScenarioLoadError, type Step } from '../model/scenario';
import { loadSippXml } from './sipp-xml-loader';

// SIPp's built-in scenarios are SIPp's text: dumped with `sipp -sd NAME` into a temp dir at test time, never committed.
const dir = mkdtempSync(join(tmpdir(), 'sipp-builtin-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

function dump(name: string): { file: string; text: string } {
  const run = spawnSync('sipp', ['-sd', name], { encoding: 'utf8' });
  if (run.error !== undefined) throw new Error(`sipp is required (apt-get install sip-tester): ${run.error.message}`);
  const file = join(dir, `${name}.xml`);
  writeFileSync(file, run.stdout);
  return { file, text: run.stdout };
}

const shape = (steps: readonly Step[]): string => steps.map((s) => {
  if (s.kind !== 'recv') return s.kind;
  const what = s.match.kind === 'response' ? String(s.match.code) : String(s.match.method);
  return `recv ${what}${s.optional === true ? '?' : ''}`;
}).join(', ');

const expected: Record<string, { role: 'uac' | 'uas'; shape: string; labels?: Record<string, number> }> = {
  uac: { role: 'uac', shape: 'send, recv 100?, recv 180?, recv 183?, recv 200, send, pause, send, recv 200' },
  uas: { role: 'uas', shape: 'recv INVITE, send, send, recv ACK?, recv BYE, send, pause' },
  regexp: { role: 'uac', shape: 'send, recv 100?, recv 180?, recv 183?, recv 200, send, pause, send, recv 200' },
  branchc: {
    role: 'uac',
    shape: 'send, recv 200, recv 200, send, recv 100?, recv 180?, recv 183?, recv 403?, recv 200, send, pause, send, recv 200, pause',
    labels: { 5: 3, 1: 11 },
  },
  branchs: {
    role: 'uas',
    shape: 'recv REGISTER, send, recv INVITE, send, send, send, send, recv ACK?, recv BYE, send, pause',
    labels: { 1: 5, 2: 8 },
  },
  '3pcc-C-A': { role: 'uac', shape: 'send, recv 100?, recv 180?, recv 183?, recv 200, sendCmd, recvCmd, send, pause, send, recv 200' },
  '3pcc-C-B': { role: 'uas', shape: 'recvCmd, send, recv 100?, recv 180?, recv 183?, recv 200, send, sendCmd, pause, send, recv 200' },
  '3pcc-A': { role: 'uas', shape: 'recv INVITE, send, recv ACK, recv BYE, send, pause' },
  '3pcc-B': { role: 'uas', shape: 'recv INVITE, send, recv ACK, recv BYE, send, pause' },
  ooc_default: { role: 'uas', shape: 'recv /.*/, send, pause' },
};

for (const [name, want] of Object.entries(expected)) {
  t.test(`sipp -sd ${name} loads as a ${want.role} with SIPp's steps`, async (t) => {
    const { file, text } = dump(name);
    const scenario = loadSippXml(text, file);
    t.equal(scenario.format, 'sipp-xml');
    t.equal(scenario.name, name);
    t.equal(scenario.agents.length, 1);
    const agent = scenario.agents[0];
    if (agent === undefined) return;
    t.equal(agent.role, want.role);
    t.equal(shape(agent.steps), want.shape);
    t.same(Object.fromEntries(agent.labels), want.labels ?? {});
    for (const step of agent.steps) {
      if (step.kind === 'send') t.match(step.message, /\n\n/, `send at line ${step.location.line} has a header/body separator`);
    }
  });
}

t.test('the uac scenario maps its attributes, message layout and repartitions', async (t) => {
  const { file, text } = dump('uac');
  const agent = loadSippXml(text, file).agents[0];
  const [invite, , , , ok, ack, pause, bye, byeOk] = agent?.steps ?? [];
  t.match(invite, { kind: 'send', retransMs: 500, location: { file, line: 25 } });
  const message = invite?.kind === 'send' ? invite.message : '';
  t.ok(message.startsWith('INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0\nVia: SIP/2.0/[transport]'), 'indentation stripped, leading blank lines gone');
  t.match(message, /Content-Length: \[len\]\n\nv=0\n/);
  t.ok(message.endsWith('a=rtpmap:0 PCMU/8000\n'), 'the body keeps one final newline');
  t.ok(ack?.kind === 'send' && ack.message.endsWith('Content-Length: 0\n\n'), 'a body-less message ends with the empty line');
  t.ok(ack?.kind === 'send' && ack.retransMs === undefined, 'ACK has no retransmission');
  t.match(ok, { kind: 'recv', match: { kind: 'response', code: 200 }, rtd: ['1'], optional: false });
  t.same(pause && pause.kind === 'pause' ? pause.duration : undefined, { kind: 'default' });
  t.match(bye, { kind: 'send', retransMs: 500 });
  t.match(byeOk, { kind: 'recv', crlf: true });
  t.same(agent?.responseTimeRepartitionMs, [10, 20, 30, 40, 50, 100, 150, 200]);
  t.same(agent?.callLengthRepartitionMs, [10, 50, 100, 500, 1000, 5000, 10000]);
});

t.test('regexp and branchc map their ereg actions, next and test', async (t) => {
  const regexp = dump('regexp');
  const ok = loadSippXml(regexp.text, regexp.file).agents[0]?.steps[4];
  t.match(ok, { kind: 'recv', startRtd: ['1'] });
  const actions = ok?.kind === 'recv' ? ok.actions : [];
  t.same(actions.map((a) => (a.kind === 'ereg' ? [a.searchIn, a.header ?? null, a.checkIt, a.assignTo] : a.kind)), [
    ['msg', null, true, ['1']],
    ['hdr', 'Contact:', true, ['6']],
    ['msg', null, true, ['3', '4', '5', '8']],
  ]);
  const branchc = dump('branchc');
  const steps = loadSippXml(branchc.text, branchc.file).agents[0]?.steps ?? [];
  t.match(steps[1], { kind: 'recv', next: '5', rtd: ['1'] });
  t.match(steps[7], { kind: 'recv', optional: true, next: '1', match: { code: 403 } });
  t.match(steps[9], { kind: 'send', next: '1', test: '8' });
  t.same(steps[10]?.kind === 'pause' ? steps[10].duration : undefined, { kind: 'fixed', ms: 5000 });
});

t.test('3pcc scenarios carry the commands and their actions', async (t) => {
  const a = dump('3pcc-C-A');
  const steps = loadSippXml(a.text, a.file).agents[0]?.steps ?? [];
  t.match(steps[5], { kind: 'sendCmd', message: '[$1]\n\n' });
  t.match(steps[6], { kind: 'recvCmd', actions: [{ kind: 'ereg', regexp: 'Content-Type:.*', assignTo: ['2'] }] });
});

t.test('uac_pcap is refused at its play_pcap_audio line as unsupported', async (t) => {
  const { file, text } = dump('uac_pcap');
  const line = text.split('\n').findIndex((l) => l.includes('play_pcap_audio')) + 1;
  t.ok(line > 0, 'the dump has play_pcap_audio');
  const error = catchLoad(() => loadSippXml(text, file));
  t.equal(error?.code, 'unsupported');
  t.equal(error?.location.line, line);
  t.ok(error?.message.startsWith(`${file}:${line}: `), 'the message starts with file:line');
  t.match(error?.message, /play_pcap_audio.*unsupported/);
});

function catchLoad(load: () => unknown): ScenarioLoadError | undefined {
  try {
    load();
  } catch (error) {
    if (error instanceof ScenarioLoadError) return error;
    throw error;
  }
  return undefined;
}
