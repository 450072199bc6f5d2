import type { ConfigRegistry, ExtensionRegistration } from '@nuncio/config';
import { echoExtension } from './extensions/echo/echo-config.ts';
import { tlsInspectorExtension } from './extensions/tls-inspector/tls-inspector-config.ts';

/**
 * The extensions this package implements, as a static list (never registered by an import side
 * effect): `envoy.filters.network.echo` and `envoy.filters.listener.tls_inspector`. A program
 * registers these and its own (the TCP proxy's) with {@link registerNetworkExtensions}.
 */
export const builtinExtensions: readonly ExtensionRegistration[] = Object.freeze([
  echoExtension,
  tlsInspectorExtension,
]);

/**
 * Fields of Envoy's listener messages this package implements beyond `@nuncio/config`'s core
 * subset (proto field names by message type).
 */
export const listenerSupportedFields: Readonly<Record<string, readonly string[]>> = Object.freeze({
  'envoy.config.listener.v3.Listener': [
    'listener_filters_timeout',
    'continue_on_listener_filters_timeout',
    'traffic_direction',
    'metadata',
  ],
});

/**
 * Registers `extensions` (default {@link builtinExtensions}) and {@link listenerSupportedFields}
 * with `registry`, and returns it. Registering the same extension twice throws (the registry's
 * `DuplicateExtensionError`).
 */
export function registerNetworkExtensions(
  registry: ConfigRegistry,
  extensions: readonly ExtensionRegistration[] = builtinExtensions,
): ConfigRegistry {
  for (const [type, fields] of Object.entries(listenerSupportedFields)) {
    registry.registerSupportedFields(type, fields);
  }
  for (const extension of extensions) registry.registerExtension(extension);
  return registry;
}
