import type { Dispatcher } from '@nuncio/dispatcher';
import type { Scope } from '@nuncio/stats';
import { ClusterInfo } from './cluster-info.ts';
import type { ClusterSnapshot } from './cluster-snapshot.ts';
import { Host } from './host.ts';
import { createLoadBalancer } from './lb/create-load-balancer.ts';
import type { LoadBalancer, LoadBalancerContext } from './load-balancer.ts';
import type { ResourcePriority } from './resource-manager.ts';
import type { TcpConnPool } from './tcp-conn-pool.ts';
import { TcpConnPoolImpl } from './tcp-conn-pool-impl.ts';
import type { ThreadLocalCluster } from './thread-local-cluster.ts';

/** The worker-side cluster: rebuilt balancer and pools at each host or health change. */
export class ThreadLocalClusterImpl implements ThreadLocalCluster {
  readonly info: ClusterInfo;
  /** The snapshot's `generation`: a different one needs a new object. */
  readonly generation: number;
  /** The snapshot's `version` last applied. */
  version: number;
  private readonly dispatcher: Dispatcher;
  private allHosts: readonly Host[];
  private healthy: readonly Host[];
  private lb: LoadBalancer;
  /** Pools by host and priority, made on first use for the current hosts. */
  private pools: Map<Host, TcpConnPool>;
  private highPools: Map<Host, TcpConnPool>;

  constructor(dispatcher: Dispatcher, snapshot: ClusterSnapshot, scope: Scope) {
    this.dispatcher = dispatcher;
    this.info = new ClusterInfo(snapshot.config, snapshot.resources, scope);
    this.generation = snapshot.generation;
    this.version = -1;
    this.allHosts = [];
    this.healthy = [];
    this.lb = createLoadBalancer(snapshot.config, []);
    this.pools = new Map();
    this.highPools = new Map();
    this.update(snapshot);
    this.info.defaultBreakerStats.refresh(this.info.defaultResources);
    this.info.highBreakerStats.refresh(this.info.highResources);
  }

  /** Takes the snapshot's hosts and health: new host objects, balancer and pools. */
  update(snapshot: ClusterSnapshot): void {
    this.version = snapshot.version;
    this.allHosts = snapshot.hosts.map((host) => new Host(host));
    this.healthy = this.allHosts.filter((host) => host.healthy());
    this.lb = createLoadBalancer(this.info.config, this.healthy);
    this.pools = new Map();
    this.highPools = new Map();
  }

  hosts(): readonly Host[] {
    return this.allHosts;
  }

  healthyHosts(): readonly Host[] {
    return this.healthy;
  }

  loadBalancer(): LoadBalancer {
    return this.lb;
  }

  chooseHost(context: LoadBalancerContext | null): Host | null {
    return this.lb.chooseHost(context);
  }

  tcpConnPool(priority: ResourcePriority, context: LoadBalancerContext | null): TcpConnPool | null {
    const host = this.lb.chooseHost(context);
    if (host === null) {
      this.info.stats.upstreamCxNoneHealthy.inc();
      return null;
    }
    const pools = priority === 1 ? this.highPools : this.pools;
    let pool = pools.get(host);
    if (pool === undefined) {
      pool = new TcpConnPoolImpl(this.dispatcher, this.info, host, priority);
      pools.set(host, pool);
    }
    return pool;
  }
}
