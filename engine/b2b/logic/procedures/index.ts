/** The media procedures of script-driven sessions (opensips-b2b.md §1.4, §2.1, §2.6), one file each. */
import type { ProcedureFactory } from '../scripted-types';
import { bridgeProcedure } from './bridge-procedure';
import { pickupProcedure } from './pickup-procedure';
import { thirdPartyProcedure } from './third-party-procedure';
import { twoCallsProcedure } from './two-calls-procedure';

export const procedures: ProcedureFactory = {
  bridge: bridgeProcedure,
  pickup: pickupProcedure,
  thirdParty: thirdPartyProcedure,
  twoCalls: twoCallsProcedure,
};

export { sendReferNotify } from './refer-notify';
