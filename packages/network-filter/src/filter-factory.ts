import type { Dispatcher } from '@nuncio/dispatcher';
import type { Scope } from '@nuncio/stats';
import type { FilterManager } from './filter-manager.ts';
import type { ListenerFilterManager } from './listener-filter.ts';
import type { ListenerInfo } from './listener-info.ts';

/**
 * Whether connections should be closed for draining (Envoy's `DrainDecision`): true while the
 * listener drains (being removed, or the worker shutting down). L4 filters that can end a
 * connection cleanly (an HTTP connection manager sending `Connection: close`) check it.
 */
export interface DrainDecision {
  drainClose(): boolean;
}

/**
 * What an extension factory gets when a listener is built (Envoy's `FactoryContext`). On a worker
 * it describes that worker; on the main thread (validation only) `workerIndex` is -1 and the
 * factory's callback is never called.
 */
export interface FactoryContext {
  /** The dispatcher of the thread the listener is built on. */
  readonly dispatcher: Dispatcher;
  /** The root stats scope. */
  readonly scope: Scope;
  /** The listener's scope: `listener.<address or stat_prefix>.`. */
  readonly listenerScope: Scope;
  /** The listener's name. */
  readonly listenerName: string;
  /** The listener's `traffic_direction` and `metadata` (Envoy's `listenerInfo()`). */
  readonly listenerInfo: ListenerInfo;
  /** The worker's index, or -1 on the main thread. */
  readonly workerIndex: number;
  /** The listener's drain state. */
  readonly drainDecision: DrainDecision;
  /**
   * A process-wide service the assembler made available to factories by name (Envoy's
   * singleton manager; the TCP proxy looks up the cluster manager this way). Undefined when
   * nobody registered `name`.
   */
  getSingleton<T>(name: string): T | undefined;
}

/**
 * What a network filter factory builds once per listener snapshot on each worker, and the
 * listener calls for every new connection (Envoy's `Network::FilterFactoryCb`): it creates the
 * connection's filter objects and adds them.
 */
export type NetworkFilterFactoryCb = (filterManager: FilterManager) => void;

/**
 * A network filter extension (Envoy's `NamedNetworkFilterConfigFactory`), registered under its
 * name and type URL as the `factory` of an `ExtensionRegistration`.
 */
export interface NetworkFilterConfigFactory<C = unknown> {
  /**
   * Turns the decoded typed config (undefined when the filter has none) into the per-connection
   * callback. Throw (any error) to reject the config: the listener is not built.
   */
  createFilterFactoryFromProto(
    config: C | undefined,
    context: FactoryContext,
  ): NetworkFilterFactoryCb;
  /**
   * Checks the config on the main thread without building anything (optional): throw to reject.
   * Config that only the worker can check (say, a cluster that must exist) is checked there.
   */
  validateConfig?(config: C | undefined): void;
  /**
   * Whether the filter must be the last of its chain (Envoy's terminal filters: the TCP proxy,
   * echo, the HTTP connection manager). When set, a chain that breaks the rule is rejected.
   */
  readonly isTerminalFilter?: boolean;
}

/** What a listener filter factory builds: called per accepted socket to add its filters. */
export type ListenerFilterFactoryCb = (manager: ListenerFilterManager) => void;

/** A listener filter extension (Envoy's `NamedListenerFilterConfigFactory`). */
export interface ListenerFilterConfigFactory<C = unknown> {
  /** Turns the decoded typed config into the per-socket callback; throw to reject the config. */
  createListenerFilterFactoryFromProto(
    config: C | undefined,
    context: FactoryContext,
  ): ListenerFilterFactoryCb;
  /** Checks the config on the main thread without building anything (optional). */
  validateConfig?(config: C | undefined): void;
}
