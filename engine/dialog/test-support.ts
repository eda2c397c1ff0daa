/** Test helpers for the dialog layer: a manual timer service and a scripted Random (not used by engine code). */
import type { Random } from '../ports/random';
import { parseMessage } from '../sip';
import type { SipMessage, SipRequest, SipResponse } from '../sip/message';
import type { TimerId, TimerService } from '../timers/timer-service';

/** Timers on a manual clock: `advance(ms)` fires due timers in deadline order, ties in scheduling order. */
export class ManualTimers implements TimerService {
  nowMs = 0;
  private nextId = 1;
  private readonly armed = new Map<TimerId, { at: number; fire: () => void }>();

  schedule(delayMs: number, fire: () => void): TimerId {
    const id = this.nextId++;
    this.armed.set(id, { at: this.nowMs + delayMs, fire });
    return id;
  }

  cancel(id: TimerId): void {
    this.armed.delete(id);
  }

  get armedCount(): number {
    return this.armed.size;
  }

  advance(ms: number): void {
    const end = this.nowMs + ms;
    for (;;) {
      let best: [TimerId, { at: number; fire: () => void }] | undefined;
      for (const entry of this.armed) if (entry[1].at <= end && (best === undefined || entry[1].at < best[1].at)) best = entry;
      if (best === undefined) break;
      this.armed.delete(best[0]);
      this.nowMs = best[1].at;
      best[1].fire();
    }
    this.nowMs = end;
  }
}

/** A Random whose floats and integers come from a fixed cycle (tests pin exact values). */
export class ScriptedRandom implements Random {
  private i = 0;
  constructor(private readonly floats: readonly number[] = [0.5]) {}

  nextFloat(): number {
    const value = this.floats[this.i % this.floats.length]!;
    this.i++;
    return value;
  }

  nextUint32(): number {
    return Math.floor(this.nextFloat() * 0x1_0000_0000) >>> 0;
  }

  token(length: number): string {
    let out = '';
    while (out.length < length) out += Math.floor(this.nextFloat() * 36).toString(36);
    return out;
  }

  fork(): Random {
    return new ScriptedRandom(this.floats);
  }
}

/** Parses a message written as lines (CRLF added); throws when the fixture itself is wrong. */
export function parseFixture(lines: readonly string[], body = ''): SipMessage {
  const text = `${lines.join('\r\n')}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  const result = parseMessage(text);
  if (!result.ok) throw new Error(`bad fixture: ${result.error.code} ${result.error.reason}`);
  return result.message;
}

export function requestFixture(lines: readonly string[]): SipRequest {
  const m = parseFixture(lines);
  if (m.kind !== 'request') throw new Error('fixture is not a request');
  return m;
}

export function responseFixture(lines: readonly string[]): SipResponse {
  const m = parseFixture(lines);
  if (m.kind !== 'response') throw new Error('fixture is not a response');
  return m;
}

/** A dialog-creating INVITE from alice to bob with optional extra header lines. */
export function inviteFixture(extra: readonly string[] = [], cseq = 1): SipRequest {
  return requestFixture([
    'INVITE sip:bob@192.0.2.2 SIP/2.0',
    'Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKaaa',
    'Max-Forwards: 70',
    'From: "Alice" <sip:alice@example.com>;tag=atag',
    'To: <sip:bob@example.com>',
    'Call-ID: call-1@192.0.2.1',
    `CSeq: ${cseq} INVITE`,
    ...extra,
  ]);
}

/** A response to `inviteFixture` with a To tag and optional extra lines. */
export function inviteResponseFixture(status: number, toTag: string | undefined, extra: readonly string[] = []): SipResponse {
  return responseFixture([
    `SIP/2.0 ${status} Whatever`,
    'Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKaaa',
    'From: "Alice" <sip:alice@example.com>;tag=atag',
    `To: <sip:bob@example.com>${toTag === undefined ? '' : `;tag=${toTag}`}`,
    'Call-ID: call-1@192.0.2.1',
    'CSeq: 1 INVITE',
    ...extra,
  ]);
}
