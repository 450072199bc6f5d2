import type { AccessLogConfig } from '@nuncio/access-log';
import { invalidConfig } from './errors.ts';
import type { AccessLogEntryInput, TcpProxyInput } from './tcp-proxy-input.ts';

/** Envoy's default TCP proxy `idle_timeout`: 1 hour. */
export const DEFAULT_IDLE_TIMEOUT_MS = 3_600_000;

/** A weighted cluster entry. */
export interface WeightedClusterEntry {
  readonly name: string;
  readonly weight: number;
}

/** The TCP proxy's config, checked, with Envoy's defaults; plain data. */
export interface TcpProxyConfig {
  readonly statPrefix: string;
  /** The single cluster, or `''` when `weightedClusters` is used. */
  readonly cluster: string;
  readonly weightedClusters: readonly WeightedClusterEntry[];
  readonly totalClusterWeight: number;
  /** 0: no idle timeout. */
  readonly idleTimeoutMs: number;
  readonly maxConnectAttempts: number;
  /** The `access_log` entries, as `@nuncio/access-log` reads them. */
  readonly accessLog: readonly AccessLogConfig[];
  /** Hash the downstream source IP for RING_HASH and MAGLEV clusters. */
  readonly hashSourceIp: boolean;
}

type Plain = Record<string, unknown>;

function isPlain(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function logFormat(format: unknown): Plain | undefined {
  if (!isPlain(format)) return undefined;
  const out: Plain = {};
  const source = format.textFormatSource;
  if (isPlain(source)) {
    const text: Plain = {};
    if (typeof source.inlineString === 'string' && source.inlineString !== '') {
      text.inlineString = source.inlineString;
    }
    if (typeof source.filename === 'string' && source.filename !== '') {
      text.filename = source.filename;
    }
    out.textFormatSource = text;
  }
  if (isPlain(format.jsonFormat)) out.jsonFormat = format.jsonFormat;
  if (format.omitEmptyValues === true) out.omitEmptyValues = true;
  const options = format.jsonFormatOptions;
  if (isPlain(options) && options.sortProperties === true) {
    out.jsonFormatOptions = { sortProperties: true };
  }
  return out;
}

/**
 * One decoded `access_log` entry (`typed_config` as `{ typeUrl, value }`, every scalar present) as
 * `@nuncio/access-log` reads it (`@type` inline, only what is set). A hand-written entry already
 * in that shape passes through.
 */
export function accessLogConfigOf(entry: AccessLogEntryInput): AccessLogConfig {
  const typed = entry.typedConfig as unknown;
  if (!isPlain(typed)) return entry.name === undefined ? {} : { name: entry.name };
  if (typeof typed.typeUrl !== 'string') return entry as unknown as AccessLogConfig;
  const value = isPlain(typed.value) ? typed.value : {};
  const out: Plain = { '@type': typed.typeUrl };
  if (typeof value.path === 'string' && value.path !== '') out.path = value.path;
  const format = logFormat(value.logFormat);
  if (format !== undefined) out.logFormat = format;
  const config: Plain = { typedConfig: out };
  if (entry.name !== undefined && entry.name !== '') config.name = entry.name;
  return config as AccessLogConfig;
}

/**
 * Checks the filter's config and resolves Envoy's defaults. Throws
 * `NUNCIO_ERR_TCP_PROXY_INVALID_CONFIG` naming the field.
 */
export function parseTcpProxyConfig(input: TcpProxyInput | undefined): TcpProxyConfig {
  if (input === undefined || input === null) throw invalidConfig('typed_config', 'is required');
  if (typeof input.statPrefix !== 'string' || input.statPrefix === '') {
    throw invalidConfig('stat_prefix', 'must be a non-empty string');
  }
  const cluster = input.cluster ?? '';
  const weighted = input.weightedClusters?.clusters ?? [];
  if ((cluster === '') === (weighted.length === 0)) {
    throw invalidConfig(
      'cluster_specifier',
      'exactly one of cluster and weighted_clusters must be set',
    );
  }
  let total = 0;
  weighted.forEach((entry, i) => {
    if (typeof entry.name !== 'string' || entry.name === '') {
      throw invalidConfig(`weighted_clusters.clusters[${i}].name`, 'must be a non-empty string');
    }
    if (!Number.isInteger(entry.weight) || entry.weight < 1) {
      throw invalidConfig(
        `weighted_clusters.clusters[${i}].weight`,
        `${entry.weight} is not a weight of 1 or more`,
      );
    }
    total += entry.weight;
  });
  let idleTimeoutMs = DEFAULT_IDLE_TIMEOUT_MS;
  if (input.idleTimeout !== undefined) {
    idleTimeoutMs = Math.floor(
      Number(input.idleTimeout.seconds) * 1000 + (input.idleTimeout.nanos ?? 0) / 1e6,
    );
    if (!(idleTimeoutMs >= 0) || idleTimeoutMs > 2_147_483_647) {
      throw invalidConfig('idle_timeout', 'must be a duration from 0 to 24.8 days');
    }
  }
  const attempts = input.maxConnectAttempts ?? 1;
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw invalidConfig('max_connect_attempts', `${attempts} is not 1 or more`);
  }
  const policies = input.hashPolicy ?? [];
  if (policies.length > 1) throw invalidConfig('hash_policy', 'at most one hash policy is allowed');
  const policy = policies[0];
  if (policy !== undefined && policy.sourceIp === undefined) {
    throw invalidConfig('hash_policy[0]', 'only source_ip is implemented');
  }
  return {
    statPrefix: input.statPrefix,
    cluster,
    weightedClusters: weighted.map((entry) => ({ name: entry.name, weight: entry.weight })),
    totalClusterWeight: total,
    idleTimeoutMs,
    maxConnectAttempts: attempts,
    accessLog: (input.accessLog ?? []).map(accessLogConfigOf),
    hashSourceIp: policy !== undefined,
  };
}
