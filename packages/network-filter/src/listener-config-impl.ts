import type { ConfigRegistry, ExtensionRegistration } from '@nuncio/config';
import type { Dispatcher } from '@nuncio/dispatcher';
import type { Scope } from '@nuncio/stats';
import { parseIp } from './cidr.ts';
import { durationMs } from './duration.ts';
import { invalidListenerConfig, ListenerConfigError, NetworkErrorCode } from './errors.ts';
import type { FilterChainManager } from './filter-chain-manager.ts';
import { buildFilterChainManager, filterChainLabel } from './filter-chain-manager-impl.ts';
import type {
  DrainDecision,
  FactoryContext,
  ListenerFilterConfigFactory,
  ListenerFilterFactoryCb,
  NetworkFilterConfigFactory,
  NetworkFilterFactoryCb,
} from './filter-factory.ts';
import type { ListenerConfig, NetworkFilterChain } from './listener-config.ts';
import { type ListenerInfo, TrafficDirection } from './listener-info.ts';
import type { FilterChainInput, ListenerInput, TypedConfigInput } from './listener-input.ts';
import { formatSocketAddress, type SocketAddress, socketAddress } from './socket-address.ts';

/** Envoy's extension category of network filters. */
export const NETWORK_FILTER_CATEGORY = 'envoy.filters.network';
/** Envoy's extension category of listener filters. */
export const LISTENER_FILTER_CATEGORY = 'envoy.filters.listener';

/** Envoy's default `per_connection_buffer_limit_bytes`: 1 MiB. */
export const DEFAULT_BUFFER_LIMIT_BYTES = 1024 * 1024;
/** Envoy's default `listener_filters_timeout`: 15 s. */
export const DEFAULT_LISTENER_FILTERS_TIMEOUT_MS = 15_000;

/** Where extensions are looked up: a `ConfigRegistry` from `@nuncio/config`. */
export type ExtensionResolver = Pick<ConfigRegistry, 'resolveExtension'>;

/** What building a listener's configuration needs. */
export interface ListenerBuildContext {
  /** Extensions by name and type URL. */
  readonly registry: ExtensionResolver;
  /** The thread's dispatcher, handed to factories. */
  readonly dispatcher: Dispatcher;
  /** The root stats scope. */
  readonly scope: Scope;
  /** The worker's index, or -1 on the main thread. */
  readonly workerIndex: number;
  /** The listener's drain state, handed to factories. */
  readonly drainDecision: DrainDecision;
  /** Services for factories, by name. */
  readonly singletons: ReadonlyMap<string, unknown>;
  /** False on the main thread: check everything, build no factory callbacks. */
  readonly buildFactories: boolean;
}

interface FilterReference {
  readonly name: string;
  readonly typedConfig?: TypedConfigInput;
}

function typeNameOf(reference: FilterReference): string {
  const url = reference.typedConfig?.typeUrl ?? '';
  return url.slice(url.lastIndexOf('/') + 1);
}

const DIRECTIONS: Readonly<Record<string, TrafficDirection>> = {
  UNSPECIFIED: TrafficDirection.Unspecified,
  INBOUND: TrafficDirection.Inbound,
  OUTBOUND: TrafficDirection.Outbound,
};
const NO_METADATA = Object.freeze({});

/** The listener's `traffic_direction` and `metadata` for factories; throws on a bad direction. */
function listenerInfoOf(input: ListenerInput): ListenerInfo {
  const name = input.trafficDirection ?? 'UNSPECIFIED';
  const direction = Object.hasOwn(DIRECTIONS, name) ? DIRECTIONS[name] : undefined;
  if (direction === undefined) {
    throw invalidListenerConfig(
      `listener '${input.name}': traffic_direction ${String(name)} is not one of UNSPECIFIED, INBOUND, OUTBOUND`,
    );
  }
  return Object.freeze({ direction, metadata: input.metadata ?? NO_METADATA });
}

