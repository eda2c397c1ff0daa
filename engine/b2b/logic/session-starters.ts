/**
 * STUB (being written by L3): what starts or reshapes sessions from outside their own routes
 * (opensips-b2b.md §2.1 b2b_bridge_request / b2b_trigger_scenario, §2.4 MI bridge, §2.6 API).
 */
import type { ServerTransaction } from '../../transaction/transaction-types';
import type { ReceiveContext } from '../../transport/transport-layer';
import type { BridgeRequestSpec, InitResult, LogicOutcome, MiBridgeSpec, TriggerSpec } from './logic-types';
import type { BridgeFlags, ClientDeclaration, EntityRef, LogicInternals, SessionCallbacks, SessionStats } from './scripted-types';

const NOT_BUILT: LogicOutcome = { ok: false, code: 500, message: 'not built yet' };

export class SessionStarters {
  constructor(private readonly internals: LogicInternals) {}

  bridgeRequest(_tx: ServerTransaction, _spec: BridgeRequestSpec, _received: ReceiveContext): InitResult {
    return { ok: false, status: 500, reason: 'Server Internal Error' };
  }

  triggerScenario(_spec: TriggerSpec): LogicOutcome { return NOT_BUILT; }
  miBridge(_spec: MiBridgeSpec): LogicOutcome { return NOT_BUILT; }
  apiBridge(_key: string, _target: ClientDeclaration, _entityNo: 0 | 1, _flags?: BridgeFlags): LogicOutcome { return NOT_BUILT; }
  bridgeTwoCalls(_key1: string, _key2: string): LogicOutcome { return NOT_BUILT; }
  peer(_dialog: string): string | undefined { return this.internals.find(_dialog) === undefined ? undefined : undefined; }
  registerCallbacks(_key: string, _callbacks: SessionCallbacks): boolean { return false; }
  stats(_key: string): SessionStats | undefined { return undefined; }
  entityInfo(_key: string, _index: 0 | 1): EntityRef | undefined { return undefined; }
}
