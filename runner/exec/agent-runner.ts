/**
 * The executor for one agent (SIPp's main loop, sans-I/O): creates calls (uac pacing, or a uas
 * accepting new Call-IDs its first recv expects), demultiplexes packets by Call-ID, handles
 * out-of-call messages, and reports when the run is over.
 */
import type { InboundPacket, OutboundPacket } from '../../engine/ports/transport';
import { parseMessage } from '../../engine/sip';
import type { AgentStats, ErrorLogEntry } from '../model/stats';
import type { AgentContext, Route } from './agent-context';
import type { AgentRunnerApi, AgentRunnerOptions } from './agent-runner-api';
import { createAgentStats } from './agent-stats';
import { Call } from './call';
import { CallGenerator } from './call-generator';
import { AUTO_ANSWER_METHODS, absorbRetransmission, answer200, commandInCall, receiveInCall } from './call-receive';
import { compileScenario } from './compile-scenario';
import { EndedCalls } from './ended-calls';
import type { KeywordEnv } from './keywords';
import { findForward } from './recv-matching';
import type { VarValue } from './variables';

export function createAgentRunner(options: AgentRunnerOptions): AgentRunnerApi {
  return new AgentRunner(options);
}

class AgentRunner implements AgentRunnerApi, AgentContext {
  readonly name: string;
  readonly stats: AgentStats;
  readonly compiled;
  readonly env: KeywordEnv;
  readonly timers;
  readonly random;
  readonly globals = new Map<string, VarValue>();
  readonly initialVariables: ReadonlyMap<string, VarValue>;
  readonly retransEnabled: boolean;
  private readonly calls = new Map<string, Call>();
  private readonly ended: EndedCalls;
  private readonly generator: CallGenerator | undefined;
  private readonly failedPackets = new WeakMap<OutboundPacket, string>();
  private readonly finishListeners: (() => void)[] = [];
  private callNumber = 0;
  private endedCount = 0;
  private started = false;
  private stopped = false;
  private finishedReported = false;
  private dynamicId = 0;

  constructor(readonly options: AgentRunnerOptions) {
    const scenario = options.scenario;
    this.name = scenario.name;
    this.timers = options.timers;
    this.random = options.random.fork(`agent:${scenario.name}`);
    this.compiled = compileScenario(scenario, { agents: options.agents, injection: options.injection }, options.timing.recvTimeoutMs);
    this.stats = createAgentStats(scenario.name, scenario.steps, options.clock.nowMs(), scenario.responseTimeRepartitionMs, scenario.callLengthRepartitionMs);
    this.retransEnabled = options.protocol === 'udp' && options.timing.noRetrans !== true;
    this.initialVariables = new Map<string, VarValue>([...(scenario.initialVariables ?? []), ...options.variables]);
    this.ended = new EndedCalls(options.clock, options.timers, 64 * options.timing.t1Ms);
    const clock = options.clock;
    this.env = {
      service: options.service, local: options.local, media: options.media, protocol: options.protocol,
      pid: options.pid ?? 1, users: options.callControl.limit ?? 0, agents: options.agents,
      nowMs: () => clock.nowMs(),
      nextDynamicId: () => this.dynamicId++,
    };
    if (scenario.role === 'uac' && !this.compiled.startsWithRecvCmd) {
      if (this.defaultRoute() === undefined) throw new Error(`agent "${this.name}": a uac needs a remote address or a target agent`);
      const limit = options.callControl.limit;
      this.generator = new CallGenerator(clock, options.timers, options.callControl,
        () => limit === undefined || this.calls.size < limit, () => this.startOutgoingCall());
    }
    options.transport.onFailure((failure, packet) => {
      const call = this.calls.get(this.failedPackets.get(packet) ?? '');
      call?.guard(() => call.fail('FailedCannotSendMessage', `${failure.kind}: ${failure.detail}`));
    });
    // Commands are taken on a zero-delay timer: the sender is still inside its sendCmd step when the bus delivers.
    options.commandBus?.register(this.name, (message, from) => {
      options.timers.schedule(0, () => this.onCommand(message, from));
    });
  }

