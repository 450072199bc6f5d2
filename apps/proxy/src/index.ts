/**
 * The `nuncio` binary as a library: Envoy's command line (`parseCommandLine`), the bootstrap with
 * `--config-yaml` merged as Envoy merges it (`loadProxyConfig`), and the assembled server
 * (`startServer`): main-thread managers, stats, logs, access logs, named worker threads, the admin,
 * graceful drain and shutdown, and crash recovery.
 * @packageDocumentation
 */

export {
  type CommandLine,
  type DrainStrategy,
  type Mode,
  parseCommandLine,
} from './cli/command-line.ts';
export { usage } from './cli/usage.ts';
export {
  type ConfigProblem,
  formatConfigProblems,
  loadProxyConfig,
  type ProxyConfig,
  type ProxyConfigSource,
} from './config/load-proxy-config.ts';
export {
  accessLogExtensions,
  proxyConfigRegistry,
  statsSinkExtensions,
} from './config/proxy-registry.ts';
export { ProxyError, ProxyErrorCode } from './errors.ts';
export { type CommandOutput, runCommandLine } from './run.ts';
export type { DrainOptions, Server, ServerOptions } from './server/server.ts';
export { startServer } from './server/server-impl.ts';
export { PROXY_VERSION, versionString } from './version.ts';
