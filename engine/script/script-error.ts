/** Errors a script's own calls raise (programmer errors in the script: they end the route with a 500 and a logged location). */

export type ScriptErrorCode =
  | 'bad-flags' | 'bad-uri' | 'protected-header' | 'bad-socket' | 'already-decided' | 'bad-status' | 'bad-module'
  | 'not-allowed-here' | 'too-many-entities' | 'bad-argument' | 'unknown-entity' | 'no-new-client' | 'session-gone';

export class ScriptError extends Error {
  constructor(readonly code: ScriptErrorCode, message: string) {
    super(message);
    this.name = 'ScriptError';
  }
}
