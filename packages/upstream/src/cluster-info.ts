import type { Scope } from '@nuncio/stats';
import type { ClusterConfig } from './cluster-config.ts';
import { CircuitBreakerStats, ClusterTrafficStats } from './cluster-stats.ts';
import { ResourceManager, ResourcePriority } from './resource-manager.ts';

/**
 * A cluster's settings and shared accounting as a worker uses them (Envoy's `ClusterInfo`): the
 * resolved config, the traffic stats under `cluster.<observability name>.`, and the circuit
 * breakers of both priorities over the counts every worker shares.
 */
export class ClusterInfo {
  readonly name: string;
  readonly observabilityName: string;
  readonly config: ClusterConfig;
  readonly connectTimeoutMs: number;
  readonly perConnectionBufferLimitBytes: number;
  /** `cluster.<observability name>`. */
  readonly statsScope: Scope;
  readonly stats: ClusterTrafficStats;
  /** `DEFAULT` priority limits. */
  readonly defaultResources: ResourceManager;
  /** `HIGH` priority limits. */
  readonly highResources: ResourceManager;
  readonly defaultBreakerStats: CircuitBreakerStats;
  readonly highBreakerStats: CircuitBreakerStats;

  constructor(config: ClusterConfig, resources: SharedArrayBuffer, rootScope: Scope) {
    this.name = config.name;
    this.observabilityName = config.observabilityName;
    this.config = config;
    this.connectTimeoutMs = config.connectTimeoutMs;
    this.perConnectionBufferLimitBytes = config.perConnectionBufferLimitBytes;
    this.statsScope = rootScope.scopeFromStatName(`cluster.${config.observabilityName}`);
    this.stats = new ClusterTrafficStats(this.statsScope);
    this.defaultResources = new ResourceManager(
      resources,
      ResourcePriority.Default,
      config.circuitBreakers.default,
    );
    this.highResources = new ResourceManager(
      resources,
      ResourcePriority.High,
      config.circuitBreakers.high,
    );
    this.defaultBreakerStats = new CircuitBreakerStats(
      this.statsScope,
      'default',
      config.circuitBreakers.default,
    );
    this.highBreakerStats = new CircuitBreakerStats(
      this.statsScope,
      'high',
      config.circuitBreakers.high,
    );
  }

  /** The limits of `priority` (Envoy's `resourceManager(priority)`). */
  resourceManager(priority: ResourcePriority): ResourceManager {
    return priority === ResourcePriority.High ? this.highResources : this.defaultResources;
  }

  /** The circuit-breaker gauges of `priority`. */
  breakerStats(priority: ResourcePriority): CircuitBreakerStats {
    return priority === ResourcePriority.High ? this.highBreakerStats : this.defaultBreakerStats;
  }
}
