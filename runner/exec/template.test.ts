/** Keyword substitution and message assembly: table-driven over every keyword, plus CRLF, [len], Content-Length and load errors. */
import t from 'tap';
import { parseMessage } from '../../engine/sip';
import { ScenarioLoadError } from '../model/scenario';
import type { KeywordCall, KeywordEnv } from './keywords';
import { compileTemplate, renderTemplate } from './template';
import type { VarValue } from './variables';

const lastText = 'INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.9:5070;branch=z9hG4bKx\r\nVia: SIP/2.0/UDP 10.0.0.8;branch=z9hG4bKy\r\n'
  + 'From: <sip:alice@a>;tag=ft\r\nTo: <sip:bob@b>\r\nCall-ID: abc@h\r\nCSeq: 7 INVITE\r\nRecord-Route: <sip:p1;lr>\r\nContent-Length: 0\r\n\r\n';
const parsed = parseMessage(lastText);
if (!parsed.ok) throw new Error('fixture must parse');

const env: KeywordEnv = {
  service: 'svc', local: { host: '10.0.0.1', port: 5060 }, media: { host: '10.0.0.2', port: 6000 }, protocol: 'udp', pid: 42, users: 3,
  agents: new Map([['callee', { host: '10.0.0.5', port: 5090 }]]), nowMs: () => 1_700_000_000_123, nextDynamicId: () => 7,
};
const vars = new Map<string, VarValue>([['user', 'alice'], ['n', 5], ['x', 2.5], ['flag', true]]);
const call: KeywordCall = {
  callNumber: 12, callId: 'cid-12', cseq: 3, peerTag: 'pt', last: { text: lastText, message: parsed.message },
  routeSet: '<sip:p1;lr>', nextUrl: 'sip:bob@10.0.0.5', stepIndex: 4, userId: 12, remote: { host: '10.0.0.3', port: 5080 },
  variable: (n) => vars.get(n),
  injectionField: (file, field, line) => `f${file}.${field}.${line ?? 'row'}`,
};
const scope = { agents: env.agents, injection: [{ file: 'users.csv', order: 'SEQUENTIAL' as const, rows: [['a', 'b']] }] };

function render(text: string): string {
  return renderTemplate(compileTemplate(text, { file: 'k.xml', line: 1 }, scope, false), call, env);
}

const table: [string, string][] = [
  ['[service]', 'svc'], ['[remote_ip]', '10.0.0.3'], ['[remote_port]', '5080'], ['[local_ip]', '10.0.0.1'], ['[local_ip_type]', '4'],
  ['[local_port]', '5060'], ['[transport]', 'UDP'], ['[media_ip]', '10.0.0.2'], ['[media_ip_type]', '4'], ['[media_port]', '6000'],
  ['[media_port+2]', '6002'], ['[call_number]', '12'], ['[call_id]', 'cid-12'], ['[cseq]', '3'], ['[cseq+1]', '4'],
  ['[last_Via:]', 'Via: SIP/2.0/UDP 10.0.0.9:5070;branch=z9hG4bKx\r\nVia: SIP/2.0/UDP 10.0.0.8;branch=z9hG4bKy'],
  ['[last_From:]', 'From: <sip:alice@a>;tag=ft'], ['[last_To:];tag=1', 'To: <sip:bob@b>;tag=1'], ['[last_Call-ID:]', 'Call-ID: abc@h'],
  ['[last_CSeq:]', 'CSeq: 7 INVITE'], ['[last_Record-Route:]', 'Record-Route: <sip:p1;lr>'], ['x [last_Subject:] gone', 'x '],
  ['[last_cseq_number]', '7'], ['[last_cseq_number+1]', '8'], ['[last_Request_URI]', 'sip:bob@example.com'],
  ['[peer_tag_param]', ';tag=pt'], ['[branch]', 'z9hG4bK-42-12-4'], ['[branch-4]', 'z9hG4bK-42-12-0'], ['[routes]', 'Route: <sip:p1;lr>'],
  ['[next_url]', 'sip:bob@10.0.0.5'], ['[field1]', 'f0.1.row'], ['[field0 line=3]', 'f0.0.3'], ['[field0 file="users.csv"]', 'f0.0.row'],
  ['[$user]', 'alice'], ['[$n]', '5'], ['[$x]', '2.5'], ['[$flag]', 'true'], ['[$unset]x', 'x'], ['[pid]', '42'],
  ['[date]', 'Tue, 14 Nov 2023 22:13:20 GMT'], ['[timestamp]', '2023-11-14T22:13:20.123Z'], ['[clock_tick]', '1700000000123'],
  ['[msg_index]', '4'], ['[users]', '3'], ['[userid]', '12'], ['[dynamic_id]', '7'], ['[agent:callee]', '10.0.0.5:5090'],
  ['[agent_ip:callee]', '10.0.0.5'], ['[agent_port:callee]', '5090'], ['a[ b', 'a[ b'],
];

