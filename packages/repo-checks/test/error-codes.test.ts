// Every error code a package can raise is documented, and the documentation lists no code that no
// package raises (after fastify's errors test).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesUnder, repoRoot } from './repo.ts';

const CODE = /NUNCIO_ERR_[A-Z0-9_]+/g;

function codesIn(files: string[]): Set<string> {
  const codes = new Set<string>();
  for (const file of files) {
    for (const match of readFileSync(file, 'utf8').matchAll(CODE)) codes.add(match[0]);
  }
  return codes;
}

describe('docs/reference/errors.md', () => {
  const sources = [
    ...filesUnder('packages', (n) => n.endsWith('.ts')),
    ...filesUnder('apps', (n) => n.endsWith('.ts')),
  ].filter((f) => f.includes('/src/'));
  const used = codesIn(sources);
  const documented = codesIn([join(repoRoot, 'docs', 'reference', 'errors.md')]);

  it('lists every code used in a package source', () => {
    const missing = [...used].filter((code) => !documented.has(code)).sort();
    expect(missing).toEqual([]);
  });

  it('lists no code that no package uses', () => {
    const stale = [...documented].filter((code) => !used.has(code)).sort();
    expect(stale).toEqual([]);
  });
});
