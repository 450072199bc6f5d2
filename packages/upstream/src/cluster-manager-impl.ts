import { isMainThread } from 'node:worker_threads';
import { currentDispatcher, type Dispatcher } from '@nuncio/dispatcher';
import type { Counter, Gauge, Scope, StatsStore } from '@nuncio/stats';
import { nullScope } from '@nuncio/stats';
import type { Slot, SlotRef, ThreadLocalInstance } from '@nuncio/thread-local';
import { type ClusterConfig, parseClusterConfig } from './cluster-config.ts';
import type { ClusterInput } from './cluster-input.ts';
import type { ClusterManager, ClusterUpdateResult } from './cluster-manager.ts';
import type { ClusterManagerSnapshot } from './cluster-snapshot.ts';
import type { ClusterStatus, HostStatus } from './cluster-status.ts';
import { type DnsLookup, systemDnsLookup } from './dns-lookup.ts';
import { invalidArgument, shutDown, wrongThread } from './errors.ts';
import { healthFlagNames } from './health-flag.ts';
import { readHostStats } from './host-stats.ts';
import { PrimaryCluster } from './primary-cluster.ts';
import type { ThreadLocalClusterManager } from './thread-local-cluster-manager.ts';
import {
  type ThreadLocalClusterManagerImpl,
  threadLocalClusterManager,
} from './thread-local-cluster-manager-impl.ts';
import { provideStatsStore } from './thread-stats.ts';

/** Options for {@link createClusterManager}. */
export interface ClusterManagerOptions {
  /** Main's thread-local instance: the manager allocates its slot there. */
  threadLocal: ThreadLocalInstance;
  /** The stats store (main's); without one, nothing is counted. */
  stats?: StatsStore;
  /** Main's dispatcher, for health-check and DNS timers (default `currentDispatcher()`). */
  dispatcher?: Dispatcher;
  /** How DNS clusters resolve names (default: `dns.lookup`). */
  dnsLookup?: DnsLookup;
}

function sameConfig(a: ClusterConfig, b: ClusterConfig): boolean {
  const replacer = (_key: string, value: unknown) =>
    value instanceof Uint8Array ? Buffer.from(value).toString('hex') : value;
  return JSON.stringify(a, replacer) === JSON.stringify(b, replacer);
}

class ClusterManagerImpl implements ClusterManager {
  readonly slotRef: SlotRef<ThreadLocalClusterManager, ClusterManagerSnapshot>;
  private readonly slot: Slot<ThreadLocalClusterManagerImpl, ClusterManagerSnapshot>;
  private readonly dispatcher: Dispatcher;
  private readonly scope: Scope;
  private readonly dnsLookup: DnsLookup;
  private readonly active: Map<string, PrimaryCluster>;
  /** The newest warming cluster per name; an older one still warming is discarded. */
  private readonly warming: Map<string, PrimaryCluster>;
  private readonly clusterAdded: Counter;
  private readonly clusterModified: Counter;
  private readonly clusterRemoved: Counter;
  private readonly clusterUpdated: Counter;
  private readonly activeClusters: Gauge;
  private readonly warmingClusters: Gauge;
  private nextGeneration: number;
  private publishScheduled: boolean;
  private stopped: boolean;

  constructor(options: ClusterManagerOptions) {
    this.dispatcher = options.dispatcher ?? currentDispatcher();
    this.scope = options.stats ?? nullScope;
    this.dnsLookup = options.dnsLookup ?? systemDnsLookup;
    this.active = new Map();
    this.warming = new Map();
    const manager = this.scope.scopeFromStatName('cluster_manager');
    this.clusterAdded = manager.counterFromString('cluster_added');
    this.clusterModified = manager.counterFromString('cluster_modified');
    this.clusterRemoved = manager.counterFromString('cluster_removed');
    this.clusterUpdated = manager.counterFromString('cluster_updated');
    this.activeClusters = manager.gaugeFromString('active_clusters', 'NeverImport');
    this.warmingClusters = manager.gaugeFromString('warming_clusters', 'NeverImport');
    this.nextGeneration = 1;
    this.publishScheduled = false;
    this.stopped = false;
    if (options.stats !== undefined) provideStatsStore(options.stats);
    this.slot = options.threadLocal.allocateSlot().set(threadLocalClusterManager, {
      stats: options.stats?.descriptor ?? null,
    }) as unknown as Slot<ThreadLocalClusterManagerImpl, ClusterManagerSnapshot>;
    this.slotRef = this.slot.ref as unknown as SlotRef<
      ThreadLocalClusterManager,
      ClusterManagerSnapshot
    >;
    this.slot.publish({ clusters: [] });
  }