/** Whether the listener asks for exact balancing; throws for a balancer Nuncio does not have. */
function exactBalanceOf(input: ListenerInput): boolean {
  const balance = input.connectionBalanceConfig;
  if (balance === undefined || balance === null) return false;
  if (balance.extendBalance !== undefined && balance.extendBalance !== null) {
    throw invalidListenerConfig(
      `listener '${input.name}': connection_balance_config.extend_balance is not supported (Nuncio implements exact_balance only)`,
    );
  }
  if (balance.exactBalance === undefined || balance.exactBalance === null) {
    throw invalidListenerConfig(
      `listener '${input.name}': connection_balance_config needs a balance type (exact_balance)`,
    );
  }
  return true;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Resolves and checks a listener's config; on a worker, also builds the factory callbacks. */
export class ListenerConfigImpl implements ListenerConfig {
  readonly name: string;
  readonly address: SocketAddress;
  readonly addressString: string;
  readonly statPrefix: string;
  readonly perConnectionBufferLimitBytes: number;
  readonly listenerFiltersTimeoutMs: number;
  readonly continueOnListenerFiltersTimeout: boolean;
  readonly enableReusePort: boolean;
  readonly exactBalance: boolean;
  readonly filterChainManager: FilterChainManager<NetworkFilterChain>;
  readonly listenerFilterFactories: readonly ListenerFilterFactoryCb[];
  readonly listenerFilterNames: readonly string[];
  /** The listener's stats scope. */
  readonly listenerScope: Scope;
  /** The listener's `traffic_direction` and `metadata`, as factories see them. */
  readonly listenerInfo: ListenerInfo;
  private readonly context: ListenerBuildContext;
  private readonly factoryContext: FactoryContext;

  /** Throws a `ListenerConfigError` naming what is wrong. */
  constructor(input: ListenerInput, context: ListenerBuildContext) {
    this.context = context;
    if (typeof input.name !== 'string' || input.name === '') {
      throw invalidListenerConfig('a listener needs a non-empty name');
    }
    this.name = input.name;
    const configured = input.address?.socketAddress;
    if (configured === undefined) {
      throw invalidListenerConfig(
        `listener '${input.name}': address must be a socket address (address.socket_address)`,
      );
    }
    if (configured.protocol !== undefined && configured.protocol !== 'TCP') {
      throw invalidListenerConfig(
        `listener '${input.name}': address.socket_address.protocol ${configured.protocol} is not supported (TCP only)`,
      );
    }
    if (parseIp(configured.address) === null) {
      throw invalidListenerConfig(
        `listener '${input.name}': address.socket_address.address: malformed IP address: ${configured.address}`,
      );
    }
    const port = configured.portValue ?? 0;
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw invalidListenerConfig(
        `listener '${input.name}': address.socket_address.port_value ${port} is not a port`,
      );
    }
    this.address = socketAddress(configured.address, port);
    this.addressString = formatSocketAddress(this.address);
    this.statPrefix = `listener.${input.statPrefix || this.addressString}`;
    this.listenerScope = context.scope.scopeFromStatName(this.statPrefix);
    const limit = input.perConnectionBufferLimitBytes ?? DEFAULT_BUFFER_LIMIT_BYTES;
    if (!Number.isSafeInteger(limit) || limit < 0) {
      throw invalidListenerConfig(
        `listener '${input.name}': per_connection_buffer_limit_bytes ${limit} is not a byte count`,
      );
    }
    this.perConnectionBufferLimitBytes = limit;
    this.listenerFiltersTimeoutMs = durationMs(
      input.listenerFiltersTimeout,
      DEFAULT_LISTENER_FILTERS_TIMEOUT_MS,
    );
    this.continueOnListenerFiltersTimeout = input.continueOnListenerFiltersTimeout ?? false;
    this.enableReusePort = input.enableReusePort ?? true;
    this.exactBalance = exactBalanceOf(input);
    this.listenerInfo = listenerInfoOf(input);
    this.factoryContext = {
      dispatcher: context.dispatcher,
      scope: context.scope,
      listenerScope: this.listenerScope,
      listenerName: this.name,
      listenerInfo: this.listenerInfo,
      workerIndex: context.workerIndex,
      drainDecision: context.drainDecision,
      getSingleton: <T>(name: string) => context.singletons.get(name) as T | undefined,
    };

    const listenerFilters = input.listenerFilters ?? [];
    this.listenerFilterNames = listenerFilters.map((filter) => filter.name);
    this.listenerFilterFactories = listenerFilters
      .map((filter, i) => this.listenerFilterFactory(filter, `listener_filters[${i}]`))
      .filter((cb): cb is ListenerFilterFactoryCb => cb !== null);

    this.filterChainManager = buildFilterChainManager<NetworkFilterChain>({
      listenerAddress: this.addressString,
      filterChains: input.filterChains ?? [],
      defaultFilterChain: input.defaultFilterChain,
      build: (chain, index) => this.buildChain(chain, index),
    });
  }

  private resolve(
    reference: FilterReference,
    path: string,
    category: string,
  ): ExtensionRegistration {
    const registration = this.context.registry.resolveExtension(reference);
    if (
      registration === undefined ||
      (registration.category !== undefined && registration.category !== category) ||
      registration.factory === undefined
    ) {
      throw new ListenerConfigError(
        NetworkErrorCode.UnknownExtension,
        `listener '${this.name}': ${path}: Didn't find a registered implementation for '${reference.name}' with type URL: '${typeNameOf(reference)}'`,
      );
    }
    return registration;
  }

  private configError(path: string, extension: string, error: unknown): ListenerConfigError {
    return new ListenerConfigError(
      NetworkErrorCode.InvalidExtensionConfig,
      `listener '${this.name}': ${path} (${extension}): ${describe(error)}`,
      { cause: error },
    );
  }

  private listenerFilterFactory(
    filter: FilterReference,
    path: string,
  ): ListenerFilterFactoryCb | null {
    const registration = this.resolve(filter, path, LISTENER_FILTER_CATEGORY);
    const factory = registration.factory as ListenerFilterConfigFactory;
    if (typeof factory.createListenerFilterFactoryFromProto !== 'function') {
      throw new ListenerConfigError(
        NetworkErrorCode.UnknownExtension,
        `listener '${this.name}': ${path}: '${registration.name}' is not a listener filter`,
      );
    }
    const config = filter.typedConfig?.value;
    try {
      factory.validateConfig?.(config);
      if (!this.context.buildFactories) return null;
      return factory.createListenerFilterFactoryFromProto(config, this.factoryContext);
    } catch (error) {
      throw this.configError(path, registration.name, error);
    }
  }

  private buildChain(chain: FilterChainInput, index: number): NetworkFilterChain {
    const chainPath = index < 0 ? 'default_filter_chain' : `filter_chains[${index}]`;
    const filters = chain.filters ?? [];
    const factories: NetworkFilterFactoryCb[] = [];
    filters.forEach((filter, i) => {
      const path = `${chainPath}.filters[${i}]`;
      const registration = this.resolve(filter, path, NETWORK_FILTER_CATEGORY);
      const factory = registration.factory as NetworkFilterConfigFactory;
      if (typeof factory.createFilterFactoryFromProto !== 'function') {
        throw new ListenerConfigError(
          NetworkErrorCode.UnknownExtension,
          `listener '${this.name}': ${path}: '${registration.name}' is not a network filter`,
        );
      }
      const last = i === filters.length - 1;
      if (factory.isTerminalFilter === true && !last) {
        throw invalidListenerConfig(
          `listener '${this.name}': ${path}: Error: terminal filter named ${filter.name} of type ${registration.name} must be the last filter in a network filter chain.`,
        );
      }
      if (factory.isTerminalFilter === false && last) {
        throw invalidListenerConfig(
          `listener '${this.name}': ${path}: Error: non-terminal filter named ${filter.name} of type ${registration.name} is the last filter in a network filter chain.`,
        );
      }
      const config = filter.typedConfig?.value;
      try {
        factory.validateConfig?.(config);
        if (this.context.buildFactories) {
          factories.push(factory.createFilterFactoryFromProto(config, this.factoryContext));
        }
      } catch (error) {
        throw this.configError(path, registration.name, error);
      }
    });
    return {
      name: chain.name ?? '',
      label: filterChainLabel(chain, index),
      networkFilterFactories: factories,
    };
  }
}
