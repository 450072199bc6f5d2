import type { ListenerOptions, ListenerSnapshot } from './connection-handler.ts';
import type { ListenerInput } from './listener-input.ts';
import type { SocketAddress } from './socket-address.ts';

/** One worker's share of a listener, from the per-worker stats. */
export interface ListenerWorkerSummary {
  readonly index: number;
  /** `listener.<address>.worker_<i>.downstream_cx_total`. */
  readonly downstreamCxTotal: number;
  /** `listener.<address>.worker_<i>.downstream_cx_active`. */
  readonly downstreamCxActive: number;
}

/** A listener as the admin's `/listeners` shows it, read on the main thread. */
export interface ListenerSummary {
  readonly name: string;
  /** The address the workers bind (port 0 resolved to the port chosen). */
  readonly address: SocketAddress;
  /** `address` as Envoy prints it. */
  readonly addressString: string;
  /** The stats scope: `listener.<address or stat_prefix>`. */
  readonly statPrefix: string;
  readonly filterChains: number;
  readonly defaultFilterChain: boolean;
  /** The listener filters' names, in order. */
  readonly listenerFilters: readonly string[];
  /** The connection limit, null when unlimited. */
  readonly maxConnections: number | null;
  /** Connections open over every worker now (from the shared limit counter). */
  readonly openConnections: number;
  /** The listener's counters and gauges by Envoy name (`downstream_cx_total`, ...). */
  readonly stats: Readonly<Record<string, number>>;
  readonly workers: readonly ListenerWorkerSummary[];
}

/** What `addOrUpdateListener` did. */
export type ListenerUpdateResult = 'added' | 'updated' | 'unchanged';

/**
 * The main thread's listener manager (the part of Envoy's `ListenerManager` that lives on main):
 * it checks listener configs before any worker sees them (ambiguous chains, unknown filters, bad
 * typed configs are rejected here), resolves port 0 once so every worker binds the same port,
 * keeps the shared connection counters, and publishes {@link ListenerSnapshot}s for the workers'
 * `ConnectionHandler.applySnapshot`. Counts Envoy's `listener_manager.*` stats.
 */
export interface ListenerManager {
  /**
   * Checks `config` and adds it, or replaces the listener of the same name. Rejects with a
   * `ListenerConfigError` (nothing changes) or, for port 0, when no port can be found.
   */
  addOrUpdateListener(
    config: ListenerInput,
    options?: ListenerOptions,
  ): Promise<ListenerUpdateResult>;
  /** Removes the listener named `name`; false if there is none. */
  removeListener(name: string): boolean;
  /** The listeners as the workers should have them (plain, cloneable data). */
  snapshot(): ListenerSnapshot;
  /** The admin's view of every listener, with live stats. */
  listeners(): ListenerSummary[];
  /** Connections open per worker (index order), over every listener: for the admin's `/threads`. */
  workerConnections(): number[];
  /**
   * Forgets what worker `index` held in the listeners' connection balancers once its thread has
   * died (its connections died with it): its counts go back to 0, and it is not picked until
   * its successor binds the listeners again. Call it before the worker is started again.
   */
  workerLost(index: number): void;
}
