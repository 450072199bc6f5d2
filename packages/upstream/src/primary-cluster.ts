import type { Dispatcher, Timer } from '@nuncio/dispatcher';
import type { Counter, Gauge, Scope } from '@nuncio/stats';
import { nullScope } from '@nuncio/stats';
import type { ClusterConfig, EndpointConfig } from './cluster-config.ts';
import { DiscoveryType } from './cluster-config.ts';
import type { ClusterSnapshot } from './cluster-snapshot.ts';
import type { DnsLookup } from './dns-lookup.ts';
import { HealthCheckStats } from './health/health-check-stats.ts';
import { HealthChecker, type HealthCheckerCallbacks } from './health/health-checker.ts';
import { HealthFlag, UNHEALTHY_FLAGS } from './health-flag.ts';
import { PrimaryHost } from './primary-host.ts';
import { createResourceBuffer } from './resource-manager.ts';

/** What a cluster needs from its manager. */
export interface PrimaryClusterContext {
  readonly dispatcher: Dispatcher;
  readonly scope: Scope;
  readonly dnsLookup: DnsLookup;
  /** The cluster's hosts or health changed: publish a new snapshot. */
  onChange(cluster: PrimaryCluster): void;
}

/** One endpoint's hosts: one for STATIC and LOGICAL_DNS, what the name resolves to for STRICT_DNS. */
interface Target {
  readonly endpoint: EndpointConfig;
  hosts: PrimaryHost[];
  timer: Timer | null;
  resolvedOnce: boolean;
}

/**
 * A cluster on the main thread (Envoy's `ClusterImplBase` with its STATIC, STRICT_DNS and
 * LOGICAL_DNS variants): membership from the config or DNS, health from the active health
 * checker, stats of membership and updates, and the snapshot the workers get.
 */
export class PrimaryCluster implements HealthCheckerCallbacks {
  readonly config: ClusterConfig;
  readonly generation: number;
  /** Increases with every change of hosts or health. */
  version: number;
  readonly resources: SharedArrayBuffer;
  private readonly context: PrimaryClusterContext;
  private readonly targets: Target[];
  private readonly healthChecker: HealthChecker | null;
  private readonly healthCheckStats: HealthCheckStats | null;
  private readonly upstreamCxTotal: Counter;
  private readonly membershipHealthy: Gauge;
  private readonly membershipTotal: Gauge;
  private readonly membershipChange: Counter;
  private readonly updateAttempt: Counter;
  private readonly updateSuccess: Counter;
  private readonly updateFailure: Counter;
  private readonly updateEmpty: Counter;
  private firstChecksPending: Set<PrimaryHost>;
  private initialized: boolean;
  private initWaiters: (() => void)[];
  private destroyed: boolean;

  constructor(config: ClusterConfig, generation: number, context: PrimaryClusterContext) {
    this.config = config;
    this.generation = generation;
    this.version = 0;
    this.resources = createResourceBuffer();
    this.context = context;
    const scope = context.scope.scopeFromStatName(`cluster.${config.observabilityName}`);
    this.upstreamCxTotal = scope.counterFromString('upstream_cx_total');
    this.membershipHealthy = scope.gaugeFromString('membership_healthy', 'NeverImport');
    this.membershipTotal = scope.gaugeFromString('membership_total', 'NeverImport');
    scope.gaugeFromString('membership_degraded', 'NeverImport');
    scope.gaugeFromString('membership_excluded', 'NeverImport');
    this.membershipChange = scope.counterFromString('membership_change');
    this.updateAttempt = scope.counterFromString('update_attempt');
    this.updateSuccess = scope.counterFromString('update_success');
    this.updateFailure = scope.counterFromString('update_failure');
    this.updateEmpty = scope.counterFromString('update_empty');
    scope
      .gaugeFromString('max_host_weight', 'NeverImport')
      .set(config.endpoints.reduce((max, endpoint) => Math.max(max, endpoint.weight), 0));
    const check = config.healthChecks[0];
    this.healthCheckStats = check === undefined ? null : new HealthCheckStats(scope);
    this.healthChecker =
      check === undefined
        ? null
        : new HealthChecker(
            check,
            context.dispatcher,
            this.healthCheckStats as HealthCheckStats,
            this,
          );
    this.firstChecksPending = new Set();
    this.initialized = false;
    this.initWaiters = [];
    this.destroyed = false;
    this.targets = config.endpoints.map((endpoint) => ({
      endpoint,
      hosts: [],
      timer: null,
      resolvedOnce: false,
    }));
  }

  /** The hosts now, in endpoint order. */
  hosts(): PrimaryHost[] {
    return this.targets.flatMap((target) => target.hosts);
  }

