/** `/config_dump`'s document: Envoy's `envoy.admin.v3.ConfigDump` in proto3 JSON. */
export interface ConfigDumpDocument {
  /** One entry per config tracker key, each with its `@type` (`...BootstrapConfigDump`, ...). */
  readonly configs: readonly Readonly<Record<string, unknown>>[];
}

/**
 * What `/config_dump` reads: the whole dump with secrets already redacted; the admin applies
 * `resource=`, `mask=` and `name_regex=` to it. Called on the main thread, once per request.
 */
export interface ConfigDumpProvider {
  configDump(): ConfigDumpDocument;
}
