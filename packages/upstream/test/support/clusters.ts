// Cluster configs for tests, written as `@nuncio/config` would decode them.
import type { ClusterInput, HealthCheckInput } from '../../src/index.ts';

export function ms(value: number) {
  return { seconds: Math.floor(value / 1000), nanos: (value % 1000) * 1e6 };
}

export function staticCluster(
  name: string,
  ports: readonly number[],
  extra: Partial<ClusterInput> = {},
): ClusterInput {
  return {
    name,
    type: 'STATIC',
    connectTimeout: ms(1000),
    loadAssignment: {
      clusterName: name,
      endpoints: [
        {
          lbEndpoints: ports.map((port) => ({
            endpoint: { address: { socketAddress: { address: '127.0.0.1', portValue: port } } },
          })),
        },
      ],
    },
    ...extra,
  };
}

/** A fast TCP health check: every 50 ms, thresholds of 2 (the first result counts at once). */
export function tcpCheck(extra: Partial<HealthCheckInput> = {}): HealthCheckInput {
  return {
    timeout: ms(200),
    interval: ms(50),
    noTrafficInterval: ms(50),
    unhealthyThreshold: 2,
    healthyThreshold: 2,
    tcpHealthCheck: {},
    ...extra,
  };
}
