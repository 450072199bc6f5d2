import type { ExtensionRegistration } from '@nuncio/config';
import type { NetworkFilterConfigFactory, NetworkFilterFactoryCb } from '../../filter-factory.ts';
import type { FilterManager } from '../../filter-manager.ts';
import { NETWORK_FILTER_CATEGORY } from '../../listener-config-impl.ts';
import { EchoFilter } from './echo-filter.ts';

/** The echo filter's Envoy name. */
export const ECHO_FILTER_NAME = 'envoy.filters.network.echo';
/** The echo filter's config type (an empty message). */
export const ECHO_TYPE_NAME = 'envoy.extensions.filters.network.echo.v3.Echo';

// One callback for every listener: the echo filter has no config to close over.
const createEchoFilters: NetworkFilterFactoryCb = (filterManager: FilterManager) => {
  filterManager.addReadFilter(new EchoFilter());
};

/** The echo filter's factory: no config, a new {@link EchoFilter} per connection. */
export const echoFilterConfigFactory: NetworkFilterConfigFactory<Record<string, never>> = {
  isTerminalFilter: true,
  createFilterFactoryFromProto: () => createEchoFilters,
};

/** The echo filter's registration, for a `ConfigRegistry`. */
export const echoExtension: ExtensionRegistration<NetworkFilterConfigFactory> = {
  name: ECHO_FILTER_NAME,
  typeUrls: [`type.googleapis.com/${ECHO_TYPE_NAME}`],
  category: NETWORK_FILTER_CATEGORY,
  factory: echoFilterConfigFactory as NetworkFilterConfigFactory,
  supportedFields: { [ECHO_TYPE_NAME]: [] },
};
