// include_eds: Envoy's EndpointsConfigDump built from the cluster manager's hosts, one
// ClusterLoadAssignment per cluster (static or dynamic as the cluster was added).
import type { ClusterStatus, HostStatus } from '../cluster-manager-view.ts';
import { HealthFlag } from '../cluster-manager-view.ts';
import { addressAsJson } from '../network-address.ts';

const TYPE = 'type.googleapis.com/';

/** The `envoy.admin.v3.EndpointsConfigDump` of `clusters`. */
export function endpointsConfigDump(clusters: readonly ClusterStatus[]): Record<string, unknown> {
  const staticConfigs: Record<string, unknown>[] = [];
  const dynamicConfigs: Record<string, unknown>[] = [];
  for (const cluster of clusters) {
    const assignment = {
      '@type': `${TYPE}envoy.config.endpoint.v3.ClusterLoadAssignment`,
      cluster_name: cluster.edsServiceName !== '' ? cluster.edsServiceName : cluster.name,
      endpoints: cluster.hosts.map(localityEndpoints),
      // Envoy's default overprovisioning factor.
      policy: { overprovisioning_factor: 140 },
    };
    (cluster.addedViaApi ? dynamicConfigs : staticConfigs).push({ endpoint_config: assignment });
  }
  const out: Record<string, unknown> = { '@type': `${TYPE}envoy.admin.v3.EndpointsConfigDump` };
  if (staticConfigs.length > 0) out.static_endpoint_configs = staticConfigs;
  if (dynamicConfigs.length > 0) out.dynamic_endpoint_configs = dynamicConfigs;
  return out;
}

function localityEndpoints(host: HostStatus): Record<string, unknown> {
  const { region, zone, subZone } = host.locality;
  const locality: Record<string, string> = {};
  if (region !== '') locality.region = region;
  if (zone !== '') locality.zone = zone;
  if (subZone !== '') locality.sub_zone = subZone;
  const endpoint: Record<string, unknown> = {
    address: addressAsJson(host.address),
    health_check_config: {},
  };
  if (host.hostname !== '') endpoint.hostname = host.hostname;
  const unhealthy =
    host.healthFlags.includes(HealthFlag.FailedActiveHc) ||
    host.healthFlags.includes(HealthFlag.FailedOutlierCheck) ||
    host.healthFlags.includes(HealthFlag.FailedEdsHealth);
  return {
    locality,
    lb_endpoints: [
      {
        endpoint,
        health_status: unhealthy ? 'UNHEALTHY' : 'HEALTHY',
        load_balancing_weight: host.weight,
      },
    ],
    ...(host.priority === 0 ? {} : { priority: host.priority }),
  };
}
