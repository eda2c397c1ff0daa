/** STUB (being written): see scripted-types.ts. */
import type { MediaProcedure, ProcedureHost, ThirdPartyStart } from '../scripted-types';
import { LogicUsageError } from '../scripted-types';

export function thirdPartyProcedure(_host: ProcedureHost, _start: ThirdPartyStart): MediaProcedure {
  throw new LogicUsageError('not-allowed-here', 'thirdPartyProcedure is not built yet');
}
