/** What the script host and its route contexts need from the engine (read lazily: the stack is built around the host). */
import type { Logger } from '../ports/logger';
import type { Random } from '../ports/random';
import type { EntitiesApi } from '../b2b/entities/entity-types';
import type { LogicApi } from '../b2b/logic/logic-types';
import type { ListenPoint } from '../transport/listen-point';

export interface ScriptEnv {
  readonly logic: LogicApi;
  readonly entities: EntitiesApi;
  readonly random: Random;
  readonly logger: Logger;
  readonly listen: readonly ListenPoint[];
  /** The configuration's `upstream` (a SIP URI). */
  readonly upstream: string | undefined;
  /** `b2bl_from_spec_param`: the ctx key holding a From value for generated INVITEs. */
  readonly fromSpecParam: string | undefined;
  /** The configuration's `script_params` (`b2b.param(name)`); none when absent. */
  readonly params?: ReadonlyMap<string, string>;
  /** The script file, to find the script's frames in error stacks. */
  readonly scriptFile: string;
}
