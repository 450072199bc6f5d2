import type { AccessLog } from '@nuncio/access-log';
import type { AdminStatsSource } from './admin-stats.ts';
import type { ClusterManagerView } from './cluster-manager-view.ts';
import type { ConfigDumpProvider } from './config-dump-provider.ts';
import type { LifecycleControl } from './lifecycle-control.ts';
import type { ListenerManagerView } from './listener-manager-view.ts';
import type { LoggingControl } from './logging-control.ts';
import type { ServerInfoProvider } from './server-state.ts';
import type { ThreadsProvider } from './threads-provider.ts';

/**
 * Everything the admin reads or changes, each behind its own small interface. Every provider is
 * optional: the endpoints of an absent provider are not served (nor listed on `/`), so an
 * application can mount only what it has.
 */
export interface AdminProviders {
  /** `/ready`, `/server_info`, `/hot_restart_version`. */
  readonly server?: ServerInfoProvider;
  /** `/stats`, `/stats/prometheus`, `/reset_counters` (a `StatsStore` on the main thread). */
  readonly stats?: AdminStatsSource;
  /**
   * Envoy's `stats_flush_on_admin`: called (and awaited) before `/stats` and `/stats/prometheus`
   * read, so that histograms are merged up to the request, e.g. `() => flusher.flush()` or
   * `() => store.mergeHistograms()`. Without it the stats show the last periodic flush, as Envoy.
   */
  readonly statsFlushOnAdmin?: () => unknown;
  /** `/threads` and the per-thread part of `/memory`. */
  readonly threads?: ThreadsProvider;
  /** `/clusters`. */
  readonly clusters?: ClusterManagerView;
  /** `/listeners`. */
  readonly listeners?: ListenerManagerView;
  /** `/config_dump`. */
  readonly configDump?: ConfigDumpProvider;
  /** `/logging`. */
  readonly logging?: LoggingControl;
  /** `/healthcheck/fail`, `/healthcheck/ok`, `/drain_listeners`, `/quitquitquit`, `/reopen_logs`. */
  readonly lifecycle?: LifecycleControl;
}

/** Where the admin writes its own lines (the non-loopback warning, failures of lifecycle calls). */
export interface AdminLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Options of {@link registerAdminRoutes} and the {@link adminRoutes} plugin. */
export interface AdminRoutesOptions {
  readonly providers: AdminProviders;
  /** Default: `console`. */
  readonly logger?: AdminLogger;
  /**
   * Envoy's `admin.access_log`: each admin request is logged to every one of these when its
   * response has been sent (see `accessLogsFromConfig` to build them from the bootstrap).
   */
  readonly accessLogs?: readonly AccessLog[];
  /** Serve `/` and `/help` (default true). */
  readonly index?: boolean;
  /**
   * Answer unknown paths under the mount prefix with Envoy's 404 (`invalid path. ` and the command
   * list). Default false, so that an application keeps its own not-found handler; the standalone
   * admin server turns it on.
   */
  readonly notFound?: boolean;
  /**
   * Envoy's custom stat namespaces: a stat named `<namespace>.<name>` is exported by
   * `/stats/prometheus` as `<name>` (sanitized), without the namespace and without `envoy_`, as
   * Envoy exports plugin-defined metrics; `/stats` shows the full name. Default `['wasmcustom']`
   * (Envoy's wasm namespace, which only plugins' metrics use); `[]` turns the stripping off.
   */
  readonly customStatNamespaces?: readonly string[];
}
