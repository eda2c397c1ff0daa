/** STUB (being written): see scripted-types.ts. */
import type { MediaProcedure, ProcedureHost } from '../scripted-types';
import { LogicUsageError } from '../scripted-types';
import type { Leg } from '../session';

export function twoCallsProcedure(_host: ProcedureHost, _start: { readonly kept: Leg; readonly moved: Leg }): MediaProcedure {
  throw new LogicUsageError('not-allowed-here', 'twoCallsProcedure is not built yet');
}
