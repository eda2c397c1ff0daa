/**
 * A SIP message or 3PCC command arriving for a live call (SIPp call::process_incoming and
 * process_twinSippCom): peer retransmissions re-trigger our answer, a matched recv advances the
 * call, anything else is unexpected (auto-answered, or the call fails and cleans up).
 */
import type { SipMessage, SipRequest } from '../../engine/sip';
import type { AgentContext } from './agent-context';
import type { Call, ReceivedEntry } from './call';
import { ok200 } from './cleanup-messages';
import type { CompiledStep } from './compile-scenario';
import type { Received } from './keywords';
import { findRecvStep, stepMatches } from './recv-matching';

/** SIPp -aa: requests answered 200 wherever they arrive. */
export const AUTO_ANSWER_METHODS: ReadonlySet<string> = new Set(['OPTIONS', 'INFO', 'NOTIFY', 'UPDATE']);

export interface SipReceived extends Received {
  readonly message: SipMessage;
}

/**
 * When `text` repeats a message already received (a UDP retransmission), re-send what we sent
 * after it and report true (SIPp's recv_retrans_hash). Also used for calls that just ended.
 */
export function absorbRetransmission(agent: AgentContext, callId: string, entries: readonly ReceivedEntry[], text: string): boolean {
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i] as ReceivedEntry;
    if (e.text.length !== text.length || e.text !== text) continue;
    const stats = agent.stats;
    stats.steps[e.recvStep]!.retransmissions++;
    if (e.reply !== undefined) {
      agent.retransmit(callId, e.reply.data, e.reply.route);
      stats.steps[e.reply.step]!.retransmissions++;
      stats.retransmissions++;
    }
    return true;
  }
  return false;
}

export function receiveInCall(call: Call, received: SipReceived): void {
  const agent = call.agent;
  const msg = received.message;
  if (agent.retransEnabled && absorbRetransmission(agent, call.callId, call.received, received.text)) return;
  if (msg.kind === 'response' && msg.toTag !== undefined) call.peerTag = msg.toTag;
  const steps = agent.compiled.steps;
  const found = findRecvStep(steps, call.stepIndex, msg);
  if (found.kind === 'ack-again') {
    const ack = steps[found.sendIndex] as CompiledStep;
    agent.retransmit(call.callId, Buffer.from(call.render(ack.template!), 'utf8'), call.route);
    agent.stats.steps[found.sendIndex]!.retransmissions++;
    agent.stats.retransmissions++;
    return;
  }
  if (found.kind === 'none') {
    if (!absorbLateAck(call, msg)) unexpected(call, received);
    return;
  }
  const cs = steps[found.index] as CompiledStep;
  const s = cs.step;
  if (s.kind !== 'recv') throw new Error('recv step expected');
  if (s.lostPercent !== undefined && agent.random.nextFloat() * 100 < s.lostPercent) {
    agent.stats.steps[cs.index]!.lost++;
    return;
  }
  call.bookkeeping(s);
  agent.stats.steps[cs.index]!.messages++;
  call.last = received;
  call.noteReceived(cs, msg);
  call.sender.onMatched(cs.index, msg);
  call.rememberReceived(received.text, cs.index, msg.kind === 'request');
  if (call.applyActions(cs, received)) return;
  // SIPp: a mandatory recv (or an optional one with a taken `next`) moves the call; other optional ones leave it waiting.
  if (s.optional === false || (cs.nextIndex !== undefined && call.testAllows(s))) {
    call.clearWait();
    call.advance(cs);
    call.state = 'running';
    call.run();
  }
}

/**
 * Deviation from SIPp: an ACK matching a recv already passed (a re-sent ACK racing our next step)
 * is absorbed, counted as a retransmission there; an ACK never gets an answer, so ignoring it is safe.
 */
function absorbLateAck(call: Call, msg: SipMessage): boolean {
  if (msg.kind !== 'request' || msg.method !== 'ACK') return false;
  const steps = call.agent.compiled.steps;
  for (let i = Math.min(call.stepIndex, steps.length) - 1; i >= 0; i--) {
    if (stepMatches(steps[i] as CompiledStep, msg)) {
      call.agent.stats.steps[i]!.retransmissions++;
      return true;
    }
  }
  return false;
}

function unexpected(call: Call, received: SipReceived): void {
  const agent = call.agent;
  const msg = received.message;
  const behaviors = agent.options.behaviors;
  const counts = agent.stats.steps[Math.min(call.stepIndex, agent.stats.steps.length - 1)];
  if (msg.kind === 'request' && behaviors.autoAnswer && AUTO_ANSWER_METHODS.has(msg.method)) {
    call.sendExtra(answer200(agent, msg));
    agent.stats.autoAnswered++;
    return;
  }
  if (counts !== undefined) counts.unexpected++;
  const what = msg.kind === 'request' ? msg.method : `${msg.status} ${msg.cseq.method}`;
  if (msg.kind === 'request' && (msg.method === 'BYE' || msg.method === 'CANCEL') && behaviors.bye) {
    // The peer hung up: answer it and fail without telling it again (SIPp E_AM_UNEXP_BYE/CANCEL).
    call.sendExtra(answer200(agent, msg));
    call.last = received;
    if (behaviors.abortUnexpected) call.fail('FailedUnexpectedMessage', `unexpected ${what} at step ${call.stepIndex}`, received.text, false);
    return;
  }
  if (behaviors.abortUnexpected) {
    call.fail('FailedUnexpectedMessage', `unexpected ${what} at step ${call.stepIndex}`, received.text);
    return;
  }
  agent.error({ callId: call.callId, stepIndex: call.stepIndex, reason: 'FailedUnexpectedMessage', detail: `unexpected ${what} ignored`, message: received.text });
}

export function answer200(agent: AgentContext, request: SipRequest): string {
  const o = agent.options;
  return ok200(request, { host: o.local.host, port: o.local.port, protocol: o.protocol }, `${agent.env.pid}-ooc-${request.cseq.seq}`);
}

/** A 3PCC command for this call: the next recvCmd (over optional recvs) takes it, else the call fails. */
export function commandInCall(call: Call, text: string, from: string): void {
  const steps = call.agent.compiled.steps;
  let index = -1;
  for (let i = call.stepIndex; i < steps.length; i++) {
    const s = (steps[i] as CompiledStep).step;
    if (s.kind === 'recvCmd') {
      if (s.src === undefined || s.src === from) index = i;
      break;
    }
    if (!(s.kind === 'recv' && s.optional !== false)) break;
  }
  if (index < 0) {
    call.fail('FailedUnexpectedMessage', `unexpected command from ${from} at step ${call.stepIndex}`, text);
    return;
  }
  const cs = steps[index] as CompiledStep;
  call.bookkeeping(cs.step);
  call.agent.stats.steps[index]!.messages++;
  if (call.applyActions(cs, { text: text.replace(/(\r\n)+$/, ''), message: undefined })) return;
  call.clearWait();
  call.advance(cs);
  call.state = 'running';
  call.run();
}

