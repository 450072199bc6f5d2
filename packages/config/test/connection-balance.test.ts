// A listener's connection_balance_config: exact_balance (an empty message) is in the supported
// subset; another balance type, or an unknown field, is an error naming its path.
import { describe, expect, it } from 'vitest';
import { formatProblems, loadBootstrap, validateBootstrap } from '../src/index.ts';
import { testRegistry } from './helpers.ts';

function listenerWith(balance: string): { text: string; name: string } {
  return {
    name: 'balance.yaml',
    text: `static_resources:
  listeners:
  - name: balanced
    address: {socket_address: {address: 127.0.0.1, port_value: 10000}}
    connection_balance_config:
${balance}
    filter_chains:
    - filters:
      - name: envoy.filters.network.tcp_proxy
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
          stat_prefix: t
          cluster: c
`,
  };
}

describe('connection_balance_config', () => {
  it('accepts exact_balance: {}', () => {
    const bootstrap = loadBootstrap(listenerWith('      exact_balance: {}'), {
      registry: testRegistry(),
    });
    const listener = bootstrap.staticResources?.listeners[0];
    expect(listener?.connectionBalanceConfig).toEqual({ exactBalance: {} });
  });

  it('refuses extend_balance, naming its path', () => {
    const result = validateBootstrap(
      listenerWith(
        '      extend_balance:\n        name: my.balancer\n        typed_config: {"@type": type.googleapis.com/google.protobuf.Empty}',
      ),
      { registry: testRegistry() },
    );
    expect(result.ok).toBe(false);
    expect(formatProblems(result).join('\n')).toContain(
      'static_resources.listeners[0].connection_balance_config.extend_balance: field',
    );
  });

  it('refuses an unknown balance type, naming its path', () => {
    const result = validateBootstrap(listenerWith('      least_balance: {}'), {
      registry: testRegistry(),
    });
    expect(result.ok).toBe(false);
    const lines = formatProblems(result);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^balance\.yaml:\d+:\d+: static_resources\.listeners\[0\]\.connection_balance_config\.least_balance: /,
    );
  });
});
