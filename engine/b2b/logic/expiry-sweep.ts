/** The b2b_logic expiry sweep (opensips-b2b.md §2.2 `cleanup_period`, §6.8): one timer, armed only while sessions exist, walking the buckets. */
import type { TimerId, TimerService } from '../../timers/timer-service';
import type { Session } from './session';
import type { SessionTable } from './session-table';

export class ExpirySweep {
  private timer: TimerId | undefined;

  constructor(
    private readonly timers: TimerService,
    private readonly periodMs: number,
    private readonly table: SessionTable,
    private readonly nowMs: () => number,
    private readonly onExpired: (session: Session) => void,
  ) {}

  /** Called when a session is added: the sweep runs only while there is something to sweep. */
  arm(): void {
    if (this.timer === undefined) this.timer = this.timers.schedule(this.periodMs, () => this.sweep());
  }

  /** Called when the table empties, so an idle engine holds no timer. */
  disarm(): void {
    if (this.timer === undefined) return;
    this.timers.cancel(this.timer);
    this.timer = undefined;
  }

  /** Every session whose deadline has passed goes to `onExpired`, bucket by bucket. */
  sweep(): void {
    this.timer = undefined;
    const now = this.nowMs();
    for (let i = 0; i < this.table.bucketCount; i++) {
      for (const session of this.table.bucket(i)) {
        if (session.deadlineMs !== undefined && session.deadlineMs <= now && !session.destroyed) this.onExpired(session);
      }
    }
    if (this.table.size > 0) this.arm();
  }
}
