import { type Bootstrap, type ConfigDumpOptions, configDump } from '@nuncio/config';
import type { ConfigDumpDocument, ConfigDumpProvider } from './config-dump-provider.ts';

/**
 * A {@link ConfigDumpProvider} for a static bootstrap: `@nuncio/config`'s `configDump` (bootstrap,
 * static clusters, static listeners, secrets redacted), made on the first request and kept, since
 * a static bootstrap does not change.
 */
export function bootstrapConfigDump(
  bootstrap: Bootstrap,
  options: ConfigDumpOptions = {},
): ConfigDumpProvider {
  const lastUpdated = options.lastUpdated ?? new Date();
  let document: ConfigDumpDocument | null = null;
  return {
    configDump: () => {
      document ??= configDump(bootstrap, { ...options, lastUpdated });
      return document;
    },
  };
}
