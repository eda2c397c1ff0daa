/**
 * SIPp keywords (ecosystem.md §2.3) parsed once at load into evaluators, so rendering a message per
 * call is a walk over prepared segments (the hot path). An unknown keyword is a load error.
 */
import type { SocketAddress } from '../../engine/ports/transport';
import type { SipMessage } from '../../engine/sip';
import { headerKey } from '../../engine/sip';
import { ScenarioLoadError, type SourceLocation } from '../model/scenario';
import type { InjectionFile } from './agent-runner-api';
import { formatVar, type VarValue } from './variables';

/** What SIPp prints for `[sipp_version]`; ours names the runner. */
export const RUNNER_VERSION = 'b2bkit-runner 0.1 (SIPp 3.6 compatible)';

/** A message the call received: SIP (parsed) or a 3PCC command (text only). */
export interface Received {
  readonly text: string;
  readonly message: SipMessage | undefined;
}

/** Agent-wide values keywords read. */
export interface KeywordEnv {
  readonly service: string;
  readonly local: SocketAddress;
  readonly media: SocketAddress;
  readonly protocol: 'udp' | 'tcp';
  readonly pid: number;
  readonly users: number;
  readonly agents: ReadonlyMap<string, SocketAddress>;
  nowMs(): number;
  nextDynamicId(): number;
}

/** Per-call values keywords read. */
export interface KeywordCall {
  readonly callNumber: number;
  readonly callId: string;
  readonly cseq: number;
  readonly peerTag: string | undefined;
  readonly last: Received | undefined;
  readonly routeSet: string | undefined;
  readonly nextUrl: string | undefined;
  /** The index of the step being rendered (SIPp msg_index, used by `[branch]`). */
  readonly stepIndex: number;
  readonly userId: number;
  /** Where the call sends: the target for a uac, the peer for a uas. */
  readonly remote: SocketAddress;
  variable(name: string): VarValue | undefined;
  /** The injection row this call uses from file `fileIndex` (or row `line` when given). */
  injectionField(fileIndex: number, field: number, line: number | undefined): string;
}

export type Evaluator = (call: KeywordCall, env: KeywordEnv) => string;

export type Segment =
  | { readonly kind: 'text'; readonly text: string }
  /** `lastHeader`: SIPp drops the rest of the line when a `[last_*]` header is absent. */
  | { readonly kind: 'value'; readonly evaluate: Evaluator; readonly lastHeader: boolean }
  | { readonly kind: 'len'; readonly offset: number }
  | { readonly kind: 'auth'; readonly user: string | undefined; readonly password: string | undefined };

/** What keyword parsing needs to validate names at load. */
export interface KeywordScope {
  readonly agents: ReadonlyMap<string, SocketAddress>;
  readonly injection: readonly InjectionFile[];
}

const ipType = (host: string): string => (host.includes(':') ? '6' : '4');

/** Keywords without arguments or offsets. */
const SIMPLE: ReadonlyMap<string, Evaluator> = new Map<string, Evaluator>([
  ['service', (_c, e) => e.service],
  ['remote_ip', (c) => c.remote.host],
  ['remote_host', (c) => c.remote.host],
  ['remote_port', (c) => String(c.remote.port)],
  ['local_ip', (_c, e) => e.local.host],
  ['server_ip', (_c, e) => e.local.host],
  ['local_ip_type', (_c, e) => ipType(e.local.host)],
  ['transport', (_c, e) => (e.protocol === 'udp' ? 'UDP' : 'TCP')],
  ['media_ip', (_c, e) => e.media.host],
  ['media_ip_type', (_c, e) => ipType(e.media.host)],
  ['call_number', (c) => String(c.callNumber)],
  ['call_id', (c) => c.callId],
  ['peer_tag_param', (c) => (c.peerTag === undefined ? '' : `;tag=${c.peerTag}`)],
  ['routes', (c) => (c.routeSet === undefined ? '' : `Route: ${c.routeSet}`)],
  ['next_url', (c) => c.nextUrl ?? ''],
  ['pid', (_c, e) => String(e.pid)],
  ['date', (_c, e) => new Date(e.nowMs()).toUTCString()],
  ['timestamp', (_c, e) => new Date(e.nowMs()).toISOString()],
  ['clock_tick', (_c, e) => String(Math.floor(e.nowMs()))],
  ['msg_index', (c) => String(c.stepIndex)],
  ['sipp_version', () => RUNNER_VERSION],
  ['users', (_c, e) => String(e.users)],
  ['userid', (c) => String(c.userId)],
  ['dynamic_id', (_c, e) => String(e.nextDynamicId())],
  ['last_Request_URI', (c) => (c.last?.message?.kind === 'request' ? c.last.message.uriText : '')],
  ['last_message', (c) => c.last?.text ?? ''],
]);

