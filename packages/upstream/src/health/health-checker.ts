import type { Dispatcher, Timer } from '@nuncio/dispatcher';
import type { HealthCheckConfig } from '../cluster-config.ts';
import { HealthFlag } from '../health-flag.ts';
import type { PrimaryHost } from '../primary-host.ts';
import type { HealthCheckStats } from './health-check-stats.ts';
import { HttpProbe } from './http-probe.ts';
import { type Probe, type ProbeObserver, ProbeResult } from './probe.ts';
import { TcpProbe } from './tcp-probe.ts';

/** What a health checker tells its cluster. */
export interface HealthCheckerCallbacks {
  /** A host's health flags changed (the cluster republishes). */
  onHostHealthChanged(host: PrimaryHost): void;
  /** A host finished its first check (the cluster's initialization waits for every host). */
  onFirstCheckDone(host: PrimaryHost): void;
  /** Whether the cluster has carried a connection yet (Envoy's `no_traffic_interval` rule). */
  hasTraffic(): boolean;
}

/**
 * One host's checking (Envoy's `ActiveHealthCheckSession`): a check, its result, the thresholds,
 * and the timer for the next check, whose interval depends on the host's state.
 */
class HealthCheckSession implements ProbeObserver {
  readonly host: PrimaryHost;
  private readonly checker: HealthChecker;
  private readonly probe: Probe;
  private readonly intervalTimer: Timer;
  private readonly timeoutTimer: Timer;
  private numHealthy: number;
  private numUnhealthy: number;
  private firstCheck: boolean;
  private inFlight: boolean;
  private stopped: boolean;

  constructor(checker: HealthChecker, host: PrimaryHost) {
    this.checker = checker;
    this.host = host;
    const config = checker.config;
    this.probe = config.kind === 'tcp' ? new TcpProbe(config, this) : new HttpProbe(config, this);
    this.intervalTimer = checker.dispatcher.createTimer(() => this.onInterval());
    this.timeoutTimer = checker.dispatcher.createTimer(() => this.onTimeout());
    this.numHealthy = 0;
    this.numUnhealthy = 0;
    this.firstCheck = true;
    this.inFlight = false;
    this.stopped = false;
  }

  /** The first check runs at once (on the next loop iteration). */
  start(): void {
    this.intervalTimer.enableTimer(0);
  }

  stop(): void {
    this.stopped = true;
    this.intervalTimer.disableTimer();
    this.timeoutTimer.disableTimer();
    this.probe.close();
  }

  private onInterval(): void {
    if (this.stopped) return;
    this.inFlight = true;
    this.checker.stats.attempt.inc();
    this.timeoutTimer.enableTimer(this.checker.config.timeoutMs);
    this.probe.check(this.host.address, this.host.port);
  }

  private onTimeout(): void {
    if (!this.inFlight || this.stopped) return;
    this.probe.abort();
    this.onProbeResult(ProbeResult.Timeout);
  }

  onProbeResult(result: ProbeResult): void {
    if (!this.inFlight || this.stopped) return;
    this.inFlight = false;
    this.timeoutTimer.disableTimer();
    const config = this.checker.config;
    const stats = this.checker.stats;
    const host = this.host;
    const before = host.healthFlags;
    let changed = false;
    if (result === ProbeResult.Success) {
      stats.success.inc();
      this.numUnhealthy = 0;
      if (host.healthFlags & HealthFlag.FailedActiveHc) {
        // A host's first successful check makes it healthy at once, as in Envoy.
        if (this.firstCheck || ++this.numHealthy >= config.healthyThreshold) {
          host.healthFlags &= ~HealthFlag.FailedActiveHc;
          changed = true;
        }
      }
      host.healthFlags &= ~HealthFlag.ActiveHcTimeout;
    } else {
      stats.failure.inc();
      if (result !== ProbeResult.ActiveFailure) stats.networkFailure.inc();
      this.numHealthy = 0;
      if ((host.healthFlags & HealthFlag.FailedActiveHc) === 0) {
        // An HTTP status other than 200 fails the host at once; network failures count up to
        // the threshold.
        if (
          result === ProbeResult.ActiveFailure ||
          this.firstCheck ||
          ++this.numUnhealthy >= config.unhealthyThreshold
        ) {
          host.healthFlags |= HealthFlag.FailedActiveHc;
          this.numUnhealthy = 0;
          changed = true;
        }
      }
      if (result === ProbeResult.Timeout) host.healthFlags |= HealthFlag.ActiveHcTimeout;
      else host.healthFlags &= ~HealthFlag.ActiveHcTimeout;
    }
    host.healthFlags &= ~HealthFlag.PendingActiveHc;
    const wasFirst = this.firstCheck;
    this.firstCheck = false;
    if (host.healthFlags !== before) this.checker.callbacks.onHostHealthChanged(host);
    if (wasFirst) this.checker.callbacks.onFirstCheckDone(host);
    if (!this.stopped) this.intervalTimer.enableTimer(this.nextInterval(changed));
  }

  /** Envoy's choice of interval for the next check. */
  private nextInterval(changed: boolean): number {
    const config = this.checker.config;
    if (!this.checker.callbacks.hasTraffic()) return config.noTrafficIntervalMs;
    const healthy = (this.host.healthFlags & HealthFlag.FailedActiveHc) === 0;
    if (changed) return healthy ? config.healthyEdgeIntervalMs : config.unhealthyEdgeIntervalMs;
    return healthy ? config.intervalMs : config.unhealthyIntervalMs;
  }
}

/**
 * Envoy's active health checker of one cluster (TCP or HTTP), on the main thread: one session per
 * host, each on the dispatcher's timers.
 */
export class HealthChecker {
  readonly config: HealthCheckConfig;
  readonly dispatcher: Dispatcher;
  readonly stats: HealthCheckStats;
  readonly callbacks: HealthCheckerCallbacks;
  private readonly sessions: Map<PrimaryHost, HealthCheckSession>;

  constructor(
    config: HealthCheckConfig,
    dispatcher: Dispatcher,
    stats: HealthCheckStats,
    callbacks: HealthCheckerCallbacks,
  ) {
    this.config = config;
    this.dispatcher = dispatcher;
    this.stats = stats;
    this.callbacks = callbacks;
    this.sessions = new Map();
  }

  /** Starts checking `hosts` (their first check runs at once). */
  addHosts(hosts: readonly PrimaryHost[]): void {
    for (const host of hosts) {
      if (this.sessions.has(host)) continue;
      const session = new HealthCheckSession(this, host);
      this.sessions.set(host, session);
      session.start();
    }
  }

  /** Stops checking `hosts`. */
  removeHosts(hosts: readonly PrimaryHost[]): void {
    for (const host of hosts) {
      this.sessions.get(host)?.stop();
      this.sessions.delete(host);
    }
  }

  /** Stops every session. */
  stop(): void {
    for (const session of this.sessions.values()) session.stop();
    this.sessions.clear();
  }
}
