// The TCP proxy while clusters change under it: a cluster update while connections flow, health
// checks taking a host out and back, weighted clusters and source-IP hashing.
import { waitFor, withTimeout } from '@nuncio/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, ms, proxyListener, startHarness, staticCluster } from './support/harness.ts';
import { startServer, TestClient } from './support/peers.ts';

/** An upstream that answers every chunk with `<name>:<chunk>`, and counts its connections. */
async function namedUpstream(name: string, port = 0) {
  let accepted = 0;
  const server = await startServer((socket) => {
    accepted++;
    socket.on('data', (chunk: Buffer) => socket.write(`${name}:${chunk.toString()};`));
    socket.on('end', () => socket.end());
  }, port);
  return { ...server, name, accepted: () => accepted };
}

async function roundTrip(client: TestClient, message: string): Promise<string> {
  const before = client.text().length;
  client.socket.write(message);
  await waitFor(() => client.text().slice(before).endsWith(`${message};`), {
    what: `reply to ${message}`,
  });
  return client.text().slice(before);
}

describe('cluster update while connections flow', () => {
  let harness: Harness;
  let a: Awaited<ReturnType<typeof namedUpstream>>;
  let b: Awaited<ReturnType<typeof namedUpstream>>;

  beforeAll(async () => {
    a = await namedUpstream('a');
    b = await namedUpstream('b');
    harness = await startHarness({
      concurrency: 2,
      clusters: [staticCluster('backend', [a.port])],
      listeners: [proxyListener('proxy', { statPrefix: 'update', cluster: 'backend' })],
    });
  });

  afterAll(async () => {
    await harness?.close();
    await a?.close();
    await b?.close();
  });

  it('keeps every open connection and sends new ones to the new hosts', async () => {
    const old = Array.from({ length: 6 }, () => new TestClient(harness.port));
    await Promise.all(old.map((client) => client.connected));
    for (const client of old) expect(await roundTrip(client, 'x')).toBe('a:x;');
    // Keep bytes flowing on the old connections while the cluster changes.
    let flowing = true;
    const traffic = (async () => {
      let i = 0;
      while (flowing) {
        for (const client of old) expect(await roundTrip(client, `m${i}`)).toBe(`a:m${i};`);
        i++;
      }
      return i;
    })();
    expect(await harness.clusters.addOrUpdateCluster(staticCluster('backend', [b.port]))).toBe(
      'updated',
    );
    await harness.clusters.whenApplied();
    const fresh = Array.from({ length: 6 }, () => new TestClient(harness.port));
    await Promise.all(fresh.map((client) => client.connected));
    for (const client of fresh) expect(await roundTrip(client, 'y')).toBe('b:y;');
    flowing = false;
    expect(await traffic).toBeGreaterThan(0);
    for (const client of old) {
      expect(client.closed).toBe(false);
      expect(await roundTrip(client, 'still')).toBe('a:still;');
    }
    expect(a.accepted()).toBe(6);
    expect(b.accepted()).toBe(6);
    for (const client of [...old, ...fresh]) client.socket.end();
    await Promise.all(
      [...old, ...fresh].map((client) => withTimeout(client.finished, 3000, 'end')),
    );
  });
});

