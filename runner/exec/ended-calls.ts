/**
 * Calls that just ended, kept for 64·T1 (RFC 3261 §17.2.1 Timer H's span) so a peer's late
 * retransmission (a BYE whose 200 was lost) gets our answer again instead of counting as
 * out-of-call. One timer for the whole set: entries expire in insertion order.
 */
import type { Clock } from '../../engine/ports/clock';
import type { TimerId, TimerService } from '../../engine/timers/timer-service';
import type { ReceivedEntry } from './call';

export class EndedCalls {
  private readonly calls = new Map<string, { readonly entries: readonly ReceivedEntry[]; readonly expiresMs: number }>();
  private timer: TimerId | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly timers: TimerService,
    private readonly lingerMs: number,
  ) {}

  add(callId: string, entries: readonly ReceivedEntry[]): void {
    if (entries.length === 0) return;
    this.calls.delete(callId);
    this.calls.set(callId, { entries, expiresMs: this.clock.nowMs() + this.lingerMs });
    if (this.timer === undefined) this.timer = this.timers.schedule(this.lingerMs, this.sweep);
  }

  get(callId: string): readonly ReceivedEntry[] | undefined {
    return this.calls.get(callId)?.entries;
  }

  clear(): void {
    this.calls.clear();
    if (this.timer !== undefined) this.timers.cancel(this.timer);
    this.timer = undefined;
  }

  private readonly sweep = (): void => {
    this.timer = undefined;
    const now = this.clock.nowMs();
    for (const [id, entry] of this.calls) {
      if (entry.expiresMs > now) {
        this.timer = this.timers.schedule(entry.expiresMs - now, this.sweep);
        return;
      }
      this.calls.delete(id);
    }
  };
}