t.test('every keyword renders from the call and agent', async (t) => {
  for (const [template, expected] of table) t.equal(render(template), expected, template);
});

t.test('[last_message] is the whole last message', async (t) => {
  t.equal(render('[last_message]'), lastText.replace(/\r\n$/, ''));
});

t.test('SIP assembly: lines trimmed, CRLF ends, [len] and an automatic Content-Length from the body after substitution', async (t) => {
  const text = '\n   OPTIONS sip:x SIP/2.0\n   Call-ID: [call_id]\n   Content-Length: [len]\n\n   hello [$user]\n   bye\n  ';
  const out = renderTemplate(compileTemplate(text, { file: 'k', line: 1 }, scope, true), call, env);
  t.equal(out, 'OPTIONS sip:x SIP/2.0\r\nCall-ID: cid-12\r\nContent-Length: 18\r\n\r\nhello alice\r\nbye\r\n');
  const auto = renderTemplate(compileTemplate('MESSAGE sip:x SIP/2.0\nCall-ID: [call_id]\n\nhi', { file: 'k', line: 1 }, scope, true), call, env);
  t.equal(auto, 'MESSAGE sip:x SIP/2.0\r\nCall-ID: cid-12\r\nContent-Length: 4\r\n\r\nhi\r\n');
  const none = renderTemplate(compileTemplate('BYE sip:x SIP/2.0\n[routes]\n[last_Subject:]\nCall-ID: 1', { file: 'k', line: 1 }, scope, true), call, env);
  t.equal(none, 'BYE sip:x SIP/2.0\r\nRoute: <sip:p1;lr>\r\nCall-ID: 1\r\nContent-Length: 0\r\n\r\n', 'an absent [last_*] line disappears');
  const kept = renderTemplate(compileTemplate('BYE sip:x SIP/2.0\nContent-Length: 0\n', { file: 'k', line: 1 }, scope, true), call, env);
  t.equal(kept, 'BYE sip:x SIP/2.0\r\nContent-Length: 0\r\n\r\n', 'a literal Content-Length is left alone');
});

t.test('unknown and unsupported keywords fail at load naming the line', async (t) => {
  const err = t.throws(() => compileTemplate('INVITE x SIP/2.0\nX: [nonsense]', { file: 'f.xml', line: 10 }, scope, true)) as ScenarioLoadError;
  t.ok(err instanceof ScenarioLoadError);
  t.equal(err.code, 'unknown-keyword');
  t.equal(err.location.line, 11);
  t.match(err.message, /^f\.xml:11: unknown keyword \[nonsense\]/);
  t.equal((t.throws(() => compileTemplate('[tdmmap]', { file: 'f', line: 1 }, scope, true)) as ScenarioLoadError).code, 'unsupported');
  t.equal((t.throws(() => compileTemplate('[agent:nobody]', { file: 'f', line: 1 }, scope, true)) as ScenarioLoadError).code, 'bad-value');
});
