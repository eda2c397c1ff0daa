/** Engine configuration (YAML + `--set`, OpenSIPS module parameter names): the public surface. */
export { parseConfig, parseConfigOrThrow, type ConfigInput, type ConfigResult } from './parse-config';
export { ConfigError, formatIssue, type ConfigIssue, type ConfigIssueCode } from './config-error';
export { DEFAULT_SCRIPT, defaultEngineConfig, type ConfigOrigin, type EngineConfig, type MiListen } from './engine-config';
export { parseListenSpec, type ListenSpec } from './listen-spec';
