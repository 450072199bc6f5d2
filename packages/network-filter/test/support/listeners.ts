// Listener configs for tests, written as `@nuncio/config` would decode them.
import type { FilterChainInput, ListenerInput } from '../../src/index.ts';
import { RELAY_TYPE_URL, WANTS_BYTES_TYPE_URL } from './test-extensions.ts';

export const ECHO_TYPE_URL = 'type.googleapis.com/envoy.extensions.filters.network.echo.v3.Echo';
export const TLS_INSPECTOR_TYPE_URL =
  'type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector';

export function echoChain(name = 'echo', extra: Partial<FilterChainInput> = {}): FilterChainInput {
  return {
    name,
    filters: [
      { name: 'envoy.filters.network.echo', typedConfig: { typeUrl: ECHO_TYPE_URL, value: {} } },
    ],
    ...extra,
  };
}

export function reportChain(name: string, extra: Partial<FilterChainInput> = {}): FilterChainInput {
  return { name, filters: [{ name: 'test.chain_report' }], ...extra };
}

export function relayChain(
  name: string,
  port: number,
  extra: Partial<FilterChainInput> = {},
): FilterChainInput {
  return {
    name,
    filters: [{ name: 'test.relay', typedConfig: { typeUrl: RELAY_TYPE_URL, value: { port } } }],
    ...extra,
  };
}

export const tlsInspector = {
  name: 'envoy.filters.listener.tls_inspector',
  typedConfig: { typeUrl: TLS_INSPECTOR_TYPE_URL, value: {} },
};

export function wantsBytes(bytes: number) {
  return {
    name: 'test.wants_bytes',
    typedConfig: { typeUrl: WANTS_BYTES_TYPE_URL, value: { bytes } },
  };
}

export function listenerConfig(
  name: string,
  port: number,
  extra: Partial<ListenerInput> = {},
): ListenerInput {
  return {
    name,
    address: { socketAddress: { address: '127.0.0.1', portValue: port } },
    filterChains: [echoChain()],
    ...extra,
  };
}
