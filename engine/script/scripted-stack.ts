/**
 * The B2B stack driven by a user script (opensips-b2b.md §1.2): the script host is the entities' delegate
 * for initial requests and their script hooks, its `b2bRequest`/`b2bReply` exports are the logic's global
 * routes. One wiring for the runtime (real sockets) and the simulator's system under test.
 */
import { silentLogger } from '../ports/logger';
import { createB2bStack, type B2bStack, type B2bStackOptions } from '../b2b/b2b-stack';
import type { EngineConfig } from '../config/engine-config';
import { ScriptHost } from './script-host';
import type { ScriptRoutes } from './script-types';

export interface ScriptedStackOptions extends Omit<B2bStackOptions, 'entitiesConfig' | 'logicConfig' | 'delegate' | 'hooks' | 'globalRoutes'> {
  readonly config: EngineConfig;
  readonly routes: ScriptRoutes;
  /** The script file, for file:line in route errors. */
  readonly scriptFile: string;
  /** `script_params`; default the config's. */
  readonly params?: ReadonlyMap<string, string>;
}

export interface ScriptedStack {
  readonly stack: B2bStack;
  readonly host: ScriptHost;
}

export function createScriptedStack(options: ScriptedStackOptions): ScriptedStack {
  const { config, routes, scriptFile, params, ...stackOptions } = options;
  const logger = options.logger ?? silentLogger;
  let stack: B2bStack | undefined;
  // The script host reads the stack's layers only once requests flow, after the stack exists.
  const host = new ScriptHost(routes, {
    get logic() { return stack!.logic; },
    get entities() { return stack!.entities; },
    random: options.random.fork('script'),
    logger: logger.child({ component: 'script' }),
    listen: options.listen,
    upstream: config.upstream, fromSpecParam: config.fromSpecParam, params: params ?? config.scriptParams, scriptFile,
  });
  stack = createB2bStack({
    ...stackOptions,
    entitiesConfig: config.entities, logicConfig: config.logic,
    delegate: () => host, hooks: host.hooks,
    ...(host.logicRoutes === undefined ? {} : { globalRoutes: host.logicRoutes }),
  });
  return { stack, host };
}
