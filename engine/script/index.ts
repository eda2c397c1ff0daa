/** The script API a b2bkit script imports (`import { defineScript } from 'b2bkit/engine/script'`), and the host the engine runs it with. */
export { defineScript, ROUTE_NAMES } from './script-types';
export type {
  B2bVariables, CtxStore, EntityField, EntityRouteB2b, InitFlagsInput, MainRouteB2b, MessageView, ReplyView, RequestSource,
  RequestView, RouteResult, ScriptReplyOptions, ScriptRoutes,
} from './script-types';
export { ScriptError, type ScriptErrorCode } from './script-error';
export { ScriptHost } from './script-host';
export type { ScriptEnv } from './script-env';
export { parseInitFlags } from './init-flags';
export { retarget } from './retarget';
export { isLocalUri } from './local-uri';
export { formatLocation, scriptLocation, type ScriptLocation } from './error-location';
