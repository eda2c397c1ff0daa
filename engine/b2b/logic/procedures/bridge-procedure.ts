/** STUB (being written): see scripted-types.ts. */
import type { MediaProcedure, ProcedureHost, BridgeStart } from '../scripted-types';
import { LogicUsageError } from '../scripted-types';

export function bridgeProcedure(_host: ProcedureHost, _start: BridgeStart): MediaProcedure {
  throw new LogicUsageError('not-allowed-here', 'bridgeProcedure is not built yet');
}
