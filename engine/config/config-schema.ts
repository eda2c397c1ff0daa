/**
 * Every configuration key b2bkit knows, with its parser: the top-level engine settings and the
 * OpenSIPS module parameters under `b2b_logic:` (opensips-b2b.md §2.2) and `b2b_entities:` (§3.1).
 * Parameters of features not built yet accept their default only.
 */
import type { LogLevel } from '../ports/logger';
import type { EntitiesConfig } from '../b2b/entities/entity-types';
import type { LogicConfig } from '../b2b/logic/logic-types';
import type { ConfigOrigin, EngineConfig, MiListen } from './engine-config';
import {
  credentials, defaultOnly, flag, headerNames, headerRegexp, hostPort, integer, listenList, oneOf, paramValue, sipUri, stringMap, text, token,
  type ValueParser,
} from './value-parsers';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface ConfigDraft extends Omit<Mutable<EngineConfig>, 'logic' | 'entities' | 'mi'> {
  logic: Mutable<LogicConfig>;
  entities: Mutable<EntitiesConfig>;
  mi: MiListen | false;
}

export type ApplyResult = { readonly ok: true } | { readonly ok: false; readonly problem: string; readonly unsupported?: true };

export interface ParamEntry {
  apply(draft: ConfigDraft, raw: unknown, origin: ConfigOrigin): ApplyResult;
}

function param<T>(parse: ValueParser<T>, set: (draft: ConfigDraft, value: T, origin: ConfigOrigin) => void): ParamEntry {
  return {
    apply: (draft, raw, origin) => {
      const parsed = parse(raw);
      if (!parsed.ok) return parsed;
      set(draft, parsed.value, origin);
      return { ok: true };
    },
  };
}

const unsupported = (value: string | number | null, feature: string): ParamEntry => param(defaultOnly(value, feature), () => undefined);
const MAX = Number.MAX_SAFE_INTEGER;
const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error'];

export const TOP_LEVEL: Readonly<Record<string, ParamEntry>> = {
  listen: param(listenList, (d, v) => { d.listen = v; }),
  script: param(text, (d, v, origin) => { d.script = v; d.scriptOrigin = origin; }),
  upstream: param(sipUri, (d, v) => { d.upstream = v; }),
  log_level: param(oneOf(LOG_LEVELS), (d, v) => { d.logLevel = v; }),
  shutdown: param(oneOf(['bye', 'leave'] as const), (d, v) => { d.shutdown = v; }),
  // Strings the script reads with b2b.param(name); a file's map replaces the defaults' (empty) one.
  script_params: param(stringMap, (d, v) => { d.scriptParams = v; }),
};

/** `--set script_params.<name>=<value>`: one script parameter, added to (or replacing one of) the file's. */
function scriptParam(name: string): ParamEntry {
  return param(paramValue, (d, v) => { d.scriptParams = new Map([...d.scriptParams, [name, v]]); });
}

/** `mi: false`, or `mi: { listen: host:port }`. */
export const MI_SECTION: Readonly<Record<string, ParamEntry>> = {
  listen: param(hostPort, (d, v) => { d.mi = v; }),
};

