import type { Counter, Gauge, Histogram, Scope } from '@nuncio/stats';

/**
 * A listener's stats on one worker, with Envoy's names: `listener.<address>.<name>` (shared by
 * every worker, so the values are the listener's totals) and the per-worker
 * `listener.<address>.worker_<i>.downstream_cx_{total,active}`.
 */
export class ListenerStats {
  readonly downstreamCxTotal: Counter;
  readonly downstreamCxDestroy: Counter;
  readonly downstreamCxOverflow: Counter;
  readonly downstreamPreCxTimeout: Counter;
  readonly downstreamListenerFilterError: Counter;
  readonly downstreamListenerFilterRemoteClose: Counter;
  readonly noFilterChainMatch: Counter;
  readonly downstreamCxActive: Gauge;
  readonly downstreamPreCxActive: Gauge;
  readonly downstreamCxLengthMs: Histogram;
  readonly workerCxTotal: Counter;
  readonly workerCxActive: Gauge;

  /** `scope` is the listener's (`listener.<address>.`); `workerIndex` -1 leaves the worker stats out. */
  constructor(scope: Scope, workerIndex: number) {
    this.downstreamCxTotal = scope.counterFromString('downstream_cx_total');
    this.downstreamCxDestroy = scope.counterFromString('downstream_cx_destroy');
    this.downstreamCxOverflow = scope.counterFromString('downstream_cx_overflow');
    this.downstreamPreCxTimeout = scope.counterFromString('downstream_pre_cx_timeout');
    this.downstreamListenerFilterError = scope.counterFromString(
      'downstream_listener_filter_error',
    );
    this.downstreamListenerFilterRemoteClose = scope.counterFromString(
      'downstream_listener_filter_remote_close',
    );
    this.noFilterChainMatch = scope.counterFromString('no_filter_chain_match');
    this.downstreamCxActive = scope.gaugeFromString('downstream_cx_active', 'Accumulate');
    this.downstreamPreCxActive = scope.gaugeFromString('downstream_pre_cx_active', 'Accumulate');
    this.downstreamCxLengthMs = scope.histogramFromString(
      'downstream_cx_length_ms',
      'Milliseconds',
    );
    const worker = scope.scopeFromStatName(`worker_${Math.max(workerIndex, 0)}`);
    this.workerCxTotal = worker.counterFromString('downstream_cx_total');
    this.workerCxActive = worker.gaugeFromString('downstream_cx_active', 'Accumulate');
  }
}

/** Names of the counters and gauges {@link ListenerStats} keeps, for readers on the main thread. */
export const LISTENER_COUNTER_NAMES = [
  'downstream_cx_total',
  'downstream_cx_destroy',
  'downstream_cx_overflow',
  'downstream_pre_cx_timeout',
  'downstream_listener_filter_error',
  'downstream_listener_filter_remote_close',
  'no_filter_chain_match',
] as const;

/** Gauge names of {@link ListenerStats}. */
export const LISTENER_GAUGE_NAMES = ['downstream_cx_active', 'downstream_pre_cx_active'] as const;
