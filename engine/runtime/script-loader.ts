/**
 * Loads a script module at start-up (DESIGN.md, Script API): `.ts` through ts-node (transpile only),
 * `.js` as is. Every failure names the file, the line and the problem.
 */
import { existsSync, readFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { ROUTE_NAMES, type ScriptRoutes } from '../script/script-types';
import { scriptLocation } from '../script/error-location';

export type ScriptLoadErrorCode = 'script-not-found' | 'script-bad-extension' | 'script-syntax' | 'script-load-failed' | 'script-no-request-route' | 'script-bad-route';

export class ScriptLoadError extends Error {
  constructor(readonly code: ScriptLoadErrorCode, readonly file: string, readonly line: number, readonly problem: string) {
    super(`${file}:${line}: ${problem}`);
    this.name = 'ScriptLoadError';
  }
}

export interface LoadedScript {
  /** The absolute path (what error stacks show). */
  readonly file: string;
  readonly routes: ScriptRoutes;
}

const NOT_YET: Readonly<Record<string, string>> = {
  local: 'the local route is not supported yet',
};

export function loadScript(path: string, baseDir = process.cwd()): LoadedScript {
  const file = resolve(baseDir, path);
  if (!existsSync(file)) throw new ScriptLoadError('script-not-found', file, 1, 'script file not found');
  const ext = extname(file);
  if (ext === '.ts') ensureTypeScript();
  else if (ext !== '.js' && ext !== '.cjs') throw new ScriptLoadError('script-bad-extension', file, 1, `a script is a .ts or .js module, got "${ext}"`);
  delete require.cache[file];
  let exported: unknown;
  try {
    exported = require(file) as unknown;
  } catch (error) {
    throw loadFailure(file, error);
  }
  return { file, routes: routesOf(file, exported) };
}

function routesOf(file: string, exported: unknown): ScriptRoutes {
  const mod = exported as Record<string, unknown> | null;
  const candidate = mod !== null && typeof mod === 'object' && typeof mod.default === 'object' && mod.default !== null ? mod.default : mod;
  const line = exportLine(file);
  if (candidate === null || typeof candidate !== 'object') {
    throw new ScriptLoadError('script-no-request-route', file, line, 'the module exports no routes: export default defineScript({ request(msg, b2b) { … } })');
  }
  const routes = candidate as Record<string, unknown>;
  for (const [name, value] of Object.entries(routes)) {
    if (name === 'default' || name === '__esModule') continue;
    if (NOT_YET[name] !== undefined) throw new ScriptLoadError('script-bad-route', file, line, `route "${name}": ${NOT_YET[name]}`);
    if (!(ROUTE_NAMES as readonly string[]).includes(name)) {
      throw new ScriptLoadError('script-bad-route', file, line, `unknown export "${name}" (routes are ${ROUTE_NAMES.join(', ')})`);
    }
    if (typeof value !== 'function') throw new ScriptLoadError('script-bad-route', file, line, `route "${name}" must be a function, got ${typeof value}`);
  }
  if (typeof routes.request !== 'function') {
    throw new ScriptLoadError('script-no-request-route', file, line, 'the module has no request route: export default defineScript({ request(msg, b2b) { … } })');
  }
  return routes as unknown as ScriptRoutes;
}

function loadFailure(file: string, error: unknown): ScriptLoadError {
  // ts-node: "file.ts(3,15): error TS1109: Expression expected."
  const tsText = (error as { diagnosticText?: unknown }).diagnosticText;
  if (typeof tsText === 'string') {
    const m = /\((\d+),(\d+)\): error (TS\d+): ([^\n]*)/.exec(tsText);
    if (m !== null) return new ScriptLoadError('script-syntax', file, Number(m[1]), `${m[4]} (${m[3]}, column ${m[2]})`);
  }
  // V8 SyntaxError: the stack starts with "/path/file.js:3" and the offending line.
  if (error instanceof SyntaxError) {
    const m = /^(.*?):(\d+)\n/.exec(error.stack ?? '');
    const line = m !== null && resolve(m[1]!) === file ? Number(m[2]) : 1;
    return new ScriptLoadError('script-syntax', file, line, `SyntaxError: ${error.message}`);
  }
  const at = scriptLocation(error, file);
  const line = at !== undefined && at.file === file ? at.line : 1;
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new ScriptLoadError('script-load-failed', file, line, `loading the module threw ${message}`);
}

/** The line of the routes' export, for problems with what the module exports. */
function exportLine(file: string): number {
  const lines = readFileSync(file, 'utf8').split('\n');
  const index = lines.findIndex((l) => /export\s+default|defineScript\s*\(|module\.exports|exports\.request/.test(l));
  return index < 0 ? 1 : index + 1;
}

/** bin/b2bkit.js and tap register a .ts loader; a host that did not gets ts-node in transpile-only mode. */
function ensureTypeScript(): void {
  if (require.extensions['.ts'] !== undefined) return;
  const project = join(__dirname, '..', '..', 'tsconfig.json');
  // Loaded lazily: the CLI and tap already register a loader, so most hosts never pay for ts-node here.
  const tsNode = require('ts-node') as { register(options: { transpileOnly: boolean; project: string }): unknown };
  tsNode.register({ transpileOnly: true, project });
}
