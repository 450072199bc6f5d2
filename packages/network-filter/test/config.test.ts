// The package with @nuncio/config: its extensions and listener fields register into a
// ConfigRegistry, and a Listener decoded from Envoy YAML builds and serves as it is.
import { createConfigRegistry, type Listener, validateConfig } from '@nuncio/config';
import { currentDispatcher } from '@nuncio/dispatcher';
import { describe, expect, it } from 'vitest';
import {
  builtinExtensions,
  createConnectionHandler,
  ECHO_FILTER_NAME,
  type ListenerInput,
  registerNetworkExtensions,
  TLS_INSPECTOR_NAME,
} from '../src/index.ts';
import { RecordingClient } from './support/loopback.ts';

const listenerYaml = `
name: echo_with_inspector
address: { socket_address: { address: 127.0.0.1, port_value: 0 } }
listener_filters_timeout: 2s
continue_on_listener_filters_timeout: true
per_connection_buffer_limit_bytes: 32768
listener_filters:
- name: envoy.filters.listener.tls_inspector
  typed_config:
    "@type": type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector
filter_chains:
- name: tls
  filter_chain_match: { transport_protocol: tls, server_names: ["*.example.com"] }
  filters:
  - name: envoy.filters.network.echo
    typed_config: { "@type": type.googleapis.com/envoy.extensions.filters.network.echo.v3.Echo }
- name: plain
  filter_chain_match: { transport_protocol: raw_buffer }
  filters:
  - name: envoy.filters.network.echo
    typed_config: { "@type": type.googleapis.com/envoy.extensions.filters.network.echo.v3.Echo }
`;

describe('with @nuncio/config', () => {
  it('registers the built-in extensions and the listener fields this package implements', () => {
    const registry = registerNetworkExtensions(createConfigRegistry());
    expect(builtinExtensions.map((e) => e.name)).toEqual([ECHO_FILTER_NAME, TLS_INSPECTOR_NAME]);
    expect(registry.extensionNames()).toEqual([TLS_INSPECTOR_NAME, ECHO_FILTER_NAME]);
    expect(
      registry.isFieldSupported('envoy.config.listener.v3.Listener', 'listener_filters_timeout'),
    ).toBe(true);
    expect(() => registerNetworkExtensions(registry)).toThrow(/already registered/);
  });

  it('validates Envoy YAML against the registry, and the decoded Listener serves as it is', async () => {
    const registry = registerNetworkExtensions(createConfigRegistry());
    const result = validateConfig<Listener>(
      'envoy.config.listener.v3.Listener',
      { text: listenerYaml },
      {
        registry,
      },
    );
    expect(result.problems).toEqual([]);
    // A decoded Listener is a ListenerInput: no conversion.
    const input: ListenerInput = result.config as Listener;
    const handler = createConnectionHandler({ registry, dispatcher: currentDispatcher() });
    try {
      const info = await handler.addListener(input);
      const c = new RecordingClient(info.address.port);
      try {
        c.socket.end('plain text');
        await c.whenEnded();
        expect(c.received()).toBe('plain text');
      } finally {
        c.destroy();
      }
    } finally {
      await handler.shutdown();
    }
  });

  it('reports TLS inspector options Nuncio does not implement', () => {
    const registry = registerNetworkExtensions(createConfigRegistry());
    const yaml = listenerYaml.replace(
      'TlsInspector\n',
      'TlsInspector\n    enable_ja3_fingerprinting: true\n',
    );
    const result = validateConfig(
      'envoy.config.listener.v3.Listener',
      { text: yaml },
      { registry },
    );
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => p.path)).toEqual([
      'listener_filters[0].typed_config.enable_ja3_fingerprinting',
    ]);
  });
});
