import type { Counter, Gauge, Scope } from '@nuncio/stats';

/** Envoy's `cluster.<name>.health_check.*` stats. */
export class HealthCheckStats {
  readonly attempt: Counter;
  readonly success: Counter;
  readonly failure: Counter;
  readonly networkFailure: Counter;
  readonly passiveFailure: Counter;
  readonly verifyCluster: Counter;
  readonly healthy: Gauge;
  readonly degraded: Gauge;

  constructor(clusterScope: Scope) {
    const scope = clusterScope.scopeFromStatName('health_check');
    this.attempt = scope.counterFromString('attempt');
    this.success = scope.counterFromString('success');
    this.failure = scope.counterFromString('failure');
    this.networkFailure = scope.counterFromString('network_failure');
    this.passiveFailure = scope.counterFromString('passive_failure');
    this.verifyCluster = scope.counterFromString('verify_cluster');
    this.healthy = scope.gaugeFromString('healthy', 'NeverImport');
    this.degraded = scope.gaugeFromString('degraded', 'NeverImport');
  }
}
