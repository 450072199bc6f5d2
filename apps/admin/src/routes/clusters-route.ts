// /clusters: Envoy's ClustersHandler, text and JSON, over a ClusterManagerView.
import type { FastifyInstance } from 'fastify';
import { json, prettyProtoJson, text } from '../admin-response.ts';
import {
  type CircuitBreakerLimits,
  type ClusterManagerView,
  type ClusterStatus,
  HealthFlag,
  type HostStatus,
} from '../cluster-manager-view.ts';
import { addressAsJson, addressAsString } from '../network-address.ts';
import { type RouteContext, registerEndpoint } from '../route-kit.ts';
import { formatG } from './format-g.ts';
import { clustersSchema } from './schemas.ts';

/** Envoy's order of the health flags in `health_flags`. */
const FLAG_ORDER: readonly HealthFlag[] = Object.values(HealthFlag);

/** Registers `/clusters` over `view`. */
export function registerClustersRoute(
  fastify: FastifyInstance,
  context: RouteContext,
  view: ClusterManagerView,
): void {
  registerEndpoint(fastify, context, {
    path: '/clusters',
    help: 'upstream cluster status',
    description:
      "Every active cluster: text lines `<cluster>::<field>::<value>` and `<cluster>::<host>::<field>::<value>` (circuit breakers, per-host stats, `health_flags` such as `healthy` or `/failed_active_hc`, weight, locality, success rates), or with `format=json` Envoy's `envoy.admin.v3.Clusters`.",
    mutates: false,
    params: [{ name: 'format', help: 'File format to use', choices: ['text', 'json'] }],
    operationId: 'clusters',
    responses: { 200: { description: 'The clusters.', text: true, json: clustersSchema } },
    handle: (query) => {
      const clusters = view.clusters();
      if (query.format === 'json') {
        return json(prettyProtoJson({ cluster_statuses: clusters.map(clusterJson) }));
      }
      let out = '';
      for (const cluster of clusters) out += clusterText(cluster);
      return text(out);
    },
  });
}

/** `healthy`, or each set flag as `/<flag>` in Envoy's order. */
export function healthFlagsToString(flags: readonly HealthFlag[]): string {
  let out = '';
  for (const flag of FLAG_ORDER) if (flags.includes(flag)) out += `/${flag}`;
  return out === '' ? 'healthy' : out;
}

function clusterText(cluster: ClusterStatus): string {
  const name = cluster.name;
  let out = `${name}::observability_name::${cluster.observabilityName}\n`;
  const outlier = cluster.outlierDetector;
  if (outlier !== null) {
    out += `${name}::outlier::success_rate_average::${formatG(outlier.successRateAverage)}\n`;
    out += `${name}::outlier::success_rate_ejection_threshold::${formatG(outlier.successRateEjectionThreshold)}\n`;
    out += `${name}::outlier::local_origin_success_rate_average::${formatG(outlier.localOriginSuccessRateAverage)}\n`;
    out += `${name}::outlier::local_origin_success_rate_ejection_threshold::${formatG(outlier.localOriginSuccessRateEjectionThreshold)}\n`;
  }
  out += circuitBreakerText(name, 'default', cluster.circuitBreakers.default);
  out += circuitBreakerText(name, 'high', cluster.circuitBreakers.high);
  out += `${name}::added_via_api::${cluster.addedViaApi}\n`;
  if (cluster.edsServiceName !== '')
    out += `${name}::eds_service_name::${cluster.edsServiceName}\n`;
  for (const host of cluster.hosts) {
    const prefix = `${name}::${addressAsString(host.address)}::`;
    const stats = [...Object.entries(host.counters), ...Object.entries(host.gauges)];
    stats.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    for (const [stat, value] of stats) out += `${prefix}${stat}::${value}\n`;
    out += `${prefix}hostname::${host.hostname}\n`;
    out += `${prefix}health_flags::${healthFlagsToString(host.healthFlags)}\n`;
    out += `${prefix}weight::${host.weight}\n`;
    out += `${prefix}region::${host.locality.region}\n`;
    out += `${prefix}zone::${host.locality.zone}\n`;
    out += `${prefix}sub_zone::${host.locality.subZone}\n`;
    out += `${prefix}canary::${host.canary}\n`;
    out += `${prefix}priority::${host.priority}\n`;
    out += `${prefix}success_rate::${host.successRate}\n`;
    out += `${prefix}local_origin_success_rate::${host.localOriginSuccessRate}\n`;
  }
  return out;
}

