/**
 * An extension Nuncio implements, registered under Envoy's name and type URL(s), as Envoy's
 * `Registry::FactoryRegistry` holds its factories. `F` is whatever the consuming package builds
 * from the typed config (a network filter factory, an access logger, ...).
 */
export interface ExtensionRegistration<F = unknown> {
  /** Envoy's extension name, e.g. `envoy.filters.network.tcp_proxy`. */
  name: string;
  /**
   * The type URL(s) of its config, e.g.
   * `type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy`.
   */
  typeUrls: readonly string[];
  /** Envoy's category, e.g. `envoy.filters.network` (informational: listed in messages). */
  category?: string;
  /** What the consuming package builds from a typed config; the config package never calls it. */
  factory?: F;
  /**
   * Fields Nuncio implements of the config's message types, by full type name (merged into the
   * registry's supported subset when the extension is registered).
   */
  supportedFields?: Readonly<Record<string, readonly string[]>>;
}

/** What `registry.resolveExtension` is given: an extension point of a decoded config. */
export interface ExtensionReference {
  name?: string;
  typedConfig?: { typeUrl: string; value: unknown } | undefined;
}
