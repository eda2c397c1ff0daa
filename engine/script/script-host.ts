/**
 * Runs a script's routes inside the engine (opensips-b2b.md §1.2): the main route as the entities
 * layer's delegate for requests that belong to no B2B dialog, the entities routes as its script
 * hooks. Async main routes are ordered per Call-ID; a route that throws gets its request a 500 and
 * its error logged with the script's file and line; the engine goes on.
 */
import type { SipRequest, SipResponse } from '../sip/message';
import type { ServerTransaction } from '../transaction/transaction-types';
import type { EntitiesDelegate, Entity, EntityScriptHooks } from '../b2b/entities/entity-types';
import type { LogicRoutes } from '../b2b/logic/scripted-types';
import { EditableReply, EditableRequest } from './editable-message';
import { EntityRouteContext } from './entity-route-context';
import { formatLocation, scriptLocation } from './error-location';
import { globalLogicRoutes } from './logic-routes';
import { MainRouteRun } from './main-route-context';
import type { ScriptEnv } from './script-env';
import type { ScriptRoutes } from './script-types';
import { SerialQueue } from './serial-queue';

export class ScriptHost implements EntitiesDelegate {
  readonly hooks: EntityScriptHooks;
  /** The script's `b2bRequest` / `b2bReply` as the logic's global routes: give them to `createB2bStack({ globalRoutes })`. */
  readonly logicRoutes: LogicRoutes | undefined;
  private readonly queue = new SerialQueue();
  private readonly warnedAsync = new Set<string>();

  constructor(private readonly routes: ScriptRoutes, private readonly env: ScriptEnv) {
    const hooks: { onRequest?: EntityScriptHooks['onRequest']; onReply?: EntityScriptHooks['onReply'] } = {};
    // Only hooks for routes the script has, so the entities layer skips the others at no cost.
    if (routes.entitiesRequest !== undefined) hooks.onRequest = (entity, request) => this.entitiesRequest(entity, request);
    if (routes.entitiesReply !== undefined) hooks.onReply = (entity, response) => this.entitiesReply(entity, response);
    this.hooks = hooks;
    // Wrapping reads nothing from env.logic yet, so this works before the stack exists.
    this.logicRoutes = globalLogicRoutes(env, routes.b2bRequest?.bind(routes), routes.b2bReply?.bind(routes));
  }

  /** Requests whose main route is still running (async). */
  get pending(): number {
    return this.queue.pending;
  }

  /** Resolves when every pending main route has finished (tests, shutdown). */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  onInitialRequest(request: SipRequest, tx: ServerTransaction): void {
    this.queue.run(request.callId, () => this.runMain(request, tx));
  }

  private runMain(request: SipRequest, tx: ServerTransaction): void | Promise<void> {
    const run = new MainRouteRun(this.env, request, tx);
    let result: void | Promise<void>;
    try {
      result = this.routes.request(run.msg, run);
    } catch (error) {
      this.mainFailed(run, error);
      return undefined;
    }
    if (isPromise(result)) return result.then(() => this.mainDone(run), (error: unknown) => this.mainFailed(run, error));
    this.mainDone(run);
    return undefined;
  }

  private mainDone(run: MainRouteRun): void {
    if (run.decided) return;
    if (run.fallback(500, 'Server Internal Error')) {
      run.log.warn({ method: run.request.method, file: this.env.scriptFile }, 'main route ended without b2b.initRequest or b2b.reply: answered 500');
    }
  }

  private mainFailed(run: MainRouteRun, error: unknown): void {
    const at = scriptLocation(error, this.env.scriptFile);
    const answered = run.fallback(500, 'Server Internal Error');
    run.log.error({
      method: run.request.method, error: errorText(error), file: at?.file, line: at?.line, column: at?.column, answered500: answered,
    }, `script route "request" threw at ${formatLocation(at)}: ${errorText(error)}`);
  }

  private entitiesRequest(entity: Entity, request: SipRequest): SipRequest {
    const route = this.routes.entitiesRequest;
    if (route === undefined) return request;
    const msg = new EditableRequest(request);
    return this.runEntityRoute('entitiesRequest', entity, request.callId, () => route.call(this.routes, msg, this.entityContext(entity, request.callId, 'entities-request'))) ? msg.sip : request;
  }

  private entitiesReply(entity: Entity, response: SipResponse): SipResponse {
    const route = this.routes.entitiesReply;
    if (route === undefined) return response;
    const msg = new EditableReply(response);
    return this.runEntityRoute('entitiesReply', entity, response.callId, () => route.call(this.routes, msg, this.entityContext(entity, response.callId, 'entities-reply'))) ? msg.sip : response;
  }

  private entityContext(entity: Entity, callId: string, route: 'entities-request' | 'entities-reply'): EntityRouteContext {
    return new EntityRouteContext(this.env, this.env.logger.child({ callId, entity: entity.key }), entity, route);
  }

  /** Runs a synchronous route; false when it threw (the message then goes on unchanged). */
  private runEntityRoute(name: string, entity: Entity, callId: string, call: () => unknown): boolean {
    try {
      const result = call();
      if (isPromise(result)) {
        if (!this.warnedAsync.has(name)) {
          this.warnedAsync.add(name);
          this.env.logger.error({ route: name, file: this.env.scriptFile }, `script route "${name}" returned a promise: entities routes run synchronously, edits after its first await are lost`);
        }
        result.then(undefined, (error: unknown) => this.entityFailed(name, entity, callId, error));
      }
      return true;
    } catch (error) {
      this.entityFailed(name, entity, callId, error);
      return false;
    }
  }

  private entityFailed(name: string, entity: Entity, callId: string, error: unknown): void {
    const at = scriptLocation(error, this.env.scriptFile);
    this.env.logger.error({
      route: name, callId, entity: entity.key, error: errorText(error), file: at?.file, line: at?.line, column: at?.column,
    }, `script route "${name}" threw at ${formatLocation(at)}: ${errorText(error)}; message passed on unchanged`);
  }
}

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