  /**
   * Starts the cluster: resolves its names (DNS clusters), starts health checking, and resolves
   * once the first resolution of every name is done (succeeded or not) and every host has had its
   * first health check (Envoy's cluster warming).
   */
  initialize(): Promise<void> {
    const initialFlags =
      this.healthChecker === null ? 0 : HealthFlag.FailedActiveHc | HealthFlag.PendingActiveHc;
    for (const target of this.targets) {
      if (this.config.type === DiscoveryType.Static) {
        target.hosts = [this.newHost(target.endpoint.address, target.endpoint, initialFlags)];
        target.resolvedOnce = true;
      } else {
        target.timer = this.context.dispatcher.createTimer(() => void this.resolve(target));
        void this.resolve(target);
      }
    }
    if (this.config.type === DiscoveryType.Static) this.onMembershipChanged(this.hosts(), []);
    return new Promise((resolve) => {
      this.initWaiters.push(resolve);
      this.checkInitialized();
    });
  }

  private newHost(address: string, endpoint: EndpointConfig, flags: number): PrimaryHost {
    const hostname =
      endpoint.hostname !== ''
        ? endpoint.hostname
        : address === endpoint.address
          ? ''
          : endpoint.address;
    return new PrimaryHost(address, endpoint, hostname, flags);
  }

  private async resolve(target: Target): Promise<void> {
    const { endpoint } = target;
    this.updateAttempt.inc();
    let addresses: string[] | null = null;
    try {
      addresses = await this.context.dnsLookup(endpoint.address, this.config.dnsLookupFamily);
    } catch {
      addresses = null;
    }
    if (this.destroyed) return;
    target.resolvedOnce = true;
    target.timer?.enableTimer(this.config.dnsRefreshRateMs);
    if (addresses === null) {
      // Envoy keeps the hosts it had when a resolution fails.
      this.updateFailure.inc();
      this.checkInitialized();
      return;
    }
    this.updateSuccess.inc();
    if (addresses.length === 0) this.updateEmpty.inc();
    const flags =
      this.healthChecker === null ? 0 : HealthFlag.FailedActiveHc | HealthFlag.PendingActiveHc;
    if (this.config.type === DiscoveryType.LogicalDns) {
      // One logical host that follows the name: its stats and health stay when the address moves.
      const first = addresses[0];
      if (first === undefined) {
        this.checkInitialized();
        return;
      }
      const existing = target.hosts[0];
      if (existing === undefined) {
        target.hosts = [this.newHost(first, endpoint, flags)];
        this.onMembershipChanged(target.hosts, []);
      } else if (existing.address !== first) {
        existing.address = first;
        this.bumpVersion();
      }
      this.checkInitialized();
      return;
    }
    const previous = new Map(target.hosts.map((host) => [host.address, host]));
    const next: PrimaryHost[] = [];
    const added: PrimaryHost[] = [];
    for (const address of new Set(addresses)) {
      const kept = previous.get(address);
      if (kept !== undefined) {
        previous.delete(address);
        next.push(kept);
      } else {
        const host = this.newHost(address, endpoint, flags);
        next.push(host);
        added.push(host);
      }
    }
    const removed = [...previous.values()];
    target.hosts = next;
    if (added.length > 0 || removed.length > 0) this.onMembershipChanged(added, removed);
    this.checkInitialized();
  }

  private onMembershipChanged(added: PrimaryHost[], removed: PrimaryHost[]): void {
    this.membershipChange.inc();
    if (this.healthChecker !== null) {
      for (const host of added) this.firstChecksPending.add(host);
      for (const host of removed) this.firstChecksPending.delete(host);
      this.healthChecker.removeHosts(removed);
      this.healthChecker.addHosts(added);
    }
    this.bumpVersion();
  }

  private bumpVersion(): void {
    this.version++;
    const hosts = this.hosts();
    let healthy = 0;
    for (const host of hosts) if ((host.healthFlags & UNHEALTHY_FLAGS) === 0) healthy++;
    this.membershipTotal.set(hosts.length);
    this.membershipHealthy.set(healthy);
    this.healthCheckStats?.healthy.set(healthy);
    if (!this.destroyed) this.context.onChange(this);
  }

  private checkInitialized(): void {
    if (this.initialized) return;
    if (!this.targets.every((target) => target.resolvedOnce)) return;
    if (this.firstChecksPending.size > 0) return;
    this.initialized = true;
    const waiters = this.initWaiters;
    this.initWaiters = [];
    for (const resolve of waiters) resolve();
  }

  onHostHealthChanged(): void {
    this.bumpVersion();
  }

  onFirstCheckDone(host: PrimaryHost): void {
    this.firstChecksPending.delete(host);
    this.checkInitialized();
  }

  hasTraffic(): boolean {
    // Without a stats store traffic cannot be seen: use the regular intervals.
    return this.context.scope === nullScope || this.upstreamCxTotal.value() > 0;
  }

  /** What the workers get. */
  snapshot(): ClusterSnapshot {
    return {
      config: this.config,
      generation: this.generation,
      version: this.version,
      hosts: this.hosts().map((host) => host.snapshot()),
      resources: this.resources,
    };
  }

  /** Stops health checks and DNS refreshes; pending initialization resolves. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.healthChecker?.stop();
    for (const target of this.targets) target.timer?.disableTimer();
    this.initialized = true;
    const waiters = this.initWaiters;
    this.initWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
