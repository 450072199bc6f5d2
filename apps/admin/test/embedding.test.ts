// Mounting the admin endpoints on an application's own Fastify instance: under a prefix, beside the
// application's routes, without touching its error handling, not-found handler or body parsing.
import { StatsStore } from '@nuncio/stats';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminRoutes, createServerInfo, registerAdminRoutes } from '../src/index.ts';
import { request } from './helpers/http.ts';

const app = Fastify({ logger: false });
let url: string;

beforeAll(async () => {
  const store = StatsStore.create({ maxStats: 16, maxThreads: 1 });
  store.counterFromString('http.app.downstream_rq_total').add(3);
  app.get('/hello', async () => ({ hello: 'world' }));
  app.post('/echo', async (req) => req.body);
  app.setNotFoundHandler(async (_req, reply) => reply.code(404).send({ app: 'not found' }));
  await registerAdminRoutes(app, {
    prefix: '/admin',
    providers: { stats: store, server: createServerInfo() },
    logger: { info() {}, warn() {}, error() {} },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address() as { port: number };
  url = `http://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  await app.close();
});

describe('registerAdminRoutes', () => {
  it('serves the admin endpoints under the prefix', async () => {
    const stats = await request(url, '/admin/stats');
    expect([stats.status, stats.body]).toEqual([200, 'http.app.downstream_rq_total: 3\n']);
    expect(stats.headers.get('cache-control')).toBe('no-cache, max-age=0');
    expect((await request(url, '/admin/ready')).body).toBe('LIVE\n');
    const help = await request(url, '/admin/help');
    expect(help.body).toContain(
      '  /admin/stats/prometheus: print server stats in prometheus format\n',
    );
    expect((await request(url, '/admin/reset_counters')).status).toBe(405);
    expect((await request(url, '/admin/reset_counters', 'POST')).body).toBe('OK\n');
  });

  it("leaves the application's routes, 404 and JSON bodies alone", async () => {
    const hello = await request(url, '/hello');
    expect([hello.status, hello.contentType, hello.body]).toEqual([
      200,
      'application/json; charset=utf-8',
      '{"hello":"world"}',
    ]);
    expect(hello.headers.get('x-content-type-options')).toBeNull();
    const missing = await request(url, '/admin/nope');
    expect([missing.status, missing.body]).toEqual([404, '{"app":"not found"}']);
    const echo = await fetch(`${url}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(await echo.json()).toEqual({ a: 1 });
  });

  it('is also a plain plugin', async () => {
    const other = Fastify({ logger: false });
    await other.register(adminRoutes, { providers: { server: createServerInfo() }, index: false });
    const ready = await other.inject({ method: 'GET', url: '/ready' });
    expect([ready.statusCode, ready.body]).toEqual([200, 'LIVE\n']);
    expect((await other.inject({ method: 'GET', url: '/help' })).statusCode).toBe(404);
    await other.close();
  });

  it('answers a provider that throws with a 500 in text, and logs it', async () => {
    const errors: string[] = [];
    const other = Fastify({ logger: false });
    await other.register(adminRoutes, {
      providers: {
        clusters: {
          clusters: () => {
            throw new Error('cluster manager gone');
          },
        },
      },
      logger: { info() {}, warn() {}, error: (m) => errors.push(m) },
    });
    const answer = await other.inject({ method: 'GET', url: '/clusters' });
    expect([answer.statusCode, answer.headers['content-type'], answer.body]).toEqual([
      500,
      'text/plain; charset=UTF-8',
      'cluster manager gone\n',
    ]);
    expect(errors).toEqual(['admin GET /clusters failed: cluster manager gone']);
    await other.close();
  });

  it('refuses to register without providers', async () => {
    const other = Fastify({ logger: false });
    await expect(other.register(adminRoutes, {} as never)).rejects.toMatchObject({
      code: 'NUNCIO_ERR_ADMIN_INVALID_OPTION',
    });
    await other.close();
  });
});
