/** The script API a b2bkit script imports (`import { defineScript } from 'b2bkit/engine/script'`), and the host the engine runs it with. */
export { defineScript, ROUTE_NAMES } from './script-types';
export type {
  B2bVariables, ClientNewOptions, CtxStore, EntityField, EntityRouteB2b, HeaderInput, InitFlagsInput, LogicReplyB2b, LogicReplyRoute,
  LogicRequestB2b, LogicRequestRoute, LogicRouteCommon, MainRouteB2b, MessageView, ReplyView, RequestSource, RequestView, RouteResult,
  ScriptReplyOptions, ScriptRoutes, ServerNewOptions, SessionRouteInput, TriggerPeer,
} from './script-types';
export { ScriptError, type ScriptErrorCode } from './script-error';
export { ScriptHost } from './script-host';
export type { ScriptEnv } from './script-env';
export { parseInitFlags } from './init-flags';
export { parseBridgeFlags, parseHandleReplyFlags } from './bridge-flags';
export { globalLogicRoutes } from './logic-routes';
export { retarget } from './retarget';
export { isLocalUri } from './local-uri';
export { formatLocation, scriptLocation, type ScriptLocation } from './error-location';
