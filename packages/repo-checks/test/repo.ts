// Walks the repository for the consistency tests.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

const SKIP = new Set(['node_modules', 'dist', '.turbo', '.git', '.toolchain', 'results']);

/** Every file under `dir` (relative to the repo root) whose name passes `keep`. */
export function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  const start = join(repoRoot, dir);
  if (!existsSync(start)) return [];
  const found: string[] = [];
  const walk = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      if (SKIP.has(entry.name)) continue;
      const full = join(path, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (keep(entry.name)) found.push(full);
    }
  };
  if (statSync(start).isDirectory()) walk(start);
  return found;
}

/** The workspace packages (packages/* and apps/*) with their parsed package.json. */
export function workspacePackages(): { dir: string; manifest: Record<string, unknown> }[] {
  const found: { dir: string; manifest: Record<string, unknown> }[] = [];
  for (const group of ['packages', 'apps']) {
    const groupDir = join(repoRoot, group);
    if (!existsSync(groupDir)) continue;
    for (const name of readdirSync(groupDir)) {
      const manifestPath = join(groupDir, name, 'package.json');
      if (!existsSync(manifestPath)) continue;
      found.push({
        dir: join(groupDir, name),
        manifest: JSON.parse(readFileSync(manifestPath, 'utf8')),
      });
    }
  }
  return found;
}
