/**
 * A call's outgoing side: renders and sends a step's message, keeps what the peer's repeats should
 * re-trigger, and runs the UDP retransmission of the last send (SIPp: every request but ACK by
 * default, any send with `retrans`; RFC 3261 §17.1.1.2, §17.1.2.2), or sends a 3PCC command.
 */
import type { SipMessage } from '../../engine/sip';
import type { SendStep } from '../model/scenario';
import type { Route } from './agent-context';
import type { Call } from './call';
import type { CompiledStep } from './compile-scenario';
import { Retransmission } from './retransmission';
import type { CompiledTemplate } from './template';

export class CallSender {
  private readonly retrans: Retransmission;
  private last: { data: Uint8Array; route: Route } | undefined;

  constructor(private readonly call: Call) {
    this.retrans = new Retransmission(call.agent.timers, call.agent.options.timing.t2Ms, {
      resend: (step) => call.guard(() => this.resend(step)),
      exhausted: (step) => call.guard(() => call.fail('FailedMaxUDPRetrans', `no answer after ${this.maxRetrans(step)} retransmissions of step ${step}`)),
    });
  }

  sendStep(cs: CompiledStep, s: SendStep): void {
    const call = this.call;
    const agent = call.agent;
    const method = cs.sendsRequest ? cs.template?.firstWord : undefined;
    // SIPp increments [cseq] before every request except ACK and CANCEL.
    if (cs.sendsRequest && method !== 'ACK' && method !== 'CANCEL') call.cseq++;
    call.bookkeeping(s);
    const text = call.render(cs.template as CompiledTemplate);
    const destination = s.to === undefined ? undefined : agent.options.agents.get(s.to);
    const route = destination === undefined ? call.route : { destination, connectionId: undefined };
    const counts = agent.stats.steps[cs.index]!;
    let data: Uint8Array;
    if (s.lostPercent !== undefined && agent.random.nextFloat() * 100 < s.lostPercent) {
      counts.lost++;
      data = Buffer.from(text, 'utf8');
    } else {
      data = agent.transmit(call.callId, text, route);
      counts.messages++;
    }
    call.dialog.noteSent(text);
    const isRequest = cs.sendsRequest && !text.startsWith('SIP/2.0');
    // The answer to re-send when the peer repeats its last message: the first send after it (SIPp),
    // or for a request the latest response to it (a 200 after a 180, RFC 3261 §17.2.1).
    const latest = call.received[call.received.length - 1];
    if (latest !== undefined && (latest.reply === undefined || (latest.request && latest.reply.response && !isRequest))) {
      latest.reply = { data, step: cs.index, route, response: !isRequest };
    }
    const sentMethod = isRequest ? text.slice(0, text.indexOf(' ')) : '';
    if (agent.retransEnabled && (s.retransMs !== undefined || (isRequest && sentMethod !== 'ACK'))) {
      this.last = { data, route };
      this.retrans.start(cs.index, s.retransMs ?? agent.options.timing.t1Ms, sentMethod === 'INVITE', this.maxRetrans(cs.index));
    } else {
      this.retrans.stop();
    }
  }

  /** SIPp's rules after a matched message: finals, requests that end a transaction, and INVITE provisionals stop it. */
  onMatched(index: number, msg: SipMessage): void {
    if (!this.retrans.active || index <= this.retrans.stepIndex) return;
    if (msg.kind === 'response') {
      if (msg.status >= 200 || msg.cseq.method === 'INVITE') this.retrans.stop();
      else this.retrans.slowToT2();
    } else if (msg.method === 'ACK' || msg.method === 'CANCEL' || msg.method === 'BYE' || msg.method === 'PRACK') {
      this.retrans.stop();
    }
  }

  stop(): void {
    this.retrans.stop();
  }

  /** A 3PCC command out (SIPp sendCmd); false when the call failed because nobody took it. */
  sendCommand(cs: CompiledStep, dest: string | undefined): boolean {
    const call = this.call;
    const text = call.render(cs.template as CompiledTemplate);
    const bus = call.agent.options.commandBus;
    if (bus === undefined || !bus.send(call.agent.name, dest, text)) {
      call.fail('FailedCmdNotSent', `sendCmd at step ${cs.index}: no command peer${dest === undefined ? '' : ` "${dest}"`}`);
      return false;
    }
    call.agent.stats.steps[cs.index]!.messages++;
    return true;
  }

  private maxRetrans(step: number): number {
    const timing = this.call.agent.options.timing;
    return this.call.agent.compiled.steps[step]?.template?.firstWord === 'INVITE' ? timing.maxInviteRetrans : timing.maxNonInviteRetrans;
  }

  private resend(step: number): void {
    const r = this.last;
    if (r === undefined) return;
    const agent = this.call.agent;
    agent.retransmit(this.call.callId, r.data, r.route);
    agent.stats.steps[step]!.retransmissions++;
    agent.stats.retransmissions++;
  }
}
