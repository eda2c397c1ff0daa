/** What every transaction state machine shares with the layer that owns it (RFC 3261 §17): ports, config and bookkeeping hooks. */
import type { Logger } from '../ports/logger';
import type { TimerService } from '../timers/timer-service';
import type { Destination, TransportLayer } from '../transport/transport-layer';
import type { TransactionConfig } from './transaction-config';
import type { TransactionKind, TransactionState, TransactionUser } from './transaction-types';

/** The part of a transaction the layer's bookkeeping needs. */
export interface TrackedTransaction {
  readonly kind: TransactionKind;
  readonly key: string;
  /** What the layer files it under (see transaction-table.ts). */
  readonly primary: string;
  /** Called by the layer when the transport reports a failure for this transaction's destination (§17.1.4, §17.2.4). */
  onTransportFailure(reason: string): void;
}

export interface TransactionEnv {
  readonly transport: TransportLayer;
  readonly timers: TimerService;
  readonly config: TransactionConfig;
  readonly logger: Logger;
  /** The TU: server transactions report timeouts, transport errors and termination to it. */
  readonly user: TransactionUser;
  /** Records a state change (trace, observer). */
  transitioned(tx: TrackedTransaction, from: TransactionState, to: TransactionState): void;
  /** The transaction now sends to `destination`: asynchronous transport failures there reach it. */
  track(tx: TrackedTransaction, destination: Destination): void;
  /** The transaction reached Terminated: drop it from matching and tracking. */
  retire(tx: TrackedTransaction): void;
}

/** A timer slot with nothing armed. */
export const NO_TIMER = -1;

/** Cancels `id` if armed; returns NO_TIMER for the slot. */
export function cancelTimer(timers: TimerService, id: number): number {
  if (id !== NO_TIMER) timers.cancel(id);
  return NO_TIMER;
}

/** The exhaustive-switch guard: reaching it is a programmer error. */
export function assertNever(state: never): never {
  throw new Error(`unhandled transaction state ${String(state)}`);
}
