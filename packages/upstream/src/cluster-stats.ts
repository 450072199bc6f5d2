import type { Counter, Gauge, Histogram, Scope } from '@nuncio/stats';
import type { CircuitBreakerThresholds } from './cluster-config.ts';
import type { ResourceLimit, ResourceManager } from './resource-manager.ts';

/**
 * Envoy's traffic stats of a cluster (`cluster.<name>.upstream_cx_*`, `upstream_rq_*`), created on
 * each worker from its own view of the shared stats store: the values are shared, so every worker's
 * increments add up, and the main thread reads them with no message.
 */
export class ClusterTrafficStats {
  readonly upstreamCxTotal: Counter;
  readonly upstreamCxActive: Gauge;
  readonly upstreamCxConnectFail: Counter;
  readonly upstreamCxConnectTimeout: Counter;
  readonly upstreamCxOverflow: Counter;
  readonly upstreamCxNoneHealthy: Counter;
  readonly upstreamCxConnectAttemptsExceeded: Counter;
  readonly upstreamCxDestroy: Counter;
  readonly upstreamCxDestroyLocal: Counter;
  readonly upstreamCxDestroyRemote: Counter;
  readonly upstreamCxRxBytesTotal: Counter;
  readonly upstreamCxRxBytesBuffered: Gauge;
  readonly upstreamCxTxBytesTotal: Counter;
  readonly upstreamCxTxBytesBuffered: Gauge;
  readonly upstreamCxConnectMs: Histogram;
  readonly upstreamCxLengthMs: Histogram;
  readonly upstreamRqTotal: Counter;
  readonly upstreamRqActive: Gauge;
  readonly upstreamRqPendingTotal: Counter;
  readonly upstreamRqPendingActive: Gauge;
  readonly upstreamRqPendingOverflow: Counter;
  readonly upstreamRqCancelled: Counter;
  readonly upstreamFlowControlPausedReadingTotal: Counter;
  readonly upstreamFlowControlResumedReadingTotal: Counter;

  constructor(scope: Scope) {
    this.upstreamCxTotal = scope.counterFromString('upstream_cx_total');
    this.upstreamCxActive = scope.gaugeFromString('upstream_cx_active', 'Accumulate');
    this.upstreamCxConnectFail = scope.counterFromString('upstream_cx_connect_fail');
    this.upstreamCxConnectTimeout = scope.counterFromString('upstream_cx_connect_timeout');
    this.upstreamCxOverflow = scope.counterFromString('upstream_cx_overflow');
    this.upstreamCxNoneHealthy = scope.counterFromString('upstream_cx_none_healthy');
    this.upstreamCxConnectAttemptsExceeded = scope.counterFromString(
      'upstream_cx_connect_attempts_exceeded',
    );
    this.upstreamCxDestroy = scope.counterFromString('upstream_cx_destroy');
    this.upstreamCxDestroyLocal = scope.counterFromString('upstream_cx_destroy_local');
    this.upstreamCxDestroyRemote = scope.counterFromString('upstream_cx_destroy_remote');
    this.upstreamCxRxBytesTotal = scope.counterFromString('upstream_cx_rx_bytes_total');
    this.upstreamCxRxBytesBuffered = scope.gaugeFromString(
      'upstream_cx_rx_bytes_buffered',
      'Accumulate',
    );
    this.upstreamCxTxBytesTotal = scope.counterFromString('upstream_cx_tx_bytes_total');
    this.upstreamCxTxBytesBuffered = scope.gaugeFromString(
      'upstream_cx_tx_bytes_buffered',
      'Accumulate',
    );
    this.upstreamCxConnectMs = scope.histogramFromString('upstream_cx_connect_ms', 'Milliseconds');
    this.upstreamCxLengthMs = scope.histogramFromString('upstream_cx_length_ms', 'Milliseconds');
    this.upstreamRqTotal = scope.counterFromString('upstream_rq_total');
    this.upstreamRqActive = scope.gaugeFromString('upstream_rq_active', 'Accumulate');
    this.upstreamRqPendingTotal = scope.counterFromString('upstream_rq_pending_total');
    this.upstreamRqPendingActive = scope.gaugeFromString(
      'upstream_rq_pending_active',
      'Accumulate',
    );
    this.upstreamRqPendingOverflow = scope.counterFromString('upstream_rq_pending_overflow');
    this.upstreamRqCancelled = scope.counterFromString('upstream_rq_cancelled');
    this.upstreamFlowControlPausedReadingTotal = scope.counterFromString(
      'upstream_flow_control_paused_reading_total',
    );
    this.upstreamFlowControlResumedReadingTotal = scope.counterFromString(
      'upstream_flow_control_resumed_reading_total',
    );
  }
}

/**
 * Envoy's circuit-breaker gauges of one priority (`cluster.<name>.circuit_breakers.<priority>.*`):
 * `cx_open`, `rq_pending_open`, `rq_open`, `rq_retry_open` are 1 while the breaker is open (the
 * limit is reached), and with `track_remaining` `remaining_cx`, `remaining_pending`, `remaining_rq`
 * and `remaining_retries` show what is left.
 */
export class CircuitBreakerStats {
  private readonly cxOpen: Gauge;
  private readonly rqPendingOpen: Gauge;
  private readonly remainingCx: Gauge | null;
  private readonly remainingPending: Gauge | null;

  constructor(scope: Scope, priority: 'default' | 'high', limits: CircuitBreakerThresholds) {
    const breakers = scope.scopeFromStatName(`circuit_breakers.${priority}`);
    this.cxOpen = breakers.gaugeFromString('cx_open', 'NeverImport');
    this.rqPendingOpen = breakers.gaugeFromString('rq_pending_open', 'NeverImport');
    breakers.gaugeFromString('rq_open', 'NeverImport');
    breakers.gaugeFromString('rq_retry_open', 'NeverImport');
    if (limits.trackRemaining) {
      this.remainingCx = breakers.gaugeFromString('remaining_cx', 'NeverImport');
      this.remainingPending = breakers.gaugeFromString('remaining_pending', 'NeverImport');
      breakers.gaugeFromString('remaining_rq', 'NeverImport').set(limits.maxRequests);
      breakers.gaugeFromString('remaining_retries', 'NeverImport').set(limits.maxRetries);
    } else {
      this.remainingCx = null;
      this.remainingPending = null;
    }
  }

  /** Brings the connection gauges in line with the shared count. */
  updateConnections(limit: ResourceLimit): void {
    const count = limit.count();
    this.cxOpen.set(count >= limit.max() ? 1 : 0);
    this.remainingCx?.set(Math.max(0, limit.max() - count));
  }

  /** Brings the pending-request gauges in line with the shared count. */
  updatePending(limit: ResourceLimit): void {
    const count = limit.count();
    this.rqPendingOpen.set(count >= limit.max() ? 1 : 0);
    this.remainingPending?.set(Math.max(0, limit.max() - count));
  }

  /** Sets every gauge from the current counts (when a cluster is created). */
  refresh(resources: ResourceManager): void {
    this.updateConnections(resources.connections);
    this.updatePending(resources.pendingRequests);
  }
}
