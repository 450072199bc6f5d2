// Shared Vitest settings for every workspace package (each package's vitest.config.ts re-exports
// this). `@nuncio/*` imports resolve to the packages' TypeScript sources, so tests need no build;
// worker threads started by tests get the same through the `@nuncio/source` export condition, which
// each package's `test` script passes in NODE_OPTIONS.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = dirname(fileURLToPath(import.meta.url));

/** `@nuncio/<name>[/<subpath>]` to the source file named by the package's `@nuncio/source` export. */
function sourceAliases(): { find: string; replacement: string }[] {
  const aliases: { find: string; replacement: string }[] = [];
  for (const group of ['packages', 'apps']) {
    const groupDir = join(root, group);
    if (!existsSync(groupDir)) continue;
    for (const dir of readdirSync(groupDir)) {
      const manifestPath = join(groupDir, dir, 'package.json');
      if (!existsSync(manifestPath)) continue;
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
        name: string;
        exports?: Record<string, string | Record<string, string>>;
      };
      for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
        const source = typeof target === 'object' ? target['@nuncio/source'] : undefined;
        if (!source) continue;
        aliases.push({
          find: manifest.name + subpath.slice(1),
          replacement: join(groupDir, dir, source),
        });
      }
    }
  }
  // Longest first, so `@nuncio/x/testing` is not taken for `@nuncio/x` plus a suffix.
  return aliases.sort((a, b) => b.find.length - a.find.length);
}

export default defineConfig({
  resolve: { alias: sourceAliases() },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results.json' },
  },
});
