/** Test wiring for the executor: a manual clock, an in-memory loopback network with loss hooks, scenario builders. */
import type { InboundPacket, OutboundPacket, SocketAddress, Transport } from '../../engine/ports/transport';
import { ClockTimerService, ManualClock } from '../../engine/timers';
import { SeededRandom } from '../../simulator/prng';
import type { Action, AgentScenario, Duration, RecvMatch, Step } from '../model/scenario';
import type { ErrorLogEntry } from '../model/stats';
import type { AgentRunnerApi, AgentRunnerOptions } from './agent-runner-api';
import { createAgentRunner } from './agent-runner';

export const LOCATION = { file: 'test.xml', line: 1 };

export interface World {
  readonly clock: ManualClock;
  readonly timers: ClockTimerService;
  readonly random: SeededRandom;
  /** Every packet put on the wire, in order, as text. */
  readonly wire: { readonly from: SocketAddress; readonly to: SocketAddress; readonly text: string }[];
  readonly timerErrors: unknown[];
  /** Return true to drop a packet (loss). */
  drop: (text: string, to: SocketAddress) => boolean;
  transport(local: SocketAddress): Transport;
  attach(address: SocketAddress, receive: (packet: InboundPacket) => void): void;
  advance(ms: number): void;
}

const key = (a: SocketAddress): string => `${a.host}:${a.port}`;

export function newWorld(seed = 1, latencyMs = 1): World {
  const clock = new ManualClock(0);
  const timerErrors: unknown[] = [];
  const timers = new ClockTimerService(clock, { onError: (e) => timerErrors.push(e) });
  const handlers = new Map<string, (packet: InboundPacket) => void>();
  const world: World = {
    clock, timers, random: SeededRandom.fromSeed(seed), wire: [], timerErrors,
    drop: () => false,
    transport: (local) => ({
      send(packet: OutboundPacket) {
        const text = Buffer.from(packet.data).toString('utf8');
        world.wire.push({ from: local, to: packet.destination, text });
        if (world.drop(text, packet.destination)) return;
        const data = packet.data;
        timers.schedule(latencyMs, () => handlers.get(key(packet.destination))?.({ protocol: 'udp', local: packet.destination, source: local, data }));
      },
      onFailure() {},
      isReliable: () => false,
    }),
    attach: (address, receive) => handlers.set(key(address), receive),
    advance: (ms) => clock.advanceBy(ms),
  };
  return world;
}

export const UAC_ADDR: SocketAddress = { host: '127.0.0.1', port: 5061 };
export const UAS_ADDR: SocketAddress = { host: '127.0.0.1', port: 5062 };

export function agentOptions(world: World, scenario: AgentScenario, local: SocketAddress, overrides: Partial<AgentRunnerOptions> = {}): AgentRunnerOptions {
  return {
    scenario, transport: world.transport(local), clock: world.clock, timers: world.timers, random: world.random.fork(scenario.name),
    local, protocol: 'udp', ...(scenario.role === 'uac' ? { remote: UAS_ADDR } : {}),
    agents: new Map(), media: { host: local.host, port: 6000 }, service: 'service',
    callControl: { rate: 10, ratePeriodMs: 1000 },
    timing: { t1Ms: 500, t2Ms: 4000, maxInviteRetrans: 5, maxNonInviteRetrans: 7, defaultPauseMs: 1000 },
    behaviors: { bye: true, abortUnexpected: true, autoAnswer: false },
    injection: [], variables: new Map(),
    ...overrides,
  };
}

/** A runner attached to the world's network, with its error log collected. */
export function runner(world: World, options: AgentRunnerOptions): { agent: AgentRunnerApi; errors: ErrorLogEntry[] } {
  const errors: ErrorLogEntry[] = [];
  const agent = createAgentRunner({ ...options, onError: (e) => errors.push(e) });
  world.attach(options.local, (p) => agent.receive(p));
  return { agent, errors };
}

export function scenario(name: string, role: 'uac' | 'uas', steps: Step[], labels: Record<string, number> = {}, extra: Partial<AgentScenario> = {}): AgentScenario {
  return { name, role, location: LOCATION, steps, labels: new Map(Object.entries(labels)), globalVariables: [], userVariables: [], referenceVariables: [], ...extra };
}

export const send = (message: string, extra: Partial<Extract<Step, { kind: 'send' }>> = {}): Step => ({ kind: 'send', location: LOCATION, message, ...extra });
export const recvResponse = (code: number, extra: Partial<Extract<Step, { kind: 'recv' }>> = {}): Step => recv({ kind: 'response', code }, extra);
export const recvRequest = (method: string, extra: Partial<Extract<Step, { kind: 'recv' }>> = {}): Step => recv({ kind: 'request', method }, extra);
export const recv = (match: RecvMatch, extra: Partial<Extract<Step, { kind: 'recv' }>> = {}): Step => ({ kind: 'recv', location: LOCATION, match, optional: false, actions: [], ...extra });
export const pause = (ms: number): Step => ({ kind: 'pause', location: LOCATION, duration: { kind: 'fixed', ms } as Duration });
export const nop = (actions: Action[], extra: Partial<Extract<Step, { kind: 'nop' }>> = {}): Step => ({ kind: 'nop', location: LOCATION, actions, ...extra });

export const INVITE = `
  INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
  Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
  From: sipp <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
  To: [service] <sip:[service]@[remote_ip]:[remote_port]>
  Call-ID: [call_id]
  CSeq: 1 INVITE
  Contact: sip:sipp@[local_ip]:[local_port]
  Max-Forwards: 70
  Content-Type: application/sdp
  Content-Length: [len]

  v=0
  o=user1 53655765 2353687637 IN IP[local_ip_type] [local_ip]
  s=-
  c=IN IP[media_ip_type] [media_ip]
  t=0 0
  m=audio [media_port] RTP/AVP 0
`;

const inDialog = (method: string, cseq: number): string => `
  ${method} sip:[service]@[remote_ip]:[remote_port] SIP/2.0
  Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
  From: sipp <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
  To: [service] <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
  Call-ID: [call_id]
  CSeq: ${cseq} ${method}
  Max-Forwards: 70
  Content-Length: 0
`;
export const ACK = inDialog('ACK', 1);
export const BYE = inDialog('BYE', 2);

export const response = (status: string, toTag = true, extra = ''): string => `
  SIP/2.0 ${status}
  [last_Via:]
  [last_From:]
  [last_To:]${toTag ? ';tag=[pid]SIPpTag01[call_number]' : ''}
  [last_Call-ID:]
  [last_CSeq:]
  Contact: <sip:[local_ip]:[local_port];transport=[transport]>
  ${extra}
  Content-Length: 0
`;

/** SIPp's built-in uac, with a pause of `pauseMs`. */
export function basicUac(pauseMs = 1000): AgentScenario {
  return scenario('caller', 'uac', [
    send(INVITE, { retransMs: 500 }),
    recvResponse(100, { optional: true }),
    recvResponse(180, { optional: true }),
    recvResponse(200, { rtd: ['1'] }),
    send(ACK),
    pause(pauseMs),
    send(BYE, { retransMs: 500 }),
    recvResponse(200),
  ]);
}

/** SIPp's built-in uas, with a short time-wait. */
export function basicUas(): AgentScenario {
  return scenario('callee', 'uas', [
    recvRequest('INVITE'),
    send(response('180 Ringing')),
    send(response('200 OK'), { retransMs: 500 }),
    recvRequest('ACK', { optional: true, rtd: ['1'] }),
    recvRequest('BYE'),
    send(response('200 OK', false)),
    pause(500),
  ]);
}
