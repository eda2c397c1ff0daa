/** Management commands (OpenSIPS MI, opensips-b2b.md §2.4, §3.3) and their JSON-RPC 2.0 dispatch: the public surface. */
export { MiRegistry, defaultMiRegistry } from './mi-registry';
export {
  handleJsonRpc, JSONRPC_INTERNAL_ERROR, JSONRPC_INVALID_PARAMS, JSONRPC_INVALID_REQUEST, JSONRPC_METHOD_NOT_FOUND, JSONRPC_PARSE_ERROR,
} from './json-rpc';
export type { MiCommand, MiFailure, MiOutcome, MiParamSpec, MiParams, MiTarget, MiValue } from './mi-types';
