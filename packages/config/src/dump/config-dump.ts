import { formatTimestamp } from '../decode/time.ts';
import { envoySchema } from '../schema/load-schema.ts';
import { typeUrlOf } from '../type-url.ts';
import type { Bootstrap } from '../types.ts';
import { JsonEncoder } from './encode-json.ts';

/** Options of {@link configDump}. */
export interface ConfigDumpOptions {
  /** When the static resources were loaded (each entry's `last_updated`); default: now. */
  lastUpdated?: Date;
  /** Leave sensitive fields as they are (default false: redacted, as Envoy serves them). */
  includeSecrets?: boolean;
}

/** `/config_dump`'s body: `envoy.admin.v3.ConfigDump` in proto3 JSON. */
export interface ConfigDumpJson {
  configs: Record<string, unknown>[];
}

const BOOTSTRAP = 'envoy.config.bootstrap.v3.Bootstrap';
const LISTENER = 'envoy.config.listener.v3.Listener';
const CLUSTER = 'envoy.config.cluster.v3.Cluster';

/**
 * Envoy's `/config_dump` for a loaded bootstrap: an `envoy.admin.v3.ConfigDump` holding a
 * `BootstrapConfigDump`, a `ClustersConfigDump` (the bootstrap's static clusters) and a
 * `ListenersConfigDump` (its static listeners), in Envoy's order, with proto field names and
 * sensitive fields (`udpa.annotations.sensitive`: private keys, passwords, ...) redacted.
 */
export function configDump(bootstrap: Bootstrap, options: ConfigDumpOptions = {}): ConfigDumpJson {
  const schema = envoySchema();
  const encoder = new JsonEncoder(schema, {
    protoNames: true,
    redact: options.includeSecrets !== true,
  });
  const millis = (options.lastUpdated ?? new Date()).getTime();
  const lastUpdated = formatTimestamp({
    seconds: Math.floor(millis / 1000),
    nanos: (millis % 1000) * 1_000_000,
  });
  const asRecord = bootstrap as unknown as Record<string, unknown>;
  const staticResources = bootstrap.staticResources;
  const clusterType = schema.message(CLUSTER);
  const listenerType = schema.message(LISTENER);
  return {
    configs: [
      {
        '@type': typeUrlOf('envoy.admin.v3.BootstrapConfigDump'),
        bootstrap: encoder.message(asRecord, schema.message(BOOTSTRAP)),
        last_updated: lastUpdated,
      },
      {
        '@type': typeUrlOf('envoy.admin.v3.ClustersConfigDump'),
        static_clusters: (staticResources?.clusters ?? []).map((cluster) => ({
          cluster: {
            '@type': typeUrlOf(CLUSTER),
            ...encoder.message(cluster as unknown as Record<string, unknown>, clusterType),
          },
          last_updated: lastUpdated,
        })),
      },
      {
        '@type': typeUrlOf('envoy.admin.v3.ListenersConfigDump'),
        static_listeners: (staticResources?.listeners ?? []).map((listener) => ({
          listener: {
            '@type': typeUrlOf(LISTENER),
            ...encoder.message(listener as unknown as Record<string, unknown>, listenerType),
          },
          last_updated: lastUpdated,
        })),
      },
    ],
  };
}
