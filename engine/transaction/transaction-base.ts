/** The plumbing every transaction state machine shares (RFC 3261 §17): one `transition()` that records and emits, and the path into Terminated. */
import type { TrackedTransaction, TransactionEnv } from './transaction-env';
import type { TerminationCause, TransactionKind, TransactionState } from './transaction-types';

/**
 * A concrete machine owns its states, its `enter`/`leave` switches and its timers; this base owns
 * the state slot, the termination cause and the order of a transition: leave, record, enter.
 */
export abstract class TransactionBase<S extends TransactionState> implements TrackedTransaction {
  abstract readonly kind: TransactionKind;
  abstract readonly primary: string;
  protected current: S | 'Terminated';
  private cause: TerminationCause = 'completed';

  protected constructor(
    protected readonly env: TransactionEnv,
    readonly key: string,
    first: S,
  ) {
    this.current = first;
  }

  get state(): S | 'Terminated' {
    return this.current;
  }

  abstract onTransportFailure(reason: string): void;

  /** Ends the transaction at once: timers cancelled, no more upcalls except the termination one. */
  terminate(): void {
    this.end('terminated-by-tu');
  }

  /** Arms the timers `state` owns; entering Terminated must call `retire()`. */
  protected abstract enter(state: S | 'Terminated'): void;
  /** Cancels the timers `state` owns (when `to` does not own them too). */
  protected abstract leave(state: S | 'Terminated', to: S | 'Terminated'): void;
  /** Tells the TU the transaction has ended. */
  protected abstract notifyTerminated(cause: TerminationCause): void;

  protected transition(to: S | 'Terminated', cause: TerminationCause = 'completed'): void {
    const from = this.current;
    this.leave(from, to);
    this.current = to;
    if (to === 'Terminated') this.cause = cause;
    this.env.transitioned(this, from, to);
    this.enter(to);
  }

  /** Moves to Terminated for `cause` unless an upcall already got it there. */
  protected end(cause: TerminationCause): void {
    if (this.current !== 'Terminated') this.transition('Terminated', cause);
  }

  /** The work of entering Terminated: drop out of matching and tracking, then tell the TU. */
  protected retire(): void {
    this.env.retire(this);
    this.notifyTerminated(this.cause);
  }
}
