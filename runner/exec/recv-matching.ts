/**
 * Which recv step an incoming message belongs to, as SIPp decides (call.cpp process_incoming):
 * forward from the current step over optional recvs up to the first mandatory one, then back over
 * the contiguous optional recvs just behind (any `optional="global"` one further back).
 */
import type { SipMessage } from '../../engine/sip';
import type { CompiledStep } from './compile-scenario';

export type RecvMatchResult =
  | { readonly kind: 'found'; readonly index: number }
  /** A response to an old INVITE whose recv is behind us and followed by our ACK: send that ACK again. */
  | { readonly kind: 'ack-again'; readonly sendIndex: number }
  | { readonly kind: 'none' };

const NONE: RecvMatchResult = { kind: 'none' };

export function stepMatches(cs: CompiledStep, msg: SipMessage): boolean {
  const s = cs.step;
  if (s.kind !== 'recv') return false;
  const m = s.match;
  if (m.kind === 'request') {
    if (msg.kind !== 'request') return false;
    if (typeof m.method === 'string') return m.method === msg.method;
    m.method.lastIndex = 0;
    return m.method.test(msg.method);
  }
  if (msg.kind !== 'response') return false;
  if (typeof m.code === 'number') {
    if (m.code !== msg.status) return false;
  } else {
    m.code.lastIndex = 0;
    if (!m.code.test(String(msg.status))) return false;
  }
  // SIPp's CSeq-method guard: a response only matches when we sent a request of that method before.
  return cs.responseMethods === undefined || cs.responseMethods.has(msg.cseq.method);
}

function optionalOf(cs: CompiledStep): boolean | 'global' {
  return cs.step.kind === 'recv' ? cs.step.optional : false;
}

export function findForward(steps: readonly CompiledStep[], from: number, msg: SipMessage): number {
  for (let i = from; i < steps.length; i++) {
    const cs = steps[i] as CompiledStep;
    if (stepMatches(cs, msg)) return i;
    if (optionalOf(cs) === false) break;
  }
  return -1;
}

export function findRecvStep(steps: readonly CompiledStep[], from: number, msg: SipMessage): RecvMatchResult {
  const forward = findForward(steps, from, msg);
  if (forward >= 0) return { kind: 'found', index: forward };
  let contiguous = true;
  for (let i = from - 1; i >= 0; i--) {
    const cs = steps[i] as CompiledStep;
    const optional = optionalOf(cs);
    if (optional === false) contiguous = false;
    if (!stepMatches(cs, msg)) continue;
    if (contiguous || optional === 'global') return { kind: 'found', index: i };
    const following = steps[i + 1];
    if (msg.kind === 'response' && msg.cseq.method === 'INVITE' && following?.step.kind === 'send' && following.template?.firstWord === 'ACK') {
      return { kind: 'ack-again', sendIndex: i + 1 };
    }
  }
  return NONE;
}
