import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { invalidSinkError } from './errors.ts';
import { PERCENT_SCALE } from './histogram.ts';
import type { HistogramBin, MetricSnapshot } from './metric-snapshot.ts';
import type { StatsSink } from './stats-sink.ts';
import type { Tag } from './tag.ts';

/** Options of {@link StatsdSink}. */
export interface StatsdSinkOptions {
  /** The statsd server's IP address. */
  readonly host: string;
  readonly port: number;
  /** Prepended with a dot to every name, default `envoy` (Envoy's `prefix`). */
  readonly prefix?: string;
  /**
   * Send tag-extracted names with tags as `|#name:value,…` (DogStatsD style) instead of full
   * names; default false, as Envoy's `envoy.stat_sinks.statsd`.
   */
  readonly useTag?: boolean;
  /**
   * Pack lines, newline-separated, into datagrams of at most this many bytes; 0 (the default, as
   * in Envoy) sends every line in its own datagram.
   */
  readonly bufferSize?: number;
}

/**
 * Envoy's `envoy.stat_sinks.statsd` over UDP: `prefix.name:delta|c` for every used counter,
 * `prefix.name:value|g` for every used gauge. Envoy sends each histogram sample from the worker
 * that recorded it; here histograms are merged first, so each non-empty bin of the flush interval
 * becomes one `prefix.name:value|ms` line (`|h` and the value divided back for `Percent`), with
 * statsd's sample rate `|@1/count` when the bin holds several samples.
 */
export class StatsdSink implements StatsSink {
  private readonly socket: Socket;
  private readonly host: string;
  private readonly port: number;
  private readonly prefix: string;
  private readonly useTag: boolean;
  private readonly bufferSize: number;
  private closed: boolean;

  constructor(options: StatsdSinkOptions) {
    if (typeof options.host !== 'string' || options.host.length === 0) {
      throw invalidSinkError('statsd host', 'must be a non-empty IP address');
    }
    if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535) {
      throw invalidSinkError(
        'statsd port',
        `must be an integer from 1 to 65535 (got ${options.port})`,
      );
    }
    this.host = options.host;
    this.port = options.port;
    this.prefix =
      options.prefix !== undefined && options.prefix.length > 0 ? options.prefix : 'envoy';
    this.useTag = options.useTag === true;
    this.bufferSize = Math.max(0, Math.floor(options.bufferSize ?? 0));
    this.socket = createSocket(isIPv6(this.host) ? 'udp6' : 'udp4');
    // A metrics socket must never keep the process alive.
    this.socket.unref();
    this.closed = false;
  }

  /**
   * Builds a sink from the decoded `typed_config` of an `envoy.stat_sinks.statsd` entry
   * (`envoy.config.metrics.v3.StatsdSink`): `address.socketAddress` with `address` and
   * `portValue`, and an optional `prefix`. `path` names the entry in errors.
   */
  static fromConfig(
    typedConfig: Record<string, unknown>,
    path = 'stats_sinks[0].typed_config',
  ): StatsdSink {
    if (typedConfig.tcpClusterName !== undefined) {
      throw invalidSinkError(`${path}.tcp_cluster_name`, 'is not supported; use address (UDP)');
    }
    const address = (typedConfig.address as { socketAddress?: Record<string, unknown> } | undefined)
      ?.socketAddress;
    if (address === undefined) {
      throw invalidSinkError(`${path}.address.socket_address`, 'is required');
    }
    if (address.protocol !== undefined && address.protocol !== 'UDP') {
      throw invalidSinkError(`${path}.address.socket_address.protocol`, 'must be UDP');
    }
    const prefix = typedConfig.prefix;
    if (prefix !== undefined && typeof prefix !== 'string') {
      throw invalidSinkError(`${path}.prefix`, 'must be a string');
    }
    try {
      return new StatsdSink({
        host: String(address.address ?? ''),
        port: Number(address.portValue),
        ...(prefix === undefined ? {} : { prefix }),
      });
    } catch (error) {
      throw invalidSinkError(`${path}.address.socket_address`, (error as Error).message);
    }
  }

  /** Sends the snapshot; resolves once every datagram has been handed to the kernel. */
  flush(snapshot: MetricSnapshot): Promise<void> {
    const lines: string[] = [];
    for (const counter of snapshot.counters) {
      if (!counter.used) continue;
      lines.push(
        this.line(counter.name, counter.tagExtractedName, counter.tags, `${counter.delta}|c`),
      );
    }
    for (const gauge of snapshot.gauges) {
      if (!gauge.used) continue;
      lines.push(this.line(gauge.name, gauge.tagExtractedName, gauge.tags, `${gauge.value}|g`));
    }
    for (const histogram of snapshot.histograms) {
      const percent = histogram.unit === 'Percent';
      for (const bin of histogram.intervalBins) {
        const value = representative(bin);
        const body = percent ? `${value / PERCENT_SCALE}|h` : `${value}|ms`;
        const rate = bin.count > 1 ? `|@${1 / bin.count}` : '';
        lines.push(
          this.line(histogram.name, histogram.tagExtractedName, histogram.tags, body + rate),
        );
      }
    }
    return this.send(lines);
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  private line(name: string, tagExtractedName: string, tags: readonly Tag[], body: string): string {
    if (!this.useTag || tags.length === 0) {
      return `${this.prefix}.${this.useTag ? tagExtractedName : name}:${body}`;
    }
    const tagText = tags.map((tag) => `${tag.name}:${tag.value}`).join(',');
    return `${this.prefix}.${tagExtractedName}:${body}|#${tagText}`;
  }

  private send(lines: readonly string[]): Promise<void> {
    if (this.closed || lines.length === 0) return Promise.resolve();
    const datagrams: string[] = [];
    if (this.bufferSize === 0) datagrams.push(...lines);
    else {
      let current = '';
      for (const line of lines) {
        if (current.length > 0 && current.length + 1 + line.length > this.bufferSize) {
          datagrams.push(current);
          current = '';
        }
        current = current.length === 0 ? line : `${current}\n${line}`;
      }
      if (current.length > 0) datagrams.push(current);
    }
    return new Promise((resolve) => {
      let pending = datagrams.length;
      for (const datagram of datagrams) {
        // A lost metrics datagram is not an error worth surfacing: statsd is fire and forget.
        this.socket.send(datagram, this.port, this.host, () => {
          if (--pending === 0) resolve();
        });
      }
    });
  }
}

/** The value a bin stands for: exact for integers below 100, the bin's middle above. */
function representative(bin: HistogramBin): number {
  return bin.width <= 1 ? bin.lowerBound : Math.floor(bin.lowerBound + bin.width / 2);
}