  async addOrUpdateCluster(input: ClusterInput): Promise<ClusterUpdateResult> {
    if (this.stopped) throw shutDown('addOrUpdateCluster');
    const config = parseClusterConfig(input);
    const name = config.name;
    const existing = this.active.get(name);
    if (existing !== undefined && sameConfig(existing.config, config) && !this.warming.has(name)) {
      return 'unchanged';
    }
    const cluster = new PrimaryCluster(config, this.nextGeneration++, {
      dispatcher: this.dispatcher,
      scope: this.scope,
      dnsLookup: this.dnsLookup,
      onChange: (changed) => this.onClusterChanged(changed),
    });
    this.warming.get(name)?.destroy();
    this.warming.set(name, cluster);
    this.warmingClusters.set(this.warming.size);
    await cluster.initialize();
    if (this.warming.get(name) !== cluster || this.stopped) {
      // A newer config of the same cluster arrived while this one warmed, or shutdown began.
      cluster.destroy();
      return existing === undefined ? 'added' : 'updated';
    }
    this.warming.delete(name);
    this.warmingClusters.set(this.warming.size);
    const previous = this.active.get(name);
    this.active.set(name, cluster);
    previous?.destroy();
    if (previous === undefined) this.clusterAdded.inc();
    else this.clusterModified.inc();
    this.activeClusters.set(this.active.size);
    this.publish();
    return previous === undefined ? 'added' : 'updated';
  }

  removeCluster(name: string): boolean {
    const warming = this.warming.get(name);
    if (warming !== undefined) {
      this.warming.delete(name);
      warming.destroy();
      this.warmingClusters.set(this.warming.size);
    }
    const cluster = this.active.get(name);
    if (cluster === undefined) return false;
    this.active.delete(name);
    cluster.destroy();
    this.clusterRemoved.inc();
    this.activeClusters.set(this.active.size);
    this.publish();
    return true;
  }

  clusterNames(): string[] {
    return [...this.active.keys()];
  }

  clusterConfig(name: string): ClusterConfig | undefined {
    return this.active.get(name)?.config;
  }

  private onClusterChanged(cluster: PrimaryCluster): void {
    // Only an active cluster's changes reach the workers; a warming one is published whole.
    if (this.active.get(cluster.config.name) !== cluster || this.publishScheduled) return;
    this.publishScheduled = true;
    // Changes that come together (a DNS answer, several health results) make one snapshot.
    this.dispatcher.post(() => {
      if (this.publishScheduled) this.publish();
    });
  }

  private publish(): void {
    this.publishScheduled = false;
    if (this.stopped) return;
    this.clusterUpdated.inc();
    this.slot.publish({
      clusters: [...this.active.values()].map((cluster) => cluster.snapshot()),
    });
  }

  clusters(): readonly ClusterStatus[] {
    return [...this.active.values()].map((cluster) => {
      const { config } = cluster;
      const limits = (priority: 'default' | 'high') => {
        const t = config.circuitBreakers[priority];
        return {
          maxConnections: t.maxConnections,
          maxPendingRequests: t.maxPendingRequests,
          maxRequests: t.maxRequests,
          maxRetries: t.maxRetries,
        };
      };
      return {
        name: config.name,
        observabilityName: config.observabilityName,
        addedViaApi: false,
        edsServiceName: '',
        circuitBreakers: { default: limits('default'), high: limits('high') },
        outlierDetector: null,
        hosts: cluster.hosts().map((host): HostStatus => {
          const { counters, gauges } = readHostStats(host.stats);
          return {
            address: { address: host.address, port: host.port },
            hostname: host.hostname,
            healthFlags: healthFlagNames(host.healthFlags),
            weight: host.weight,
            priority: 0,
            canary: false,
            locality: host.locality,
            successRate: -1,
            localOriginSuccessRate: -1,
            counters,
            gauges,
          };
        }),
      };
    });
  }

  async whenApplied(): Promise<void> {
    if (this.publishScheduled) this.publish();
    await this.slot.whenApplied();
  }

  shutdown(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const cluster of this.warming.values()) cluster.destroy();
    for (const cluster of this.active.values()) cluster.destroy();
    this.warming.clear();
    this.active.clear();
    this.slot.free();
  }
}

/**
 * Creates the main thread's cluster manager: allocates its thread-local slot on `threadLocal`,
 * sets every thread's {@link ThreadLocalClusterManager} and publishes an empty snapshot. Workers
 * registered with `threadLocal` (now or later) get their cluster manager and every snapshot.
 * Throws `NUNCIO_ERR_UPSTREAM_WRONG_THREAD` on a worker and `NUNCIO_ERR_UPSTREAM_INVALID_ARGUMENT`
 * without a thread-local instance.
 */
export function createClusterManager(options: ClusterManagerOptions): ClusterManager {
  if (!isMainThread) throw wrongThread('createClusterManager', 'the main thread');
  if (typeof options?.threadLocal?.allocateSlot !== 'function') {
    throw invalidArgument(
      'createClusterManager: threadLocal',
      options?.threadLocal,
      "main's ThreadLocalInstance",
    );
  }
  return new ClusterManagerImpl(options);
}
