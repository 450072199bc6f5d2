// Relative links in the repository's markdown point at files that exist: no page describes or links
// to something that does not exist.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesUnder, repoRoot } from './repo.ts';

const LINK = /\[[^\]]*\]\(([^)\s]+)\)/g;

describe('markdown links', () => {
  it('resolve to existing files', () => {
    const broken: string[] = [];
    const pages = filesUnder('.', (n) => n.endsWith('.md')).filter(
      (f) => !f.includes('/.changeset/') && !f.endsWith('CHANGELOG.md'),
    );
    expect(pages.length).toBeGreaterThan(3);
    for (const page of pages) {
      for (const match of readFileSync(page, 'utf8').matchAll(LINK)) {
        const target = match[1] as string;
        if (/^[a-z]+:/i.test(target) || target.startsWith('#')) continue;
        const path = resolve(dirname(page), target.split('#')[0] as string);
        if (!existsSync(path)) broken.push(`${relative(repoRoot, page)} -> ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
