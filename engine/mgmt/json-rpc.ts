/**
 * JSON-RPC 2.0 over the MI commands (as OpenSIPS's mi_http / httpd speak it): request text in,
 * response text out. Parse error -32700, invalid request -32600, method not found -32601, invalid
 * params -32602; a command's own failure (404 "B2B session not found") is the error object.
 */
import type { MiRegistry } from './mi-registry';
import type { MiCommand, MiParams, MiTarget, MiValue } from './mi-types';

export const JSONRPC_PARSE_ERROR = -32700;
export const JSONRPC_INVALID_REQUEST = -32600;
export const JSONRPC_METHOD_NOT_FOUND = -32601;
export const JSONRPC_INVALID_PARAMS = -32602;
export const JSONRPC_INTERNAL_ERROR = -32603;

type Id = string | number | null;
type RpcResponse =
  | { jsonrpc: '2.0'; id: Id; result: MiValue }
  | { jsonrpc: '2.0'; id: Id; error: { code: number; message: string } };

/** Handles one HTTP body; undefined when nothing is to be sent back (only notifications). */
export function handleJsonRpc(text: string, registry: MiRegistry, target: MiTarget): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return JSON.stringify(failure(null, JSONRPC_PARSE_ERROR, 'Parse error'));
  }
  if (Array.isArray(parsed)) {
    if (parsed.length === 0) return JSON.stringify(failure(null, JSONRPC_INVALID_REQUEST, 'Invalid Request'));
    const out = parsed.map((item) => handleOne(item, registry, target)).filter((r): r is RpcResponse => r !== undefined);
    return out.length === 0 ? undefined : JSON.stringify(out);
  }
  const one = handleOne(parsed, registry, target);
  return one === undefined ? undefined : JSON.stringify(one);
}

function handleOne(request: unknown, registry: MiRegistry, target: MiTarget): RpcResponse | undefined {
  if (request === null || typeof request !== 'object' || Array.isArray(request)) return failure(null, JSONRPC_INVALID_REQUEST, 'Invalid Request');
  const r = request as Record<string, unknown>;
  const hasId = Object.prototype.hasOwnProperty.call(r, 'id');
  const id = validId(r.id) ? r.id : null;
  if (r.jsonrpc !== '2.0' || typeof r.method !== 'string' || (hasId && !validId(r.id))) return failure(id, JSONRPC_INVALID_REQUEST, 'Invalid Request');
  const command = registry.find(r.method);
  let response: RpcResponse;
  if (command === undefined) {
    response = failure(id, JSONRPC_METHOD_NOT_FOUND, 'Method not found');
  } else {
    const params = namedParams(command, r.params);
    if (typeof params === 'string') {
      response = failure(id, JSONRPC_INVALID_PARAMS, `Invalid params: ${params}`);
    } else {
      try {
        const outcome = command.run(target, params);
        response = outcome.ok ? { jsonrpc: '2.0', id, result: outcome.result } : failure(id, outcome.error.code, outcome.error.message);
      } catch (error) {
        response = failure(id, JSONRPC_INTERNAL_ERROR, `Internal error: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  // §4.1: a notification (no id) gets no response.
  return hasId ? response : undefined;
}

/** Positional params map onto the command's names in order; named ones must all be known. A string is the problem. */
function namedParams(command: MiCommand, raw: unknown): MiParams | string {
  const out: Record<string, MiValue> = {};
  if (raw === undefined || raw === null) {
    // fall through to the required check
  } else if (Array.isArray(raw)) {
    if (raw.length > command.params.length) return `${command.name} takes at most ${command.params.length} parameter(s), got ${raw.length}`;
    raw.forEach((value, i) => { out[command.params[i]!.name] = value as MiValue; });
  } else if (typeof raw === 'object') {
    for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
      if (!command.params.some((p) => p.name === name)) {
        return `unknown parameter "${name}" (${command.name} takes ${command.params.map((p) => p.name).join(', ') || 'none'})`;
      }
      out[name] = value as MiValue;
    }
  } else {
    return 'params must be an array or an object';
  }
  const missing = command.params.filter((p) => p.required && !(p.name in out)).map((p) => p.name);
  if (missing.length > 0) return `missing ${missing.join(', ')}`;
  return out;
}

function validId(id: unknown): id is Id {
  return id === null || typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id));
}

function failure(id: Id, code: number, message: string): RpcResponse {
  return { jsonrpc: '2.0', id, error: { code, message } };
}
