/** What every entity shares with the layer that owns it (opensips-b2b.md §1.1): transactions, timers, config, hooks. */
import type { Logger } from '../../ports/logger';
import type { Random } from '../../ports/random';
import type { SipRequest } from '../../sip/message';
import type { TimerService } from '../../timers/timer-service';
import type { ClientTransaction, ClientTransactionUser } from '../../transaction/transaction-types';
import type { Destination } from '../../transport/transport-layer';
import type { NextHopResolver } from '../../dialog/next-hop';
import type { EntitiesConfig, Entity, EntityScriptHooks } from './entity-types';

/** The part of the transaction layer (RFC 3261 §17) the entities use; `TransactionLayer` fits it. */
export interface EntityTransactions {
  sendRequest(request: SipRequest, destination: Destination, user: ClientTransactionUser): ClientTransaction;
  /** The ACK for a 2xx, outside any transaction (§13.2.2.4, §17.1.1.3). */
  sendAck(ack: SipRequest, destination: Destination): unknown;
}

export interface EntityServices {
  readonly transactions: EntityTransactions;
  readonly timers: TimerService;
  readonly random: Random;
  readonly logger: Logger;
  readonly config: EntitiesConfig;
  readonly hooks: EntityScriptHooks;
  readonly resolve: NextHopResolver;
  readonly t1Ms: number;
  readonly t2Ms: number;
  /** The entity ended: the layer drops it from its tables (before the owner hears `onEnded`). */
  removed(entity: Entity): void;
}

/** A client transaction user that ignores everything (CANCEL, BYE to a losing fork: nobody waits for their answer). */
export const ignoringUser: ClientTransactionUser = {
  onResponse: () => undefined,
  onTimeout: () => undefined,
  onTransportError: () => undefined,
};
