/** The `b2b` of the entities request/reply routes (b2b_entities `script_req_route` / `script_reply_route`, opensips-b2b.md §1.2). */
import type { Logger } from '../ports/logger';
import type { Entity } from '../b2b/entities/entity-types';
import { MapCtxStore } from './ctx-store';
import { RouteVerbs } from './route-verbs';
import type { ScriptEnv } from './script-env';
import type { EntityRouteB2b } from './script-types';

export class EntityRouteContext extends RouteVerbs implements EntityRouteB2b {
  constructor(env: ScriptEnv, log: Logger, private readonly current: Entity, protected readonly route: 'entities-request' | 'entities-reply') {
    // The session's own ctx map when there is a session; a scratch map otherwise (writes then go nowhere).
    super(env, log, new MapCtxStore(current.logicKey === undefined ? new Map() : env.logic.ctx(current.logicKey) ?? new Map()));
  }

  get key(): string | undefined { return this.current.logicKey; }
  get scenario(): string | undefined { return this.session()?.scenario; }
  get entityKind(): 'server' | 'client' { return this.current.kind; }

  protected currentEntityKey(): string | undefined {
    return this.current.key;
  }
}
