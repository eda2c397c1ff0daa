/** STUB (being written): see scripted-types.ts. */
import type { MediaProcedure, ProcedureHost, PickupStart } from '../scripted-types';
import { LogicUsageError } from '../scripted-types';

export function pickupProcedure(_host: ProcedureHost, _start: PickupStart): MediaProcedure {
  throw new LogicUsageError('not-allowed-here', 'pickupProcedure is not built yet');
}
