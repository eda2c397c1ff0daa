/** The non-INVITE client transaction (RFC 3261 §17.1.2, Figure 6): Timers E, F and K. */
import type { SipRequest, SipResponse } from '../sip/message';
import type { Destination } from '../transport/transport-layer';
import { ClientTransactionBase } from './client-transaction-base';
import { assertNever, cancelTimer, NO_TIMER, type TransactionEnv } from './transaction-env';
import type { ClientTransactionUser, NictState } from './transaction-types';

export class NonInviteClientTransaction extends ClientTransactionBase<NictState> {
  override readonly kind = 'nict' as const;
  private timerE = NO_TIMER;
  private intervalEMs: number;
  private timerF = NO_TIMER;
  private timerK = NO_TIMER;

  constructor(
    env: TransactionEnv,
    key: string,
    branch: string,
    readonly method: string,
    initial: SipRequest,
    initialDestination: Destination,
    user: ClientTransactionUser,
  ) {
    super(env, key, branch, initial, initialDestination, user, 'Trying');
    this.intervalEMs = env.config.t1Ms;
  }

  /** A response matched to this transaction (§17.1.3). */
  receive(response: SipResponse): void {
    switch (this.current) {
      case 'Trying':
      case 'Proceeding':
        if (response.status < 200) {
          if (this.current === 'Trying') this.transition('Proceeding');
          this.user.onResponse(response, this);
          return;
        }
        this.transition('Completed');
        this.user.onResponse(response, this);
        // §17.1.2.2: Timer K is zero on reliable transports, so Completed ends at once.
        if (this.state === 'Completed' && this.timerK === NO_TIMER) this.transition('Terminated');
        return;
      case 'Completed':
      case 'Terminated':
        // §17.1.2.2: Completed buffers response retransmissions; they are not passed up.
        return;
      default:
        return assertNever(this.current);
    }
  }

  /** Arms the timers the state owns (E and F span Trying and Proceeding). */
  protected override enter(state: NictState): void {
    const { timers, config } = this.env;
    switch (state) {
      case 'Trying':
        // §17.1.2.2: Timer E only on unreliable transports, starting at T1; Timer F = 64·T1 always.
        if (this.out !== undefined && !this.out.reliable) this.timerE = timers.schedule(this.intervalEMs, () => this.onTimerE());
        this.timerF = timers.schedule(64 * config.t1Ms, () => this.onTimerF());
        return;
      case 'Proceeding':
        return;
      case 'Completed':
        if (this.out !== undefined && !this.out.reliable) {
          this.timerK = timers.schedule(config.t4Ms, () => {
            this.timerK = NO_TIMER;
            this.transition('Terminated');
          });
        }
        return;
      case 'Terminated':
        this.retire();
        return;
      default:
        return assertNever(state);
    }
  }

  /** Cancels the timers the state owns when leaving it for a state that does not own them too. */
  protected override leave(state: NictState, to: NictState): void {
    const timers = this.env.timers;
    switch (state) {
      case 'Trying':
      case 'Proceeding':
        if (to === 'Proceeding') return;
        this.timerE = cancelTimer(timers, this.timerE);
        this.timerF = cancelTimer(timers, this.timerF);
        return;
      case 'Completed':
        this.timerK = cancelTimer(timers, this.timerK);
        return;
      case 'Terminated':
        return;
      default:
        return assertNever(state);
    }
  }

  private onTimerE(): void {
    this.timerE = NO_TIMER;
    if ((this.current !== 'Trying' && this.current !== 'Proceeding') || this.out === undefined) return;
    this.out.resend(this.env.transport);
    // §17.1.2.2: in Trying the interval doubles up to T2; in Proceeding it is T2.
    const t2Ms = this.env.config.t2Ms;
    this.intervalEMs = this.current === 'Trying' ? Math.min(2 * this.intervalEMs, t2Ms) : t2Ms;
    this.timerE = this.env.timers.schedule(this.intervalEMs, () => this.onTimerE());
  }

  private onTimerF(): void {
    this.timerF = NO_TIMER;
    this.user.onTimeout(this, 'F');
    this.end('timeout');
  }
}
