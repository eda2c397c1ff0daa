/**
 * One call walking an agent's steps (SIPp's call object): sends rendered templates, waits on recv
 * steps, pauses, runs actions and jumps, retransmits over UDP, and ends with success or a
 * failure reason. Incoming messages are handed in by `call-receive.ts` helpers via the agent.
 */
import type { SocketAddress } from '../../engine/ports/transport';
import type { SipMessage } from '../../engine/sip';
import type { TimerId } from '../../engine/timers/timer-service';
import type { Step } from '../model/scenario';
import type { FailureReason } from '../model/stats';
import { runActions, type ActionContext, type ActionOutcome } from './actions';
import type { AgentContext, Route } from './agent-context';
import { recordDuration } from './agent-stats';
import { StepBookkeeping } from './step-bookkeeping';
import type { CompiledStep } from './compile-scenario';
import { DialogMemory } from './dialog-memory';
import { digestHeaderLine, type Challenge } from './digest-auth';
import { sampleDuration } from './distributions';
import { injectionField, injectionRows } from './injection';
import type { KeywordCall, Received } from './keywords';
import { CallSender } from './call-sender';
import { runMiStep } from './mi-step';
import { renderTemplate, type AuthSegment, type CompiledTemplate } from './template';
import { VariableStore, type VarValue } from './variables';

export type CallState = 'running' | 'waiting' | 'paused' | 'ended';

/** A message this call received, and the latest send that followed it (re-sent when the peer retransmits it). */
export interface ReceivedEntry {
  readonly text: string;
  readonly recvStep: number;
  readonly request: boolean;
  reply: { readonly data: Uint8Array; readonly step: number; readonly route: Route; readonly response: boolean } | undefined;
}

/** How many received messages a call remembers for retransmission detection. */
const RECEIVED_MEMORY = 8;

export class Call implements KeywordCall {
  state: CallState = 'running';
  stepIndex = 0;
  cseq = 0;
  peerTag: string | undefined;
  last: Received | undefined;
  routeSet: string | undefined;
  nextUrl: string | undefined;
  readonly vars: VariableStore;
  readonly received: ReceivedEntry[] = [];
  readonly createdMs: number;
  route: Route;
  private waitTimer: TimerId | undefined;
  readonly sender: CallSender;
  private readonly bookkeeper: StepBookkeeping;
  private readonly rows: number[];
  private challenge: Challenge | undefined;
  readonly dialog = new DialogMemory();
  private readonly actionContext: ActionContext;

  constructor(
    readonly agent: AgentContext,
    readonly callId: string,
    readonly callNumber: number,
    route: Route,
  ) {
    this.createdMs = agent.nowMs();
    this.bookkeeper = new StepBookkeeping(this.createdMs);
    this.route = route;
    this.vars = new VariableStore(agent.globals, agent.compiled.globalNames, agent.initialVariables);
    this.rows = injectionRows(agent.options.injection, callNumber, this.userId, agent.random);
    this.sender = new CallSender(this);
    const self = this;
    this.actionContext = {
      vars: this.vars, random: agent.random, defaultPauseMs: agent.options.timing.defaultPauseMs,
      get received() { return self.actionMessage; },
      nowMs: () => agent.nowMs(),
      render: (t) => this.render(t),
      log: (level, text) => agent.log(level, this.callId, text),
      setDestination: (host, port) => { this.route = { destination: { host, port }, connectionId: undefined }; },
    };
  }

  /** The message actions look at (set while they run). */
  private actionMessage: Received | undefined;

  get userId(): number {
    return this.callNumber;
  }

  get remote(): SocketAddress {
    return this.route.destination;
  }

  variable(name: string): VarValue | undefined {
    return this.vars.get(name);
  }

  injectionField(fileIndex: number, field: number, line: number | undefined): string {
    return injectionField(this.agent.options.injection, this.rows, fileIndex, field, line);
  }

  private get steps(): readonly CompiledStep[] {
    return this.agent.compiled.steps;
  }

