import type { CommandLineOptions } from '../server-state.ts';

/**
 * Envoy's `CommandLineOptions` with Envoy's default for every field, in proto3 JSON as Envoy's
 * `/server_info` prints them (it prints every field, defaults included). 64-bit numbers are
 * strings, durations `"<n>s"`.
 */
const DEFAULTS: Readonly<Record<string, unknown>> = {
  base_id: '0',
  use_dynamic_base_id: false,
  base_id_path: '',
  concurrency: 1,
  config_path: '',
  config_yaml: '',
  allow_unknown_static_fields: false,
  reject_unknown_dynamic_fields: false,
  ignore_unknown_dynamic_fields: false,
  admin_address_path: '',
  local_address_ip_version: 'v4',
  log_level: 'info',
  component_log_level: '',
  log_format: '[%Y-%m-%d %T.%e][%t][%l][%n] [%g:%#] %v',
  log_format_escaped: false,
  log_path: '',
  service_cluster: '',
  service_node: '',
  service_zone: '',
  file_flush_interval: '10s',
  drain_time: '600s',
  drain_strategy: 'Gradual',
  parent_shutdown_time: '900s',
  mode: 'Serve',
  // Nuncio has no hot restart.
  disable_hot_restart: true,
  enable_mutex_tracing: false,
  restart_epoch: 0,
  cpuset_threads: false,
  disabled_extensions: [],
  bootstrap_version: 0,
  enable_fine_grain_logging: false,
  socket_path: '@envoy_domain_socket',
  socket_mode: 0,
  enable_core_dump: false,
};

/** `options` over Envoy's defaults, in Envoy's field order, then any extra fields given. */
export function commandLineOptionsJson(options: CommandLineOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(DEFAULTS)) out[key] = options[key] ?? value;
  for (const [key, value] of Object.entries(options)) if (!(key in out)) out[key] = value;
  return out;
}