describe('health checks through the proxy', () => {
  let harness: Harness;
  let steady: Awaited<ReturnType<typeof namedUpstream>>;
  let flaky: Awaited<ReturnType<typeof namedUpstream>>;
  let flakyPort = 0;

  beforeAll(async () => {
    steady = await namedUpstream('steady');
    flaky = await namedUpstream('flaky');
    flakyPort = flaky.port;
    harness = await startHarness({
      concurrency: 2,
      clusters: [
        staticCluster('checked', [steady.port, flakyPort], {
          healthChecks: [
            {
              timeout: ms(200),
              interval: ms(50),
              noTrafficInterval: ms(50),
              unhealthyThreshold: 2,
              healthyThreshold: 2,
              tcpHealthCheck: {},
            },
          ],
        }),
      ],
      listeners: [proxyListener('proxy', { statPrefix: 'checked', cluster: 'checked' })],
    });
  });

  afterAll(async () => {
    await harness?.close();
    await steady?.close();
    await flaky?.close();
  });

  async function replies(count: number): Promise<string[]> {
    const clients = Array.from({ length: count }, () => new TestClient(harness.port));
    await Promise.all(clients.map((client) => client.connected));
    const out: string[] = [];
    for (const client of clients) out.push((await roundTrip(client, 'hi')).split(':')[0] ?? '');
    for (const client of clients) client.destroy();
    return out;
  }

  it('stops sending connections to a host that fails its checks, and resumes after recovery', async () => {
    const before = await replies(8);
    expect(new Set(before)).toEqual(new Set(['steady', 'flaky']));
    await flaky.close();
    await waitFor(
      () =>
        harness.clusters.clusters()[0]?.hosts[1]?.healthFlags.includes('failed_active_hc') === true,
      { what: 'flaky marked unhealthy', timeoutMs: 3000 },
    );
    await harness.clusters.whenApplied();
    expect(new Set(await replies(8))).toEqual(new Set(['steady']));
    flaky = await namedUpstream('flaky', flakyPort);
    await waitFor(() => harness.clusters.clusters()[0]?.hosts[1]?.healthFlags.length === 0, {
      what: 'flaky healthy again',
      timeoutMs: 3000,
    });
    await harness.clusters.whenApplied();
    expect(new Set(await replies(8))).toEqual(new Set(['steady', 'flaky']));
  });

  it('closes connections when no host is healthy (no healthy upstream)', async () => {
    await steady.close();
    await flaky.close();
    await waitFor(() => harness.gauge('cluster.checked.membership_healthy') === 0, {
      what: 'no healthy host',
      timeoutMs: 3000,
    });
    await harness.clusters.whenApplied();
    const client = new TestClient(harness.port);
    await withTimeout(client.finished, 3000, 'close');
    expect(harness.counter('cluster.checked.upstream_cx_none_healthy')).toBeGreaterThanOrEqual(1);
  });
});

describe('weighted clusters and hashing', () => {
  let harness: Harness;
  const upstreams: Awaited<ReturnType<typeof namedUpstream>>[] = [];

  beforeAll(async () => {
    for (const name of ['light', 'heavy', 'm1', 'm2', 'm3'])
      upstreams.push(await namedUpstream(name));
    const [light, heavy, m1, m2, m3] = upstreams as [
      (typeof upstreams)[0],
      (typeof upstreams)[0],
      (typeof upstreams)[0],
      (typeof upstreams)[0],
      (typeof upstreams)[0],
    ];
    harness = await startHarness({
      concurrency: 1,
      clusters: [
        staticCluster('light', [light.port]),
        staticCluster('heavy', [heavy.port]),
        staticCluster('maglev', [m1.port, m2.port, m3.port], { lbPolicy: 'MAGLEV' }),
      ],
      listeners: [
        proxyListener('weighted', {
          statPrefix: 'weighted',
          weightedClusters: {
            clusters: [
              { name: 'light', weight: 1 },
              { name: 'heavy', weight: 4 },
            ],
          },
        }),
        proxyListener('hashed', {
          statPrefix: 'hashed',
          cluster: 'maglev',
          hashPolicy: [{ sourceIp: {} }],
        }),
        proxyListener('unhashed', { statPrefix: 'unhashed', cluster: 'maglev' }),
      ],
    });
  });

  afterAll(async () => {
    await harness?.close();
    for (const upstream of upstreams) await upstream.close();
  });

  async function through(listener: string, count: number): Promise<string[]> {
    const port =
      harness.listeners.listeners().find((entry) => entry.name === listener)?.address.port ?? 0;
    const out: string[] = [];
    for (let i = 0; i < count; i++) {
      const client = new TestClient(port);
      await client.connected;
      out.push((await roundTrip(client, 'q')).split(':')[0] ?? '');
      client.destroy();
    }
    return out;
  }

  it('spreads connections over weighted clusters by weight', async () => {
    const picks = await through('weighted', 60);
    const heavy = picks.filter((name) => name === 'heavy').length;
    expect(heavy).toBeGreaterThan(35);
    expect(heavy).toBeLessThan(60);
  });

  it('with hash_policy source_ip, every connection from one address reaches the same host', async () => {
    const hashed = await through('hashed', 12);
    expect(new Set(hashed).size).toBe(1);
    // Without the policy, Maglev picks at random.
    const unhashed = await through('unhashed', 24);
    expect(new Set(unhashed).size).toBeGreaterThan(1);
  });
});
