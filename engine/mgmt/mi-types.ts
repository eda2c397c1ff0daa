/** Management (MI) commands as pure functions over the logic and entities APIs (opensips-b2b.md §2.4, §3.3). */
import type { EntitiesApi } from '../b2b/entities/entity-types';
import type { LogicApi } from '../b2b/logic/logic-types';

export type MiValue = string | number | boolean | null | readonly MiValue[] | { readonly [key: string]: MiValue };

/** Named parameter values after positional ones were mapped to names. */
export type MiParams = Readonly<Record<string, MiValue>>;

export interface MiTarget {
  readonly logic: LogicApi;
  readonly entities: EntitiesApi;
}

export interface MiParamSpec {
  readonly name: string;
  readonly required: boolean;
}

/** An error the command reports (OpenSIPS MI style: 404 "B2B session not found"). */
export interface MiFailure {
  readonly code: number;
  readonly message: string;
}

export type MiOutcome = { readonly ok: true; readonly result: MiValue } | { readonly ok: false; readonly error: MiFailure };

export interface MiCommand {
  /** The 4.0 name (`b2b_logic:list`). */
  readonly name: string;
  /** Older names still accepted (`b2b_list`). */
  readonly aliases: readonly string[];
  readonly params: readonly MiParamSpec[];
  readonly help: string;
  run(target: MiTarget, params: MiParams): MiOutcome;
}
