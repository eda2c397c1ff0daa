/** The §2.3 pseudo-variables (`$b2b_logic.key/.scenario/.entity/.ctx`) shared by every route context (opensips-b2b.md §2.3). */
import type { Logger } from '../ports/logger';
import type { Uri } from '../sip/types';
import type { EntitySnapshot, SessionSnapshot } from '../b2b/logic/logic-types';
import { MapCtxStore } from './ctx-store';
import { scriptUri } from './editable-message';
import { isLocalUri } from './local-uri';
import { ScriptError } from './script-error';
import type { ScriptEnv } from './script-env';
import type { B2bVariables, EntityField } from './script-types';

export abstract class RouteVariables implements B2bVariables {
  readonly ctx: MapCtxStore;

  constructor(protected readonly env: ScriptEnv, readonly log: Logger, ctx: MapCtxStore) {
    this.ctx = ctx;
  }

  abstract get key(): string | undefined;
  abstract get scenario(): string | undefined;
  /** The entity key the current message belongs to, if any. */
  protected abstract currentEntityKey(): string | undefined;

  get upstream(): string | undefined {
    return this.env.upstream;
  }

  isLocal(uri: string | Uri): boolean {
    return isLocalUri(scriptUri(uri, 'isLocal'), this.env.listen);
  }

  peer(dialog: string): string | undefined {
    if (typeof dialog !== 'string' || dialog.split(';').length !== 3) throw new ScriptError('bad-argument', `peer: "${String(dialog)}" must be "callid;from-tag;to-tag"`);
    return this.env.logic.peer(dialog);
  }

  param(name: string): string | undefined {
    return this.env.params?.get(name);
  }

  entity(field: EntityField = 'key', index?: 0 | 1): string | undefined {
    const session = this.session();
    let key: string | undefined;
    let snap: EntitySnapshot | undefined;
    if (index === undefined) {
      key = this.currentEntityKey();
      if (key !== undefined && session !== undefined) snap = allEntities(session).find((e) => e.key === key);
    } else {
      if (session === undefined) return undefined;
      // Until the first bridge the pair is (caller, callee): servers[0], clients[0] (§1.4).
      snap = session.bridgeEntities[index] ?? (index === 0 ? session.servers[0] : session.clients[0]);
      key = snap?.key;
    }
    if (key === undefined) return undefined;
    switch (field) {
      case 'key': return key;
      case 'id': return snap?.scenarioId;
      case 'callid': return this.env.entities.find(key)?.callId;
      case 'fromtag':
      case 'totag': {
        const entity = this.env.entities.find(key);
        if (entity === undefined) return undefined;
        // A server entity's dialog was started by the far end (its tag is From); a client's by us.
        const fromIsRemote = entity.kind === 'server';
        return (field === 'fromtag') === fromIsRemote ? entity.remoteTag : entity.localTag;
      }
      default: {
        const never: never = field;
        throw new Error(`unknown entity field ${String(never)}`);
      }
    }
  }

  protected session(): SessionSnapshot | undefined {
    const key = this.key;
    if (key === undefined) return undefined;
    return this.env.logic.list().find((s) => s.key === key);
  }
}

function allEntities(session: SessionSnapshot): EntitySnapshot[] {
  return [...session.servers, ...session.clients, ...session.bridgeEntities];
}