  get liveCalls(): number {
    return this.calls.size;
  }

  get finished(): boolean {
    if (!this.started || this.calls.size > 0) return false;
    if (this.stopped) return true;
    if (this.generator !== undefined) return this.generator.exhausted;
    const max = this.options.callControl.maxCalls;
    return max !== undefined && this.endedCount >= max;
  }

  onFinished(listener: () => void): void {
    this.finishListeners.push(listener);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.generator?.start();
    this.checkFinished();
  }

  stop(now = false): void {
    this.stopped = true;
    this.generator?.stop();
    if (now) {
      // Aborted calls count neither as successes nor failures: the run was cut short (SIPp stop_now).
      for (const call of [...this.calls.values()]) call.end(false, false);
      this.ended.clear();
    }
    this.checkFinished();
  }

  nowMs(): number {
    return this.options.clock.nowMs();
  }

  receive(packet: InboundPacket): void {
    const parsed = parseMessage(packet.data);
    const text = Buffer.from(packet.data.buffer, packet.data.byteOffset, packet.data.byteLength).toString('utf8');
    if (!parsed.ok) {
      this.log('warn', '', `dropped an unparseable packet from ${packet.source.host}:${packet.source.port}: ${parsed.error.reason}`);
      return;
    }
    const msg = parsed.message;
    this.options.onMessage?.({ atMs: this.nowMs(), direction: 'received', callId: msg.callId, text, peer: packet.source });
    const received = { text, message: msg };
    const call = this.calls.get(msg.callId);
    if (call !== undefined) {
      call.guard(() => receiveInCall(call, received));
      return;
    }
    const recent = this.ended.get(msg.callId);
    if (recent !== undefined && absorbRetransmission(this, msg.callId, recent, text)) return;
    if (this.acceptsNewCall() && findForward(this.compiled.steps, this.compiled.firstRecvIndex, msg) >= 0) {
      const created = this.createCall(msg.callId, { destination: packet.source, connectionId: packet.connectionId }, 'incoming');
      created.guard(() => {
        created.run();
        if (created.state !== 'ended') receiveInCall(created, received);
      });
      return;
    }
    this.outOfCall(received.message, text, { destination: packet.source, connectionId: packet.connectionId });
  }

  private acceptsNewCall(): boolean {
    if (this.options.scenario.role !== 'uas' || !this.started || this.stopped || this.compiled.firstRecvIndex < 0) return false;
    const max = this.options.callControl.maxCalls;
    const limit = this.options.callControl.limit;
    return (max === undefined || this.callNumber < max) && (limit === undefined || this.calls.size < limit);
  }

  /** SIPp ooc_default: count it; answer pings with -aa and stray BYE/CANCEL with the bye behaviour; log the rest. */
  private outOfCall(msg: ReturnType<typeof parseMessage> extends infer R ? R extends { ok: true; message: infer M } ? M : never : never, text: string, route: Route): void {
    this.stats.outOfCallMessages++;
    const b = this.options.behaviors;
    if (msg.kind === 'request') {
      const stray = (msg.method === 'BYE' || msg.method === 'CANCEL') && b.bye;
      if ((b.autoAnswer && AUTO_ANSWER_METHODS.has(msg.method)) || stray) {
        if (!stray) this.stats.autoAnswered++;
        this.transmit(msg.callId, answer200(this, msg), route);
        return;
      }
    }
    const what = msg.kind === 'request' ? msg.method : `${msg.status} ${msg.cseq.method}`;
    this.error({ callId: msg.callId, stepIndex: -1, reason: 'FailedUnexpectedMessage', detail: `out-of-call ${what} discarded`, message: text });
  }

