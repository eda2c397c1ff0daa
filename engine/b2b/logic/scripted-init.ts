/**
 * `b2b_init_request` for a scenario other than top hiding (opensips-b2b.md §2.1, §1.2, §6.8): the
 * caller's INVITE becomes the declared server entity, the one declared client is called by the
 * initial-call procedure, and the session runs its own routes, the global ones, or (API) none.
 */
import { formatUri } from '../../sip';
import type { NameAddr } from '../../sip/types';
import type { Logger } from '../../ports/logger';
import type { ServerTransaction } from '../../transaction/transaction-types';
import type { ServerEntity } from '../entities/entity-types';
import type { LogicServices } from './logic-services';
import type { InitRequestSpec, InitResult } from './logic-types';
import { initialCall } from './procedures/initial-call';
import type { LogicRoutes, ProcedureFactory } from './scripted-types';
import type { ScriptedSession } from './scripted-session';
import type { Session } from './session';
import type { SessionCore } from './session-core';

export interface ScriptedInitDeps {
  readonly core: SessionCore;
  readonly logger: Logger;
  readonly services: LogicServices;
  readonly procedures: ProcedureFactory;
  newHandler(session: Session): ScriptedSession;
  /** Our Contact for this session (§1.7). */
  readonly contact: string;
  /** Setup timeout (§6.8) from now; undefined: no expiry. */
  readonly lifetimeMs: number | undefined;
  readonly globalRoutes: LogicRoutes | undefined;
}

/** §2.1 b2b_server_new: at most two new entities per message (the server and one client here). */
const MAX_NEW_ENTITIES = 2;

export function startScripted(deps: ScriptedInitDeps, tx: ServerTransaction, spec: InitRequestSpec, from: NameAddr): InitResult {
  const request = spec.request;
  const clients = spec.clients ?? [];
  if (clients.length + 1 > MAX_NEW_ENTITIES) {
    deps.logger.error({ scenario: spec.scenario, clients: clients.length }, `initRequest: at most ${MAX_NEW_ENTITIES} new entities (the server and one client) per request`);
    return refuse(deps, tx, 500, 'Too Many Entities');
  }
  const client = clients[0];
  if (client === undefined) {
    deps.logger.error({ scenario: spec.scenario }, 'initRequest: a scenario other than "top hiding" needs exactly one client declared with clientNew');
    return refuse(deps, tx, 500, 'No Client Declared');
  }
  const callbacks = spec.callbacks;
  // §1.2: API sessions have no routes; others their own, else the global ones.
  const routes = spec.routes ?? (callbacks === undefined ? deps.globalRoutes : undefined);
  const session = deps.core.newSession({
    scenario: spec.scenario, hashUris: [formatUri(request.to.uri), formatUri(request.from.uri)], contact: deps.contact,
    lifetimeMs: deps.lifetimeMs, flags: spec.flags, request,
    ...(spec.ctx === undefined ? {} : { ctx: spec.ctx }),
    ...(routes === undefined ? {} : { routes }),
    ...(callbacks === undefined ? {} : { callbacks }),
  });
  const handler = deps.newHandler(session);
  handler.callerFrom = from;
  try {
    callbacks?.onNewSession?.({ key: session.key });
    const declared = spec.server;
    const contact = declared?.contact === undefined ? session.contact : (declared.contact.includes('<') ? declared.contact : `<${declared.contact}>`);
    const server = deps.core.createServer(session, tx, declared?.id ?? 'caller', contact);
    if (declared?.headers !== undefined && declared.headers.length > 0) server.extraHeaders = [...declared.headers];
    handler.run(() => initialCall(handler, {
      server, client, request, from,
      ...(callbacks?.onConfirmed === undefined ? {} : { onConfirmed: (leg) => { callbacks.onConfirmed?.(handler.event(leg)); } }),
    }));
    const answer = (server.entity as ServerEntity).invite.answered ? tx.lastResponse : undefined;
    if (answer !== undefined && answer.status >= 300) return { ok: false, status: answer.status, reason: answer.reason };
    return { ok: true, key: session.key };
  } catch (error) {
    deps.logger.error({ key: session.key, error: String(error), stack: error instanceof Error ? error.stack : undefined }, 'b2b scripted session set-up threw; ending it');
    const server = session.servers[0];
    if (server === undefined) deps.core.answerTx(tx, 500);
    else if (!server.ended && server.entity.kind === 'server' && !(server.entity as ServerEntity).invite.answered) (server.entity as ServerEntity).reply((server.entity as ServerEntity).invite, 500);
    deps.core.abort(session);
    return { ok: false, status: 500, reason: 'Server Internal Error' };
  }
}

function refuse(deps: ScriptedInitDeps, tx: ServerTransaction, status: number, reason: string): InitResult {
  deps.core.answerTx(tx, status, reason);
  return { ok: false, status, reason };
}