function circuitBreakerText(name: string, priority: string, limits: CircuitBreakerLimits): string {
  const prefix = `${name}::${priority}_priority::`;
  return (
    `${prefix}max_connections::${limits.maxConnections}\n` +
    `${prefix}max_pending_requests::${limits.maxPendingRequests}\n` +
    `${prefix}max_requests::${limits.maxRequests}\n` +
    `${prefix}max_retries::${limits.maxRetries}\n`
  );
}

// proto3 JSON leaves out fields at their zero value (false, 0, "", the first enum value).
function clusterJson(cluster: ClusterStatus): Record<string, unknown> {
  const out: Record<string, unknown> = { name: cluster.name };
  const outlier = cluster.outlierDetector;
  if (outlier !== null && outlier.successRateEjectionThreshold > 0) {
    out.success_rate_ejection_threshold = { value: outlier.successRateEjectionThreshold };
  }
  if (outlier !== null && outlier.localOriginSuccessRateEjectionThreshold > 0) {
    out.local_origin_success_rate_ejection_threshold = {
      value: outlier.localOriginSuccessRateEjectionThreshold,
    };
  }
  if (cluster.addedViaApi) out.added_via_api = true;
  out.host_statuses = cluster.hosts.map(hostJson);
  out.circuit_breakers = {
    thresholds: [
      thresholdsJson(null, cluster.circuitBreakers.default),
      thresholdsJson('HIGH', cluster.circuitBreakers.high),
    ],
  };
  if (cluster.observabilityName !== '') out.observability_name = cluster.observabilityName;
  if (cluster.edsServiceName !== '') out.eds_service_name = cluster.edsServiceName;
  return out;
}

function thresholdsJson(
  priority: string | null,
  limits: CircuitBreakerLimits,
): Record<string, unknown> {
  return {
    ...(priority === null ? {} : { priority }),
    max_connections: limits.maxConnections,
    max_pending_requests: limits.maxPendingRequests,
    max_requests: limits.maxRequests,
    max_retries: limits.maxRetries,
  };
}

function hostJson(host: HostStatus): Record<string, unknown> {
  const out: Record<string, unknown> = { address: addressAsJson(host.address) };
  if (host.hostname !== '') out.hostname = host.hostname;
  const { region, zone, subZone } = host.locality;
  if (region !== '' || zone !== '' || subZone !== '') {
    out.locality = {
      ...(region === '' ? {} : { region }),
      ...(zone === '' ? {} : { zone }),
      ...(subZone === '' ? {} : { sub_zone: subZone }),
    };
  }
  const stats: Record<string, unknown>[] = [];
  for (const [name, value] of sortedEntries(host.counters)) {
    stats.push({ name, ...(value === 0 ? {} : { value: String(value) }) });
  }
  for (const [name, value] of sortedEntries(host.gauges)) {
    stats.push({ name, ...(value === 0 ? {} : { value: String(value) }), type: 'GAUGE' });
  }
  out.stats = stats;
  out.health_status = healthStatusJson(host.healthFlags);
  if (host.successRate >= 0) out.success_rate = { value: host.successRate };
  if (host.weight !== 0) out.weight = host.weight;
  if (host.priority !== 0) out.priority = host.priority;
  if (host.localOriginSuccessRate >= 0) {
    out.local_origin_success_rate = { value: host.localOriginSuccessRate };
  }
  return out;
}

function healthStatusJson(flags: readonly HealthFlag[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const has = (flag: HealthFlag) => flags.includes(flag);
  if (has(HealthFlag.FailedActiveHc)) out.failed_active_health_check = true;
  if (has(HealthFlag.FailedOutlierCheck)) out.failed_outlier_check = true;
  if (has(HealthFlag.DegradedActiveHc)) out.failed_active_degraded_check = true;
  if (has(HealthFlag.PendingDynamicRemoval)) out.pending_dynamic_removal = true;
  if (has(HealthFlag.PendingActiveHc)) out.pending_active_hc = true;
  if (has(HealthFlag.ExcludedViaImmediateHcFail)) out.excluded_via_immediate_hc_fail = true;
  if (has(HealthFlag.ActiveHcTimeout)) out.active_hc_timeout = true;
  out.eds_health_status = has(HealthFlag.FailedEdsHealth)
    ? 'UNHEALTHY'
    : has(HealthFlag.DegradedEdsHealth)
      ? 'DEGRADED'
      : has(HealthFlag.EdsStatusDraining)
        ? 'DRAINING'
        : 'HEALTHY';
  return out;
}

function sortedEntries(record: Readonly<Record<string, number>>): [string, number][] {
  return Object.entries(record).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