  private onCommand(message: string, from: string): void {
    const callId = /^[ \t]*Call-ID[ \t]*:[ \t]*(\S+)/im.exec(message)?.[1];
    if (callId === undefined) {
      this.log('warn', '', `command from ${from} without a Call-ID dropped`);
      return;
    }
    const call = this.calls.get(callId);
    if (call !== undefined) {
      call.guard(() => {
        if (/internal-cmd:[ \t]*abort_call/i.test(message)) call.fail('FailedCallRejected', `aborted by ${from}`);
        else commandInCall(call, message, from);
      });
      return;
    }
    if (this.compiled.startsWithRecvCmd && this.started && !this.stopped) {
      const route = this.defaultRoute();
      if (route === undefined) throw new Error(`agent "${this.name}": no destination for calls started by commands`);
      const created = this.createCall(callId, route, this.options.scenario.role === 'uas' ? 'incoming' : 'outgoing');
      created.guard(() => {
        created.run();
        if (created.state !== 'ended') commandInCall(created, message, from);
      });
      return;
    }
    this.log('warn', callId, `command from ${from} for no live call dropped`);
  }

  private defaultRoute(): Route | undefined {
    const target = this.options.scenario.target;
    const destination = target === undefined ? this.options.remote : this.options.agents.get(target);
    return destination === undefined ? undefined : { destination, connectionId: undefined };
  }

  private startOutgoingCall(): void {
    const call = this.createCall(undefined, this.defaultRoute() as Route, 'outgoing');
    call.guard(() => call.run());
  }

  private createCall(callId: string | undefined, route: Route, direction: 'incoming' | 'outgoing'): Call {
    const number = ++this.callNumber;
    const id = callId ?? this.formatCallId(number);
    const call = new Call(this, id, number, route);
    this.calls.set(id, call);
    const stats = this.stats;
    stats.totalCallsCreated++;
    stats.currentCalls++;
    if (direction === 'incoming') stats.incomingCalls++;
    else stats.outgoingCalls++;
    return call;
  }

  private formatCallId(n: number): string {
    const pattern = this.options.callIdPattern ?? '%u-%p@%s';
    return pattern.replace(/%([ups%])/g, (_m, c: string) => (c === 'u' ? String(n) : c === 'p' ? String(this.env.pid) : c === 's' ? this.options.local.host : '%'));
  }

  transmit(callId: string, text: string, route: Route): Uint8Array {
    const data = Buffer.from(text, 'utf8');
    this.retransmit(callId, data, route);
    return data;
  }

  retransmit(callId: string, data: Uint8Array, route: Route): void {
    const o = this.options;
    const packet: OutboundPacket = { protocol: o.protocol, local: o.local, destination: route.destination, ...(route.connectionId === undefined ? {} : { connectionId: route.connectionId }), data };
    if (this.calls.has(callId)) this.failedPackets.set(packet, callId);
    o.transport.send(packet);
    if (o.onMessage !== undefined) {
      o.onMessage({ atMs: this.nowMs(), direction: 'sent', callId, text: Buffer.from(data).toString('utf8'), peer: route.destination });
    }
  }

  error(entry: Omit<ErrorLogEntry, 'agent' | 'atMs'>): void {
    this.options.onError?.({ atMs: this.nowMs(), agent: this.name, ...entry });
  }

  log(level: 'info' | 'warn' | 'error', callId: string, text: string): void {
    this.options.onLog?.({ atMs: this.nowMs(), agent: this.name, level, callId, text });
  }

  callEnded(callId: string): void {
    const call = this.calls.get(callId);
    if (call === undefined) return;
    this.calls.delete(callId);
    this.endedCount++;
    if (this.retransEnabled && !this.stopped) this.ended.add(callId, call.received);
    this.generator?.poke();
    this.checkFinished();
  }

  stopAgent(now: boolean): void {
    this.stop(now);
  }

  private checkFinished(): void {
    if (this.finishedReported || !this.finished) return;
    this.finishedReported = true;
    for (const listener of this.finishListeners) listener();
  }
}
