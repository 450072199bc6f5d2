// Every published package has the shape users rely on: ESM with types, an exports map, a README,
// the Apache-2.0 licence, and the scripts turbo runs.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { workspacePackages } from './repo.ts';

const published = workspacePackages().filter((p) => p.manifest.private !== true);

describe('published packages', () => {
  it.each(published.map((p) => [p.manifest.name as string, p] as const))('%s', (_name, pkg) => {
    const m = pkg.manifest as {
      type?: string;
      license?: string;
      description?: string;
      sideEffects?: boolean;
      exports?: Record<string, unknown>;
      scripts?: Record<string, string>;
      files?: string[];
      engines?: { node?: string };
      publishConfig?: { access?: string };
    };
    expect(m.type).toBe('module');
    expect(m.license).toBe('Apache-2.0');
    expect(m.description?.length ?? 0).toBeGreaterThan(10);
    expect(m.engines?.node).toBe('>=22.12');
    expect(m.publishConfig?.access).toBe('public');
    expect(m.files).toContain('dist');
    const root = m.exports?.['.'] as Record<string, string> | undefined;
    expect(root?.types).toMatch(/^\.\/dist\/.*\.d\.ts$/);
    expect(root?.import).toMatch(/^\.\/dist\/.*\.js$/);
    expect(root?.['@nuncio/source']).toMatch(/^\.\/src\/.*\.ts$/);
    for (const script of ['build', 'typecheck', 'test']) expect(m.scripts?.[script]).toBeTruthy();
    expect(existsSync(join(pkg.dir, 'README.md'))).toBe(true);
    expect(existsSync(join(pkg.dir, 'src', 'index.ts'))).toBe(true);
  });
});