/** Keywords that take `+N` / `-N`. */
const WITH_OFFSET: ReadonlyMap<string, (offset: number) => Evaluator> = new Map<string, (offset: number) => Evaluator>([
  ['cseq', (o) => (c) => String(c.cseq + o)],
  ['branch', (o) => (c, e) => `z9hG4bK-${e.pid}-${c.callNumber}-${c.stepIndex + o}`],
  ['media_port', (o) => (_c, e) => String(e.media.port + o)],
  ['local_port', (o) => (_c, e) => String(e.local.port + o)],
  ['remote_port', (o) => (c) => String(c.remote.port + o)],
  ['call_number', (o) => (c) => String(c.callNumber + o)],
  ['last_cseq_number', (o) => (c) => String((c.last?.message?.cseq.seq ?? 0) + o)],
]);

/** Known SIPp keywords this runner refuses (they need files, TDM maps or shell access). */
const UNSUPPORTED = new Set(['file', 'tdmmap', 'fill', 'rtpstream_audio_port', 'rtpstream_video_port', 'auto_media_port']);

/** Parses the text between `[` and `]` into a segment. */
export function compileKeyword(raw: string, location: SourceLocation, scope: KeywordScope): Segment {
  const text = raw.trim();
  const fail = (code: 'unknown-keyword' | 'unsupported' | 'bad-value', detail: string): never => {
    throw new ScenarioLoadError(code, location, detail);
  };
  const simple = SIMPLE.get(text);
  if (simple !== undefined) return value(simple);
  if (text.startsWith('$')) {
    const name = text.slice(1);
    if (name === '') fail('bad-value', 'empty variable name in [$]');
    return value((c) => formatVar(c.variable(name)));
  }
  const offset = /^([A-Za-z_]+)\s*([+-])\s*(\d+)$/.exec(text);
  const base = offset === null ? text : (offset[1] as string);
  const delta = offset === null ? 0 : Number(offset[3]) * (offset[2] === '-' ? -1 : 1);
  if (base === 'len') return { kind: 'len', offset: delta };
  const withOffset = WITH_OFFSET.get(base);
  if (withOffset !== undefined) return value(withOffset(delta));
  const agentRef = /^agent(_ip|_port)?:(.+)$/.exec(text);
  if (agentRef !== null) return agentKeyword(agentRef[1] ?? '', (agentRef[2] as string).trim(), scope, fail);
  if (text.startsWith('last_')) return lastHeader(text.slice(5));
  const field = /^field(\d+)(\s.*)?$/.exec(text);
  if (field !== null) return fieldKeyword(Number(field[1]), attributes(field[2] ?? ''), scope, fail);
  if (text === 'authentication' || text.startsWith('authentication ')) {
    const attrs = attributes(text.slice('authentication'.length));
    return { kind: 'auth', user: attrs.get('username'), password: attrs.get('password') };
  }
  if (UNSUPPORTED.has(text.split(/\s/)[0] as string)) fail('unsupported', `keyword [${text}] is not supported by this runner`);
  return fail('unknown-keyword', `unknown keyword [${text}]`);
}

function value(evaluate: Evaluator): Segment {
  return { kind: 'value', evaluate, lastHeader: false };
}

/** `[last_Via:]`: every line of that header in the last received message, whole (`Name: value`), CRLF-separated. */
function lastHeader(spec: string): Segment {
  const name = spec.endsWith(':') ? spec.slice(0, -1).trim() : spec.trim();
  const key = headerKey(name);
  const evaluate: Evaluator = (c) => {
    const message = c.last?.message;
    if (message === undefined) return '';
    let out = '';
    for (const h of message.headers) {
      if (h.key !== key) continue;
      if (out !== '') out += '\r\n';
      out += `${h.name}: ${h.value}`;
    }
    return out;
  };
  return { kind: 'value', evaluate, lastHeader: true };
}

function agentKeyword(part: string, name: string, scope: KeywordScope, fail: (code: 'bad-value', detail: string) => never): Segment {
  const address = scope.agents.get(name);
  if (address === undefined) return fail('bad-value', `[agent${part}:${name}] names no agent of this run`);
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  const text = part === '_ip' ? address.host : part === '_port' ? String(address.port) : `${host}:${address.port}`;
  return { kind: 'text', text };
}

function fieldKeyword(
  field: number, attrs: ReadonlyMap<string, string>, scope: KeywordScope,
  fail: (code: 'bad-value', detail: string) => never,
): Segment {
  let fileIndex = 0;
  const file = attrs.get('file');
  if (file !== undefined) {
    fileIndex = scope.injection.findIndex((f) => f.file === file || f.file.endsWith(`/${file}`));
    if (fileIndex < 0) fail('bad-value', `[field${field}] names injection file "${file}" that was not given`);
  } else if (scope.injection.length === 0) {
    fail('bad-value', `[field${field}] needs an injection file (-inf)`);
  }
  const lineText = attrs.get('line');
  const line = lineText === undefined ? undefined : Number(lineText);
  if (line !== undefined && !(Number.isInteger(line) && line >= 0)) fail('bad-value', `[field${field}] line=${lineText} is not a row number`);
  return value((c) => c.injectionField(fileIndex, field, line));
}

/** `name=value name="v a l"` pairs. */
function attributes(text: string): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/([A-Za-z_]+)\s*=\s*(?:"([^"]*)"|(\S+))/g)) out.set(m[1] as string, m[2] ?? m[3] ?? '');
  return out;
}
