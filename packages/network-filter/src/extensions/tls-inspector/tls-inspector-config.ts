import type { ExtensionRegistration } from '@nuncio/config';
import type {
  FactoryContext,
  ListenerFilterConfigFactory,
  ListenerFilterFactoryCb,
} from '../../filter-factory.ts';
import { LISTENER_FILTER_CATEGORY } from '../../listener-config-impl.ts';
import { TlsInspectorFilter, TlsInspectorStats } from './tls-inspector.ts';

/** The TLS inspector's Envoy name. */
export const TLS_INSPECTOR_NAME = 'envoy.filters.listener.tls_inspector';
/** The TLS inspector's config type. */
export const TLS_INSPECTOR_TYPE_NAME =
  'envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector';

/**
 * The TLS inspector's factory. Its config fields (`enable_ja3_fingerprinting`,
 * `initial_read_buffer_size`) are not implemented, so the config check reports them when set.
 */
export const tlsInspectorConfigFactory: ListenerFilterConfigFactory<Record<string, never>> = {
  createListenerFilterFactoryFromProto(
    _config: Record<string, never> | undefined,
    context: FactoryContext,
  ): ListenerFilterFactoryCb {
    // Stats are looked up once per listener build, not per connection.
    const stats = new TlsInspectorStats(context.scope);
    return (manager) => manager.addAcceptFilter(new TlsInspectorFilter(stats));
  },
};

/** The TLS inspector's registration, for a `ConfigRegistry`. */
export const tlsInspectorExtension: ExtensionRegistration<ListenerFilterConfigFactory> = {
  name: TLS_INSPECTOR_NAME,
  typeUrls: [`type.googleapis.com/${TLS_INSPECTOR_TYPE_NAME}`],
  category: LISTENER_FILTER_CATEGORY,
  factory: tlsInspectorConfigFactory as ListenerFilterConfigFactory,
  supportedFields: { [TLS_INSPECTOR_TYPE_NAME]: [] },
};
