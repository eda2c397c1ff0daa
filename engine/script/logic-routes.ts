/**
 * Script b2b_logic routes (opensips-b2b.md §1.2: global `b2bRequest`/`b2bReply`, or per session from
 * `initRequest`'s 3rd argument) as the logic's LogicRoutes: each call gets an editable view of the
 * message and a `b2b` for its route; a throw is logged at the script's line, then rethrown to the logic.
 */
import type { SipResponse } from '../sip/message';
import { createResponse } from '../sip/build-response';
import { parseMessage } from '../sip';
import type { LogicReplyContext, LogicRequestContext, LogicRoutes } from '../b2b/logic/scripted-types';
import { EditableReply, EditableRequest } from './editable-message';
import { formatLocation, scriptLocation } from './error-location';
import { LogicReplyRun, LogicRequestRun } from './logic-route-context';
import type { ScriptEnv } from './script-env';
import { ScriptError } from './script-error';
import type { LogicReplyRoute, LogicRequestRoute, SessionRouteInput } from './script-types';

/** Route names that already logged "returned a promise", per engine (logged once each). */
const warnedAsync = new WeakMap<ScriptEnv, Set<string>>();

/** Wraps the script's routes; undefined when it gave none (the logic then uses the global ones, or its defaults). */
export function logicRoutes(env: ScriptEnv, input: SessionRouteInput | undefined, verb: string): LogicRoutes | undefined {
  if (input === undefined) return undefined;
  if (typeof input !== 'object' || input === null) throw new ScriptError('bad-argument', `${verb}: routes must be { request?, reply? }`);
  for (const key of Object.keys(input)) {
    if (key !== 'request' && key !== 'reply') throw new ScriptError('bad-argument', `${verb}: unknown route "${key}" (request, reply)`);
  }
  const request = checkRoute(input.request, `${verb} routes.request`);
  const reply = checkRoute(input.reply, `${verb} routes.reply`);
  if (request === undefined && reply === undefined) return undefined;
  return wrap(env, request as LogicRequestRoute | undefined, reply as LogicReplyRoute | undefined, 'session');
}

/** The script's `b2bRequest` / `b2bReply` exports as the logic's global routes (`script_req_route` / `script_reply_route`). */
export function globalLogicRoutes(env: ScriptEnv, request: LogicRequestRoute | undefined, reply: LogicReplyRoute | undefined): LogicRoutes | undefined {
  if (request === undefined && reply === undefined) return undefined;
  return wrap(env, request, reply, 'global');
}

function wrap(env: ScriptEnv, request: LogicRequestRoute | undefined, reply: LogicReplyRoute | undefined, scope: 'global' | 'session'): LogicRoutes {
  const requestName = scope === 'global' ? 'b2bRequest' : 'initRequest request route';
  const replyName = scope === 'global' ? 'b2bReply' : 'initRequest reply route';
  const routes: { request?: LogicRoutes['request']; reply?: LogicRoutes['reply'] } = {};
  if (request !== undefined) {
    routes.request = (context: LogicRequestContext): void => {
      const log = env.logger.child({ callId: context.request.callId, key: context.sessionKey });
      const msg = new EditableRequest(context.request);
      const b2b = new LogicRequestRun(env, log, context, msg);
      run(env, requestName, log, () => request(msg, b2b));
    };
  }
  if (reply !== undefined) {
    routes.reply = (context: LogicReplyContext): void => {
      const log = env.logger.child({ callId: context.entity.callId, key: context.sessionKey });
      const response = context.reply.response;
      const msg = new EditableReply(response ?? madeUpReply(env, context));
      const b2b = new LogicReplyRun(env, log, context, msg, response !== undefined);
      run(env, replyName, log, () => reply(msg, b2b));
    };
  }
  // The logic names routes by their function name in its logs: the script's export, or the session's route.
  if (routes.request !== undefined) Object.defineProperty(routes.request, 'name', { value: ownName(request) ?? requestName });
  if (routes.reply !== undefined) Object.defineProperty(routes.reply, 'name', { value: ownName(reply) ?? replyName });
  return routes;
}

/** Synchronous like the entities routes; a throw is logged with the script's location and rethrown (the logic answers 500 and ends the session). */
function run(env: ScriptEnv, name: string, log: ScriptEnv['logger'], call: () => unknown): void {
  let result: unknown;
  try {
    result = call();
  } catch (error) {
    logFailure(env, name, log, error);
    throw error;
  }
  if (isPromise(result)) {
    let warned = warnedAsync.get(env);
    if (warned === undefined) warnedAsync.set(env, warned = new Set());
    if (!warned.has(name)) {
      warned.add(name);
      env.logger.error({ route: name, file: env.scriptFile }, `script route "${name}" returned a promise: b2b_logic routes run synchronously, verbs after its first await act on a finished message`);
    }
    result.then(undefined, (error: unknown) => logFailure(env, name, log, error));
  }
}

function logFailure(env: ScriptEnv, name: string, log: ScriptEnv['logger'], error: unknown): void {
  const at = scriptLocation(error, env.scriptFile);
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  log.error({ route: name, error: text, file: at?.file, line: at?.line, column: at?.column }, `script route "${name}" threw at ${formatLocation(at)}: ${text}`);
}

/**
 * A reply the engine made up (timeout, transport error) has no message: the route sees one built from
 * the entity's INVITE, so `msg.status` and the dialog fields read as usual.
 */
function madeUpReply(env: ScriptEnv, context: LogicReplyContext): SipResponse {
  const { status, reason } = context.reply;
  const invite = env.entities.find(context.entity.key)?.initialRequest;
  if (invite !== undefined) return createResponse(invite, status, reason);
  const text = `SIP/2.0 ${status} ${reason}\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK-local\r\nFrom: <sip:b2bkit.invalid>;tag=${context.entity.fromTag ?? 'local'}\r\n`
    + `To: <sip:b2bkit.invalid>${context.entity.toTag === undefined ? '' : `;tag=${context.entity.toTag}`}\r\nCall-ID: ${context.entity.callId}\r\nCSeq: 1 ${context.method}\r\nContent-Length: 0\r\n\r\n`;
  const parsed = parseMessage(new TextEncoder().encode(text));
  if (!parsed.ok || parsed.message.kind !== 'response') throw new Error(`cannot build a ${status} reply view for ${context.entity.key}`);
  return parsed.message;
}

/** A script function's own name; none for anonymous ones and the `{ request() {}, reply() {} }` shorthand. */
function ownName(route: { readonly name: string } | undefined): string | undefined {
  const name = route?.name.replace(/^bound /, '') ?? '';
  return name === '' || name === 'request' || name === 'reply' ? undefined : name;
}

function checkRoute(route: unknown, what: string): unknown {
  if (route !== undefined && typeof route !== 'function') throw new ScriptError('bad-argument', `${what} must be a function (msg, b2b) => void`);
  return route;
}

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