export const B2B_LOGIC: Readonly<Record<string, ParamEntry>> = {
  hash_size: param(integer(1, 20, 'log2 of the session table size'), (d, v) => { d.logic.hashSizeBits = v; }),
  cleanup_period: param(integer(1, MAX, 'seconds'), (d, v) => { d.logic.cleanupPeriodS = v; }),
  max_duration: param(integer(0, MAX, 'seconds, 0 = unlimited'), (d, v) => { d.logic.maxDurationS = v; }),
  b2bl_th_init_timeout: param(integer(0, MAX, 'seconds'), (d, v) => { d.logic.initTimeoutS = v; }),
  custom_headers: param(headerNames, (d, v) => { d.logic.customHeaders = v; }),
  custom_headers_regexp: param(headerRegexp, (d, v) => { d.logic.customHeadersRegexp = v; }),
  contact_user: param(flag, (d, v) => { d.logic.contactUser = v; }),
  server_address: param(sipUri, (d, v) => { d.logic.serverAddress = v; }),
  init_callid_hdr: param(token('a header name', true), (d, v) => { d.logic.initCallidHdr = v; }),
  b2bl_from_spec_param: param(token('a ctx key the script sets before b2b.initRequest', true), (d, v) => { d.fromSpecParam = v; }),
  script_req_route: unsupported(null, 'a named global b2b_logic request route (export b2bRequest from the script instead)'),
  script_reply_route: unsupported(null, 'a named global b2b_logic reply route (export b2bReply from the script instead)'),
  update_period: unsupported(100, 'write-back storage (update_period)'),
  db_url: unsupported(null, 'session storage (db_url)'),
  db_mode: unsupported(0, 'session storage (db_mode 1 or 2)'),
  db_table: unsupported('b2b_logic', 'session storage (db_table)'),
  cachedb_url: unsupported(null, 'cachedb storage (cachedb_url)'),
  cachedb_key_prefix: unsupported('b2bl$', 'cachedb storage (cachedb_key_prefix)'),
  custom_contact_header_params: unsupported('', 'custom_contact_header_params'),
  b2bl_early_update: param(flag, (d, v) => { d.logic.earlyUpdate = v; }),
  old_entity_term_delay: param(integer(0, MAX, 'seconds after the ACK'), (d, v) => { d.logic.oldEntityTermDelayS = v; }),
};

export const B2B_ENTITIES: Readonly<Record<string, ParamEntry>> = {
  server_hsize: param(integer(1, 20, 'log2 of the server entity table size'), (d, v) => { d.entities.serverHsizeBits = v; }),
  client_hsize: param(integer(1, 20, 'log2 of the client entity table size'), (d, v) => { d.entities.clientHsizeBits = v; }),
  b2b_key_prefix: param(token('a key prefix'), (d, v) => { d.entities.keyPrefix = v; }),
  passthru_prack: param(flag, (d, v) => { d.entities.passthruPrack = v; }),
  credentials: param(credentials, (d, v) => { d.entities.credentials = v; }),
  script_req_route: unsupported(null, 'a named entities route (export entitiesRequest from the script instead)'),
  script_reply_route: unsupported(null, 'a named entities route (export entitiesReply from the script instead)'),
  db_url: unsupported(null, 'entity storage (db_url)'),
  db_mode: unsupported(0, 'entity storage (db_mode 1 or 2)'),
  db_table: unsupported('b2b_entities', 'entity storage (db_table)'),
  cachedb_url: unsupported(null, 'cachedb storage (cachedb_url)'),
  cachedb_key_prefix: unsupported('b2be$', 'cachedb storage (cachedb_key_prefix)'),
  update_period: unsupported(100, 'write-back storage (update_period)'),
  cluster_id: unsupported(0, 'clustering (cluster_id)'),
  advertised_contact: unsupported(null, 'UA sessions (advertised_contact)'),
  ua_default_timeout: unsupported(43200, 'UA sessions (ua_default_timeout)'),
};

/** The sections holding a map of parameters; `mi` may also be `false`. */
export const SECTIONS: Readonly<Record<string, Readonly<Record<string, ParamEntry>>>> = {
  mi: MI_SECTION,
  b2b_logic: B2B_LOGIC,
  b2b_entities: B2B_ENTITIES,
};

/** Looks a dotted key up: `listen`, `b2b_logic.hash_size`, `mi.listen`. */
export function findParam(key: string): ParamEntry | undefined {
  const dot = key.indexOf('.');
  if (dot < 0) return Object.prototype.hasOwnProperty.call(TOP_LEVEL, key) ? TOP_LEVEL[key] : undefined;
  const section = key.slice(0, dot);
  const name = key.slice(dot + 1);
  if (section === 'script_params') return name === '' ? undefined : scriptParam(name);
  const table = Object.prototype.hasOwnProperty.call(SECTIONS, section) ? SECTIONS[section] : undefined;
  return table !== undefined && Object.prototype.hasOwnProperty.call(table, name) ? table[name] : undefined;
}

export function knownKeys(section?: string): string[] {
  if (section === undefined) return [...Object.keys(TOP_LEVEL), ...Object.keys(SECTIONS)];
  return Object.keys(SECTIONS[section] ?? {});
}
