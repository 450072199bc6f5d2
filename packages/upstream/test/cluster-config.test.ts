import { createConfigRegistry, validateBootstrap } from '@nuncio/config';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  parseClusterConfig,
  registerUpstreamConfig,
  UpstreamErrorCode,
} from '../src/index.ts';

const cluster = {
  name: 'backend',
  type: 'STRICT_DNS',
  lb_policy: 'RING_HASH',
  connect_timeout: '0.25s',
  dns_refresh_rate: '10s',
  dns_lookup_family: 'V4_ONLY',
  ring_hash_lb_config: { minimum_ring_size: 64, maximum_ring_size: 4096 },
  circuit_breakers: {
    thresholds: [{ max_connections: 100, max_pending_requests: 10, track_remaining: true }],
  },
  load_assignment: {
    cluster_name: 'backend',
    endpoints: [
      {
        lb_endpoints: [
          {
            endpoint: { address: { socket_address: { address: 'localhost', port_value: 8080 } } },
            load_balancing_weight: 3,
          },
        ],
      },
    ],
  },
  health_checks: [
    {
      timeout: '1s',
      interval: '5s',
      unhealthy_threshold: 2,
      healthy_threshold: 1,
      http_health_check: { path: '/healthz' },
    },
  ],
};

describe('the supported subset', () => {
  it('accepts the cluster fields this package implements once registered, and only then', () => {
    const text = JSON.stringify({ static_resources: { clusters: [cluster] } });
    const bare = validateBootstrap({ text }, { registry: createConfigRegistry() });
    expect(bare.ok).toBe(false);
    const registry = registerUpstreamConfig(createConfigRegistry());
    const result = validateBootstrap({ text }, { registry });
    expect(result.problems).toEqual([]);
    // The decoded cluster is what the cluster manager reads.
    const decoded = result.config?.staticResources?.clusters[0];
    const config = parseClusterConfig(decoded as NonNullable<typeof decoded>);
    expect(config).toMatchObject({
      name: 'backend',
      type: 'STRICT_DNS',
      lbPolicy: 'RING_HASH',
      connectTimeoutMs: 250,
      dnsRefreshRateMs: 10_000,
      dnsLookupFamily: 'V4_ONLY',
      minimumRingSize: 64,
      maximumRingSize: 4096,
      endpoints: [{ address: 'localhost', port: 8080, weight: 3 }],
      circuitBreakers: {
        default: { maxConnections: 100, maxPendingRequests: 10, maxRequests: 1024, maxRetries: 3 },
        high: { maxConnections: 1024 },
      },
    });
    expect(config.healthChecks[0]).toMatchObject({
      kind: 'http',
      path: '/healthz',
      host: 'backend',
      intervalMs: 5000,
      unhealthyIntervalMs: 5000,
      noTrafficIntervalMs: 60_000,
    });
  });

  it('still refuses what is not implemented (an EDS cluster, MURMUR_HASH_2)', () => {
    const registry = registerUpstreamConfig(createConfigRegistry());
    const text = JSON.stringify({
      static_resources: {
        clusters: [
          { name: 'eds', type: 'EDS', eds_cluster_config: { service_name: 'x' } },
          { ...cluster, name: 'murmur', ring_hash_lb_config: { hash_function: 'MURMUR_HASH_2' } },
        ],
      },
    });
    const messages = validateBootstrap({ text }, { registry })
      .problems.map((p) => p.message)
      .join('\n');
    expect(messages).toContain('EDS');
    expect(messages).toContain('MURMUR_HASH_2');
  });
});

describe('parseClusterConfig', () => {
  it("fills Envoy's defaults", () => {
    const config = parseClusterConfig({ name: 'plain' });
    expect(config).toMatchObject({
      type: 'STATIC',
      lbPolicy: 'ROUND_ROBIN',
      connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS,
      perConnectionBufferLimitBytes: 1024 * 1024,
      choiceCount: 2,
      maglevTableSize: 65537,
      endpoints: [],
      healthChecks: [],
    });
  });

  it.each([
    [{ name: '' }, 'non-empty name'],
    [{ name: 'c', type: 'EDS' }, 'type'],
    [{ name: 'c', type: 'LOGICAL_DNS' }, 'single lb_endpoint'],
    [
      { name: 'c', ringHashLbConfig: { minimumRingSize: 10, maximumRingSize: 5 } },
      'minimum_ring_size (10) > maximum_ring_size (5)',
    ],
    [
      {
        name: 'c',
        healthChecks: [
          {
            interval: { seconds: 1 },
            unhealthyThreshold: 1,
            healthyThreshold: 1,
            tcpHealthCheck: {},
          },
        ],
      },
      'timeout: is required',
    ],
    [
      {
        name: 'c',
        healthChecks: [
          {
            timeout: { seconds: 1 },
            interval: { seconds: 1 },
            unhealthyThreshold: 1,
            healthyThreshold: 1,
            tcpHealthCheck: { send: { text: 'xyz' } },
          },
        ],
      },
      'hex',
    ],
  ])('rejects %j (%s)', (input, message) => {
    expect(() => parseClusterConfig(input)).toThrow(
      expect.objectContaining({
        code: UpstreamErrorCode.InvalidClusterConfig,
        message: expect.stringContaining(message),
      }),
    );
  });
});
