/**
 * The engine's configuration as the runtime uses it: sockets, script, upstream, logging, management,
 * shutdown policy, and the OpenSIPS module parameters of b2b_logic (opensips-b2b.md §2.2) and
 * b2b_entities (§3.1) under their OpenSIPS names in YAML.
 */
import type { LogLevel } from '../ports/logger';
import { defaultEntitiesConfig, type EntitiesConfig } from '../b2b/entities/entity-types';
import { defaultLogicConfig, type LogicConfig } from '../b2b/logic/logic-types';

/** Where a setting came from: scripts named in a file resolve against the file's folder, `--set` ones against the working directory. */
export type ConfigOrigin = 'default' | 'file' | 'override';

export interface MiListen {
  readonly host: string;
  readonly port: number;
}

export interface EngineConfig {
  /** Listen specs (`udp:127.0.0.1:5060`), each already validated. */
  readonly listen: readonly string[];
  /** The script module (.ts or .js). */
  readonly script: string;
  readonly scriptOrigin: ConfigOrigin;
  /** Where the shipped script sends calls whose R-URI points at the engine itself (a SIP URI). */
  readonly upstream: string | undefined;
  readonly logLevel: LogLevel;
  /** The JSON-RPC management endpoint (OpenSIPS mi_http), or false for none. */
  readonly mi: MiListen | false;
  /** What SIGINT/SIGTERM does to live calls: `bye` ends them (BYE/CANCEL), `leave` just closes the sockets. */
  readonly shutdown: 'bye' | 'leave';
  readonly logic: LogicConfig;
  readonly entities: EntitiesConfig;
  /** `b2bl_from_spec_param`: the ctx key whose value (a full From header value) replaces the caller's From. */
  readonly fromSpecParam: string | undefined;
  /** `script_params`: strings the script reads with `b2b.param(name)` (announcement URIs, flags …). */
  readonly scriptParams: ReadonlyMap<string, string>;
}

/** The scripts folder is resolved by the runtime against the package root when the origin is `default`. */
export const DEFAULT_SCRIPT = 'scenarios/scripts/top-hiding.ts';

/** What `b2bkit start` with no arguments runs: UDP and TCP on 127.0.0.1:5060, the shipped script, MI on 127.0.0.1:8888, and calls addressed to the engine itself sent to 127.0.0.1:5080 (a local `sipp -sn uas -p 5080` is the callee out of the box). */
export const defaultEngineConfig: EngineConfig = {
  listen: ['udp:127.0.0.1:5060', 'tcp:127.0.0.1:5060'],
  script: DEFAULT_SCRIPT,
  scriptOrigin: 'default',
  upstream: 'sip:127.0.0.1:5080',
  logLevel: 'info',
  mi: { host: '127.0.0.1', port: 8888 },
  shutdown: 'bye',
  logic: defaultLogicConfig,
  entities: defaultEntitiesConfig,
  fromSpecParam: undefined,
  scriptParams: new Map(),
};
