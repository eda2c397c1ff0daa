/**
 * Every b2b_logic verb on every route's `b2b` (opensips-b2b.md §2.1 "where" column): a route context
 * overrides the verbs its route allows; the others throw ScriptError `not-allowed-here` saying where
 * the verb belongs, so a plain-JS script that calls one in the wrong route fails at its own line.
 */
import { LogicUsageError } from '../b2b/logic/scripted-types';
import { RouteVariables } from './route-variables';
import { ScriptError } from './script-error';

/** §2.1 b2b_server_new / b2b_client_new: at most two new entities per message. */
export const MAX_NEW_ENTITIES = 2;

export type RouteKind = 'main' | 'b2b-request' | 'b2b-reply' | 'entities-request' | 'entities-reply';

const ROUTE_TEXT: Readonly<Record<RouteKind, string>> = {
  'main': 'the main route (request)',
  'b2b-request': 'the b2b_logic request route (b2bRequest or initRequest\'s request route)',
  'b2b-reply': 'the b2b_logic reply route (b2bReply or initRequest\'s reply route)',
  'entities-request': 'the entities request route (entitiesRequest)',
  'entities-reply': 'the entities reply route (entitiesReply)',
};

/** §2.1 "where": M = main, LQ = b2b_logic request route, LR = b2b_logic reply route. */
export const VERB_PLACES = {
  initRequest: ['main'],
  serverNew: ['main'],
  bridgeRequest: ['main'],
  reply: ['main'],
  setDestination: ['main'],
  forceSendSocket: ['main'],
  appendBranch: ['main'],
  clientNew: ['main', 'b2b-request', 'b2b-reply'],
  triggerScenario: ['main', 'b2b-request', 'b2b-reply'],
  endDlgLeg: ['b2b-request', 'b2b-reply'],
  passRequest: ['b2b-request'],
  sendReply: ['b2b-request'],
  deleteEntity: ['b2b-request'],
  bridge: ['b2b-request'],
  handleReply: ['b2b-reply'],
  bridgeRetry: ['b2b-reply'],
} as const satisfies Readonly<Record<string, readonly RouteKind[]>>;

export type Verb = keyof typeof VERB_PLACES;

export function notAllowedHere(verb: Verb, route: RouteKind): ScriptError {
  const places = (VERB_PLACES[verb] as readonly RouteKind[]).map((p) => ROUTE_TEXT[p]);
  return new ScriptError('not-allowed-here', `b2b.${verb} is not allowed in ${ROUTE_TEXT[route]}: only in ${places.join(', ')}`);
}

/** Runs a logic verb, turning the logic's usage errors into the script's (same code and text). */
export function logicCall<T>(verb: string, call: () => T): T {
  try {
    return call();
  } catch (error) {
    if (error instanceof LogicUsageError) throw new ScriptError(error.code, `${verb}: ${error.message}`);
    throw error;
  }
}

/** The verbs every route context carries; each context overrides the ones its route allows. */
export abstract class RouteVerbs extends RouteVariables {
  protected abstract readonly route: RouteKind;

  initRequest(..._args: unknown[]): unknown { throw notAllowedHere('initRequest', this.route); }
  serverNew(..._args: unknown[]): unknown { throw notAllowedHere('serverNew', this.route); }
  bridgeRequest(..._args: unknown[]): unknown { throw notAllowedHere('bridgeRequest', this.route); }
  reply(..._args: unknown[]): unknown { throw notAllowedHere('reply', this.route); }
  setDestination(..._args: unknown[]): unknown { throw notAllowedHere('setDestination', this.route); }
  forceSendSocket(..._args: unknown[]): unknown { throw notAllowedHere('forceSendSocket', this.route); }
  appendBranch(..._args: unknown[]): unknown { throw notAllowedHere('appendBranch', this.route); }
  clientNew(..._args: unknown[]): unknown { throw notAllowedHere('clientNew', this.route); }
  triggerScenario(..._args: unknown[]): unknown { throw notAllowedHere('triggerScenario', this.route); }
  endDlgLeg(..._args: unknown[]): unknown { throw notAllowedHere('endDlgLeg', this.route); }
  passRequest(..._args: unknown[]): unknown { throw notAllowedHere('passRequest', this.route); }
  sendReply(..._args: unknown[]): unknown { throw notAllowedHere('sendReply', this.route); }
  deleteEntity(..._args: unknown[]): unknown { throw notAllowedHere('deleteEntity', this.route); }
  bridge(..._args: unknown[]): unknown { throw notAllowedHere('bridge', this.route); }
  handleReply(..._args: unknown[]): unknown { throw notAllowedHere('handleReply', this.route); }
  bridgeRetry(..._args: unknown[]): unknown { throw notAllowedHere('bridgeRetry', this.route); }
}
