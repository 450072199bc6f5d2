// docs/admin-openapi.json is the document generated from the route schemas: regenerate it with
// `pnpm --filter @nuncio/admin generate:openapi` when this fails.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { adminOpenApiDocument } from '../src/index.ts';

const committed = new URL('../../../docs/admin-openapi.json', import.meta.url);

describe('the OpenAPI document', () => {
  it('in docs/ is up to date with the route schemas', async () => {
    const fresh = await adminOpenApiDocument();
    const published = JSON.parse(readFileSync(committed, 'utf8')) as unknown;
    expect(
      published,
      'docs/admin-openapi.json is out of date: run `pnpm --filter @nuncio/admin generate:openapi`',
    ).toEqual(fresh);
  });

  it('documents every endpoint with its methods, and POST only for the mutating ones', async () => {
    const document = await adminOpenApiDocument();
    const paths = document.paths as Record<string, Record<string, { operationId: string }>>;
    const methods = Object.fromEntries(
      Object.entries(paths).map(([path, ops]) => [path, Object.keys(ops).sort().join(',')]),
    );
    expect(methods).toEqual({
      '/': 'get',
      '/clusters': 'get',
      '/config_dump': 'get',
      '/drain_listeners': 'post',
      '/healthcheck/fail': 'post',
      '/healthcheck/ok': 'post',
      '/help': 'get',
      '/hot_restart_version': 'get',
      '/listeners': 'get',
      '/logging': 'get,post',
      '/memory': 'get',
      '/quitquitquit': 'post',
      '/ready': 'get',
      '/reopen_logs': 'post',
      '/reset_counters': 'post',
      '/server_info': 'get',
      '/stats': 'get',
      '/stats/prometheus': 'get',
      '/threads': 'get',
    });
    const ids = Object.values(paths).flatMap((ops) =>
      Object.values(ops).map((op) => op.operationId),
    );
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('mounts under a prefix', async () => {
    const document = await adminOpenApiDocument({ prefix: '/admin', version: '1.2.3' });
    expect((document.info as { version: string }).version).toBe('1.2.3');
    expect(Object.keys(document.paths as object)).toContain('/admin/stats/prometheus');
  });
});
