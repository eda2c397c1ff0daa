/** What a scenario (top hiding now, script-driven bridging later) may ask of the session core (opensips-b2b.md §1.4, §6.8). */
import type { Clock } from '../../ports/clock';
import type { Logger } from '../../ports/logger';
import type { Random } from '../../ports/random';
import type { TimerService } from '../../timers/timer-service';
import type { ServerTransaction } from '../../transaction/transaction-types';
import type { ClientSpec, EntitiesApi, EntityOwner } from '../entities/entity-types';
import type { HeaderFilter } from './leg-headers';
import type { LogicConfig } from './logic-types';
import type { Leg, Session } from './session';

export interface LogicServices {
  readonly entities: EntitiesApi;
  /** The logic itself, to hand to `serverNew` / `clientNew`. */
  readonly owner: EntityOwner;
  readonly config: LogicConfig;
  readonly headers: HeaderFilter;
  readonly clock: Clock;
  readonly logger: Logger;
  /** For the bridge's 491 retry (2.1 s) and `old_entity_term_delay`; every timer is cancelled when its session goes. */
  readonly timers: TimerService;
  readonly random: Random;
  /** A server entity from the received initial INVITE, filed under the session as leg `id`. */
  createServer(session: Session, tx: ServerTransaction, id: string): Leg;
  /**
   * Starts a client entity filed under the session as leg `id`. Callbacks fired while the INVITE is
   * being sent (a synchronous transport failure) already find the leg.
   */
  createClient(session: Session, spec: ClientSpec, id: string): Leg;
  /** §6.8: the session expires `delayMs` from now (undefined: never). */
  setLifetime(session: Session, delayMs: number | undefined): void;
  /** Pairs two legs as the bridged parties (§1.4 bridge_entities[0], [1]); state becomes BRIDGED. */
  bridge(session: Session, first: Leg, second: Leg): void;
  /** §1.4: marked for deletion, lifetime now + 30 s; deleted once every leg has ended. */
  markForDeletion(session: Session): void;
  /** Ends every live leg the way its state requires (BYE, CANCEL, 408/487) and marks the session. */
  endAllLegs(session: Session, except?: Leg): void;
  /** Deletes the remaining entities without signalling and drops the session (after a BYE completed). */
  finish(session: Session, cause: string): void;
}

/** `max_duration` in ms; undefined when it is 0, which means no expiry (§2.2). */
export function maxDurationMs(config: LogicConfig): number | undefined {
  return config.maxDurationS > 0 ? config.maxDurationS * 1000 : undefined;
}