  /** Runs a callback so that a bug fails this call (reported) instead of escaping into the timer service or the socket owner. */
  guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      const detail = `internal error: ${err instanceof Error ? err.stack ?? err.message : String(err)}`;
      this.agent.log('error', this.callId, detail);
      if (this.state !== 'ended') this.fail('FailedUnexpectedMessage', detail, undefined, false);
    }
  }

  /** Walks steps until the call waits, pauses or ends. */
  run(): void {
    const steps = this.steps;
    while (this.state === 'running') {
      const cs = steps[this.stepIndex];
      if (cs === undefined) {
        this.end(true);
        return;
      }
      const s = cs.step;
      if (s.condexec !== undefined && this.vars.isSet(s.condexec) === (s.condexecInverse === true)) {
        this.stepIndex++;
        continue;
      }
      switch (s.kind) {
        case 'send':
          this.sender.sendStep(cs, s);
          if (this.state !== 'running') return;
          this.advance(cs);
          break;
        case 'sendCmd':
          this.bookkeeping(s);
          if (!this.sender.sendCommand(cs, s.dest)) return;
          this.advance(cs);
          break;
        case 'nop': {
          this.bookkeeping(s);
          this.agent.stats.steps[cs.index]!.messages++;
          if (!this.applyActions(cs, this.last)) this.advance(cs);
          break;
        }
        case 'pause': {
          this.bookkeeping(s);
          this.agent.stats.steps[cs.index]!.messages++;
          const timing = this.agent.options.timing;
          const ms = Math.round(sampleDuration(s.duration, this.agent.random, timing.defaultPauseMs, (n) => this.vars.number(n)));
          this.state = 'paused';
          this.waitTimer = this.agent.timers.schedule(ms, () => this.guard(() => {
            this.waitTimer = undefined;
            this.state = 'running';
            this.advance(cs);
            this.run();
          }));
          return;
        }
        case 'mi':
          this.bookkeeping(s);
          this.agent.stats.steps[cs.index]!.messages++;
          if (!runMiStep(this, cs, s)) return;
          this.advance(cs);
          break;
        case 'recv': case 'recvCmd':
          this.state = 'waiting';
          this.armWaitTimeout(cs);
          return;
        default: {
          const never: never = s;
          throw new Error(`unknown step ${JSON.stringify(never)}`);
        }
      }
    }
  }

  /** Moves past `cs`: to its `next` label when test and chance allow, else to the following step. */
  advance(cs: CompiledStep): void {
    const s = cs.step;
    if (cs.nextIndex !== undefined && this.testAllows(s) && (s.chance === undefined || this.agent.random.nextFloat() < s.chance)) {
      this.stepIndex = cs.nextIndex;
    } else {
      this.stepIndex = cs.index + 1;
    }
  }

  testAllows(s: Step): boolean {
    return s.test === undefined || this.vars.isSet(s.test);
  }

  /** Leaves a wait or pause for step `index` (a match, a jump, a timeout branch) and runs on. */
  resumeAt(index: number): void {
    this.clearWait();
    this.stepIndex = index;
    this.state = 'running';
    this.run();
  }

  clearWait(): void {
    if (this.waitTimer !== undefined) this.agent.timers.cancel(this.waitTimer);
    this.waitTimer = undefined;
  }

  private armWaitTimeout(cs: CompiledStep): void {
    const wait = cs.waitTimeout;
    if (wait === undefined) return;
    this.waitTimer = this.agent.timers.schedule(wait.ms, () => this.guard(() => {
      this.waitTimer = undefined;
      this.agent.stats.steps[wait.stepIndex]!.timeouts++;
      const target = this.steps[wait.stepIndex]?.onTimeoutIndex;
      if (target !== undefined) this.resumeAt(target);
      else this.fail('FailedTimeoutOnRecv', `timeout after ${wait.ms} ms waiting at step ${wait.stepIndex}`);
    }));
  }

  bookkeeping(s: Step): void {
    this.bookkeeper.apply(this.agent.stats, s, this.agent.nowMs());
  }

  /** Runs a step's actions on `message`; true when they ended, failed or moved the call. */
  applyActions(cs: CompiledStep, message: Received | undefined): boolean {
    if (cs.actions.length === 0) return false;
    this.actionMessage = message;
    let outcome: ActionOutcome;
    try {
      outcome = runActions(cs.actions, this.actionContext);
    } finally {
      this.actionMessage = undefined;
    }
    switch (outcome.kind) {
      case 'ok': return false;
      case 'fail': this.fail(outcome.reason, outcome.detail, message?.text); return true;
      case 'jump': this.resumeAt(outcome.index); return true;
      case 'stop':
        if (outcome.how === 'call') {
          this.fail('FailedCallRejected', 'stopped by exec int_cmd="stop_call"', message?.text);
          return true;
        }
        this.agent.stopAgent(outcome.how === 'now');
        return this.state === 'ended';
      default: {
        const never: never = outcome;
        throw new Error(`unknown outcome ${JSON.stringify(never)}`);
      }
    }
  }

  render(t: CompiledTemplate): string {
    return renderTemplate(t, this, this.agent.env, t.auth === undefined ? undefined : (text, seg) => this.authLine(text, seg));
  }

  private authLine(message: string, seg: AuthSegment): string {
    if (this.challenge === undefined) return '';
    const text = (name: string): string => { const v = this.vars.get(name); return v === undefined ? '' : String(v); };
    const requestLine = /^(\S+) (\S+) /.exec(message);
    return digestHeaderLine(this.challenge, seg.user ?? text('__auth_user'), seg.password ?? text('__auth_pass'), requestLine?.[1] ?? '', requestLine?.[2] ?? '', this.agent.random.token(16));
  }

  /** Remembers the dialog facts a received message carries (peer tag, final INVITE response, route set, challenge). */
  noteReceived(cs: CompiledStep, msg: SipMessage): void {
    if (msg.kind === 'request' && msg.cseq.seq > this.cseq) this.cseq = msg.cseq.seq;
    this.dialog.noteReceived(msg);
    const s = cs.step;
    if (s.kind !== 'recv') return;
    if (s.rrs === true && this.routeSet === undefined) {
      const rr = msg.headerValues('record-route');
      const ordered = msg.kind === 'response' ? [...rr].reverse() : rr;
      if (ordered.length > 0) this.routeSet = ordered.join(', ');
      const contact = msg.header('contact');
      if (contact !== undefined) this.nextUrl = /<([^>]*)>/.exec(contact)?.[1] ?? contact.split(';')[0]?.trim();
    }
    if (s.auth === true && msg.kind === 'response' && (msg.status === 401 || msg.status === 407)) {
      const value = msg.header(msg.status === 401 ? 'www-authenticate' : 'proxy-authenticate');
      if (value !== undefined) this.challenge = { status: msg.status, value };
    }
  }

  rememberReceived(text: string, recvStep: number, request: boolean): void {
    if (this.received.length >= RECEIVED_MEMORY) this.received.shift();
    this.received.push({ text, recvStep, request, reply: undefined });
  }

  /** Sends a message the scenario did not write (cleanup, auto-answer) to the call's peer. */
  sendExtra(text: string): void {
    this.agent.transmit(this.callId, text, this.route);
  }

  fail(reason: FailureReason, detail: string, message?: string, cleanup = true): void {
    if (this.state === 'ended') return;
    const stats = this.agent.stats;
    stats.failedCalls++;
    stats.failures[reason]++;
    this.agent.error({ callId: this.callId, stepIndex: this.stepIndex, reason, detail, ...(message === undefined ? {} : { message }) });
    if (cleanup && this.agent.options.behaviors.bye) this.cleanupPeer();
    this.end(false);
  }

  /** SIPp abortCall: tell the peer the call is over. */
  private cleanupPeer(): void {
    const o = this.agent.options;
    const local = { host: o.local.host, port: o.local.port, protocol: o.protocol };
    const prefix = `z9hG4bK-${this.agent.env.pid}-${this.callNumber}-abort`;
    for (const text of this.dialog.cleanup(local, prefix, this.cseq)) this.sendExtra(text);
  }

  /** Ends the call: timers off, stats, and the agent told. `success` false when `fail` already counted it. */
  end(success: boolean, counted = true): void {
    if (this.state === 'ended') return;
    this.state = 'ended';
    this.clearWait();
    this.sender.stop();
    const stats = this.agent.stats;
    stats.currentCalls--;
    if (counted) {
      if (success) stats.successfulCalls++;
      recordDuration(stats.callLength, this.agent.nowMs() - this.createdMs);
    }
    this.agent.callEnded(this.callId);
  }
}
