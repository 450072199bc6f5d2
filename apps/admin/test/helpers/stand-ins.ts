// Stand-ins for the views the L4 data path will implement: plain data, as a cluster manager and a
// listener manager would hand it over.
import type {
  ClusterManagerView,
  ClusterStatus,
  HostStatus,
  ListenerManagerView,
  ListenerStatus,
} from '../../src/index.ts';
import { HealthFlag } from '../../src/index.ts';

const LIMITS = { maxConnections: 1024, maxPendingRequests: 1024, maxRequests: 1024, maxRetries: 3 };

export function host(overrides: Partial<HostStatus> & Pick<HostStatus, 'address'>): HostStatus {
  return {
    hostname: '',
    healthFlags: [],
    weight: 1,
    priority: 0,
    canary: false,
    locality: { region: '', zone: '', subZone: '' },
    successRate: -1,
    localOriginSuccessRate: -1,
    counters: {
      cx_connect_fail: 0,
      cx_total: 0,
      rq_error: 0,
      rq_success: 0,
      rq_timeout: 0,
      rq_total: 0,
    },
    gauges: { cx_active: 0, rq_active: 0 },
    ...overrides,
  };
}

export function cluster(
  overrides: Partial<ClusterStatus> & Pick<ClusterStatus, 'name'>,
): ClusterStatus {
  return {
    observabilityName: overrides.name,
    addedViaApi: false,
    edsServiceName: '',
    circuitBreakers: { default: LIMITS, high: LIMITS },
    outlierDetector: null,
    hosts: [],
    ...overrides,
  };
}

/** The clusters the tests show: a healthy backend host, a failed one, and a pipe host. */
export function sampleClusters(): ClusterStatus[] {
  return [
    cluster({
      name: 'backend',
      hosts: [
        host({
          address: { address: '127.0.0.1', port: 8080 },
          counters: { cx_total: 7, rq_total: 12, rq_success: 11, rq_error: 1 },
          gauges: { cx_active: 2 },
        }),
        host({
          address: { address: '::1', port: 8081 },
          hostname: 'backend-2.local',
          healthFlags: [HealthFlag.FailedOutlierCheck, HealthFlag.FailedActiveHc],
          weight: 3,
          priority: 1,
          locality: { region: 'eu-west', zone: 'a', subZone: '' },
          successRate: 87.5,
          counters: { cx_total: 1 },
          gauges: {},
        }),
      ],
      outlierDetector: {
        successRateAverage: 93.25,
        successRateEjectionThreshold: 85,
        localOriginSuccessRateAverage: -1,
        localOriginSuccessRateEjectionThreshold: -1,
      },
    }),
    cluster({
      name: 'xds',
      observabilityName: 'xds_stats',
      addedViaApi: true,
      edsServiceName: 'xds-eds',
      hosts: [host({ address: { pipe: '/run/xds.sock' }, counters: {}, gauges: {} })],
    }),
  ];
}

export function clusterView(clusters: readonly ClusterStatus[]): ClusterManagerView {
  return { clusters: () => clusters };
}

export function sampleListeners(): ListenerStatus[] {
  return [
    { name: 'listener_0', localAddresses: [{ address: '0.0.0.0', port: 10000 }] },
    {
      name: 'dual',
      localAddresses: [
        { address: '127.0.0.1', port: 10001 },
        { address: '::1', port: 10001 },
      ],
    },
  ];
}

export function listenerView(listeners: readonly ListenerStatus[]): ListenerManagerView {
  return { listeners: () => listeners };
}
