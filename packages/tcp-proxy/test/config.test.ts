import { createConfigRegistry, validateBootstrap } from '@nuncio/config';
import { describe, expect, it } from 'vitest';
import {
  accessLogConfigOf,
  DEFAULT_IDLE_TIMEOUT_MS,
  parseTcpProxyConfig,
  TcpProxyErrorCode,
  tcpProxyExtension,
} from '../src/index.ts';

describe('parseTcpProxyConfig', () => {
  it("fills Envoy's defaults: a 1 h idle timeout, one connect attempt", () => {
    const config = parseTcpProxyConfig({ statPrefix: 'p', cluster: 'c' });
    expect(config).toMatchObject({
      statPrefix: 'p',
      cluster: 'c',
      idleTimeoutMs: DEFAULT_IDLE_TIMEOUT_MS,
      maxConnectAttempts: 1,
      hashSourceIp: false,
      accessLog: [],
    });
    expect(
      parseTcpProxyConfig({ statPrefix: 'p', cluster: 'c', idleTimeout: { seconds: 0 } })
        .idleTimeoutMs,
    ).toBe(0);
  });

  it.each([
    [{ statPrefix: '', cluster: 'c' }, 'stat_prefix'],
    [{ statPrefix: 'p' }, 'cluster_specifier'],
    [
      { statPrefix: 'p', cluster: 'c', weightedClusters: { clusters: [{ name: 'd', weight: 1 }] } },
      'cluster_specifier',
    ],
    [{ statPrefix: 'p', weightedClusters: { clusters: [{ name: 'd', weight: 0 }] } }, 'weight'],
    [{ statPrefix: 'p', cluster: 'c', maxConnectAttempts: 0 }, 'max_connect_attempts'],
    [{ statPrefix: 'p', cluster: 'c', hashPolicy: [{ filterState: {} }] }, 'only source_ip'],
    [
      { statPrefix: 'p', cluster: 'c', hashPolicy: [{ sourceIp: {} }, { sourceIp: {} }] },
      'at most one',
    ],
  ])('rejects %j naming %s', (input, field) => {
    expect(() => parseTcpProxyConfig(input)).toThrow(
      expect.objectContaining({
        code: TcpProxyErrorCode.InvalidConfig,
        message: expect.stringContaining(field),
      }),
    );
  });

  it('turns a decoded access_log entry into what the access-log package reads', () => {
    expect(
      accessLogConfigOf({
        name: 'envoy.access_loggers.file',
        typedConfig: {
          typeUrl: 'type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog',
          value: {
            path: '/tmp/a.log',
            logFormat: { textFormatSource: { inlineString: '%DURATION%\n' } },
          },
        },
      }),
    ).toEqual({
      name: 'envoy.access_loggers.file',
      typedConfig: {
        '@type': 'type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog',
        path: '/tmp/a.log',
        logFormat: { textFormatSource: { inlineString: '%DURATION%\n' } },
      },
    });
  });
});

describe('the extension registration', () => {
  it('makes a bootstrap with the implemented TCP proxy fields valid, and refuses the others', () => {
    const registry = createConfigRegistry();
    registry.registerExtension(tcpProxyExtension);
    const listener = (typedConfig: Record<string, unknown>) => ({
      static_resources: {
        listeners: [
          {
            name: 'l',
            address: { socket_address: { address: '127.0.0.1', port_value: 10000 } },
            filter_chains: [
              {
                filters: [
                  {
                    name: 'envoy.filters.network.tcp_proxy',
                    typed_config: {
                      '@type':
                        'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy',
                      ...typedConfig,
                    },
                  },
                ],
              },
            ],
          },
        ],
      },
    });
    const ok = validateBootstrap(
      {
        text: JSON.stringify(
          listener({
            stat_prefix: 'p',
            weighted_clusters: { clusters: [{ name: 'a', weight: 1 }] },
            idle_timeout: '30s',
            max_connect_attempts: 3,
            hash_policy: [{ source_ip: {} }],
          }),
        ),
      },
      { registry },
    );
    expect(ok.problems).toEqual([]);
    const refused = validateBootstrap(
      {
        text: JSON.stringify(
          listener({ stat_prefix: 'p', cluster: 'a', tunneling_config: { hostname: 'h' } }),
        ),
      },
      { registry },
    );
    expect(refused.ok).toBe(false);
    expect(JSON.stringify(refused.problems)).toContain('tunneling_config');
  });
});
