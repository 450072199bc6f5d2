import type { Counter, Gauge, Scope } from '@nuncio/stats';

/** Envoy's `tcp.<stat_prefix>.*` stats of the TCP proxy (`ALL_TCP_PROXY_STATS`). */
export class TcpProxyStats {
  readonly downstreamCxTotal: Counter;
  readonly downstreamCxNoRoute: Counter;
  readonly downstreamCxRxBytesTotal: Counter;
  readonly downstreamCxRxBytesBuffered: Gauge;
  readonly downstreamCxTxBytesTotal: Counter;
  readonly downstreamCxTxBytesBuffered: Gauge;
  readonly downstreamFlowControlPausedReadingTotal: Counter;
  readonly downstreamFlowControlResumedReadingTotal: Counter;
  readonly idleTimeout: Counter;
  readonly upstreamFlushTotal: Counter;
  readonly upstreamFlushActive: Gauge;

  /** `scope` is the root scope; the stats go under `tcp.<statPrefix>.`. */
  constructor(scope: Scope, statPrefix: string) {
    const tcp = scope.scopeFromStatName(`tcp.${statPrefix}`);
    this.downstreamCxTotal = tcp.counterFromString('downstream_cx_total');
    this.downstreamCxNoRoute = tcp.counterFromString('downstream_cx_no_route');
    this.downstreamCxRxBytesTotal = tcp.counterFromString('downstream_cx_rx_bytes_total');
    this.downstreamCxRxBytesBuffered = tcp.gaugeFromString(
      'downstream_cx_rx_bytes_buffered',
      'Accumulate',
    );
    this.downstreamCxTxBytesTotal = tcp.counterFromString('downstream_cx_tx_bytes_total');
    this.downstreamCxTxBytesBuffered = tcp.gaugeFromString(
      'downstream_cx_tx_bytes_buffered',
      'Accumulate',
    );
    this.downstreamFlowControlPausedReadingTotal = tcp.counterFromString(
      'downstream_flow_control_paused_reading_total',
    );
    this.downstreamFlowControlResumedReadingTotal = tcp.counterFromString(
      'downstream_flow_control_resumed_reading_total',
    );
    this.idleTimeout = tcp.counterFromString('idle_timeout');
    this.upstreamFlushTotal = tcp.counterFromString('upstream_flush_total');
    this.upstreamFlushActive = tcp.gaugeFromString('upstream_flush_active', 'Accumulate');
  }
}
