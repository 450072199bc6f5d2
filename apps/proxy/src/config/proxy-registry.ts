import {
  type ConfigRegistry,
  createConfigRegistry,
  type ExtensionRegistration,
} from '@nuncio/config';
import { registerNetworkExtensions } from '@nuncio/network-filter';
import { tcpProxyExtension } from '@nuncio/tcp-proxy';
import { registerUpstreamConfig } from '@nuncio/upstream';
import { wasmNetworkFilterExtension, wasmServiceExtension } from '@nuncio/wasm-network-filter';

const FILE_ACCESS_LOG = 'envoy.extensions.access_loggers.file.v3.FileAccessLog';
const STDOUT_ACCESS_LOG = 'envoy.extensions.access_loggers.stream.v3.StdoutAccessLog';
const STDERR_ACCESS_LOG = 'envoy.extensions.access_loggers.stream.v3.StderrAccessLog';
const STATSD_SINK = 'envoy.config.metrics.v3.StatsdSink';

// What @nuncio/access-log reads of a log format: the rest of SubstitutionFormatString (formatter
// extensions, ...) is reported as unsupported by the subset check.
const FORMAT_FIELDS: Readonly<Record<string, readonly string[]>> = {
  'envoy.config.core.v3.SubstitutionFormatString': [
    'text_format_source',
    'json_format',
    'omit_empty_values',
    'content_type',
    'json_format_options',
  ],
  'envoy.config.core.v3.DataSource': ['inline_string', 'filename'],
  'envoy.config.core.v3.JsonFormatOptions': ['sort_properties'],
};

/** Envoy's access loggers as `@nuncio/access-log` implements them. */
export const accessLogExtensions: readonly ExtensionRegistration[] = Object.freeze([
  {
    name: 'envoy.access_loggers.file',
    typeUrls: [`type.googleapis.com/${FILE_ACCESS_LOG}`],
    category: 'envoy.access_loggers',
    supportedFields: { [FILE_ACCESS_LOG]: ['path', 'log_format'], ...FORMAT_FIELDS },
  },
  {
    name: 'envoy.access_loggers.stdout',
    typeUrls: [`type.googleapis.com/${STDOUT_ACCESS_LOG}`],
    category: 'envoy.access_loggers',
    supportedFields: { [STDOUT_ACCESS_LOG]: ['log_format'], ...FORMAT_FIELDS },
  },
  {
    name: 'envoy.access_loggers.stderr',
    typeUrls: [`type.googleapis.com/${STDERR_ACCESS_LOG}`],
    category: 'envoy.access_loggers',
    supportedFields: { [STDERR_ACCESS_LOG]: ['log_format'], ...FORMAT_FIELDS },
  },
]);

/** Envoy's statsd sink as `@nuncio/stats` implements it (UDP to `address`). */
export const statsSinkExtensions: readonly ExtensionRegistration[] = Object.freeze([
  {
    name: 'envoy.stat_sinks.statsd',
    typeUrls: [`type.googleapis.com/${STATSD_SINK}`],
    category: 'envoy.stats_sinks',
    supportedFields: { [STATSD_SINK]: ['address', 'prefix'] },
  },
]);

/**
 * The supported subset of the `nuncio` binary: `@nuncio/config`'s core subset, the bootstrap's
 * `stats_sinks`, the access loggers and stats sinks, and every extension the assembled packages
 * provide (`@nuncio/network-filter`'s echo filter and TLS inspector, `@nuncio/upstream`'s cluster types,
 * load balancers and health checks, `envoy.filters.network.tcp_proxy`, proxy-wasm's
 * `envoy.filters.network.wasm` and `envoy.bootstrap.wasm`). A field set in a config
 * and not in here is an error naming its path. Every thread builds its own (a registry holds the
 * extensions' factories, which do not cross threads), always from this same static list.
 */
export function proxyConfigRegistry(): ConfigRegistry {
  const registry = registerUpstreamConfig(registerNetworkExtensions(createConfigRegistry()));
  registry.registerSupportedFields('envoy.config.bootstrap.v3.Bootstrap', ['stats_sinks']);
  registry.registerSupportedFields('envoy.config.metrics.v3.StatsSink', ['name', 'typed_config']);
  for (const extension of [
    ...accessLogExtensions,
    ...statsSinkExtensions,
    tcpProxyExtension,
    wasmNetworkFilterExtension,
    wasmServiceExtension,
  ]) {
    registry.registerExtension(extension);
  }
  return registry;
}
