// Active health checks and DNS clusters on the main thread, observed through main's own
// thread-local cluster manager and the admin view.
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { StatsStore } from '@nuncio/stats';
import { startEchoServer, startTcpServer, waitFor } from '@nuncio/test-support';
import { createThreadLocal, getSlot, type ThreadLocalInstance } from '@nuncio/thread-local';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type ClusterManager,
  createClusterManager,
  type DnsLookup,
  type ThreadLocalClusterManager,
} from '../src/index.ts';
import { ms, staticCluster, tcpCheck } from './support/clusters.ts';

let tls: ThreadLocalInstance;
let store: StatsStore;
let manager: ClusterManager;
let local: ThreadLocalClusterManager;

beforeAll(() => {
  tls = createThreadLocal();
  store = StatsStore.create({ maxStats: 4096, maxThreads: 4 });
});

afterAll(() => {
  tls.shutdownGlobalThreading();
  tls.shutdownThread();
});

afterEach(() => manager?.shutdown());

function startManager(dnsLookup?: DnsLookup): void {
  manager = createClusterManager({
    threadLocal: tls,
    stats: store,
    ...(dnsLookup === undefined ? {} : { dnsLookup }),
  });
  local = getSlot(manager.slotRef).get();
}

function healthyPorts(cluster: string): number[] {
  return (local.getThreadLocalCluster(cluster)?.healthyHosts() ?? []).map((host) => host.port);
}

function flags(cluster: string): string[][] {
  const status = manager.clusters().find((entry) => entry.name === cluster);
  return (status?.hosts ?? []).map((host) => [...host.healthFlags]);
}

describe('TCP health checks', () => {
  it('waits for the first check, removes a host that stops answering and takes it back', async () => {
    startManager();
    const up = await startEchoServer();
    const flaky = await startEchoServer();
    const flakyPort = flaky.port;
    try {
      await manager.addOrUpdateCluster(
        staticCluster('hc_tcp', [up.port, flakyPort], { healthChecks: [tcpCheck()] }),
      );
      // Warming waited for the first check of both hosts: both are healthy when it resolves.
      await manager.whenApplied();
      expect(healthyPorts('hc_tcp').sort()).toEqual([up.port, flakyPort].sort());
      expect(flags('hc_tcp')).toEqual([[], []]);

      await flaky.close();
      await waitFor(() => healthyPorts('hc_tcp').length === 1, {
        what: 'removal',
        timeoutMs: 3000,
      });
      expect(healthyPorts('hc_tcp')).toEqual([up.port]);
      expect(flags('hc_tcp')[1]).toEqual(['failed_active_hc']);
      expect(
        store.counterFromString('cluster.hc_tcp.health_check.network_failure').value(),
      ).toBeGreaterThanOrEqual(2);
      expect(store.gaugeFromString('cluster.hc_tcp.health_check.healthy').value()).toBe(1);

      const back = await startTcpServer((socket) => socket.pipe(socket), { port: flakyPort });
      try {
        await waitFor(() => healthyPorts('hc_tcp').length === 2, {
          what: 'recovery',
          timeoutMs: 3000,
        });
        expect(flags('hc_tcp')).toEqual([[], []]);
      } finally {
        await back.close();
      }
    } finally {
      await up.close();
    }
  });

  it('sends the payload and expects the response blocks in order', async () => {
    startManager();
    const pong = await startTcpServer((socket) => {
      socket.on('data', (data) => {
        if (data.toString().includes('ping')) socket.write('po');
        setTimeout(() => socket.write('ng!'), 5);
      });
    });
    const wrong = await startTcpServer((socket) => socket.on('data', () => socket.write('nope')));
    try {
      const check = tcpCheck({
        tcpHealthCheck: {
          send: { text: Buffer.from('ping').toString('hex') },
          receive: [
            { text: Buffer.from('po').toString('hex') },
            { text: Buffer.from('ng').toString('hex') },
          ],
        },
      });
      await manager.addOrUpdateCluster(
        staticCluster('hc_payload', [pong.port, wrong.port], { healthChecks: [check] }),
      );
      await manager.whenApplied();
      expect(healthyPorts('hc_payload')).toEqual([pong.port]);
      // The wrong server answered, but never with the expected bytes: the check times out.
      expect(flags('hc_payload')[1]).toEqual(['failed_active_hc', 'active_hc_timeout']);
    } finally {
      await pong.close();
      await wrong.close();
    }
  });
});

describe('HTTP health checks', () => {
  it('checks GET <path> with the cluster name as Host; a non-200 fails the host at once', async () => {
    startManager();
    let status = 200;
    const seen: { path?: string; host?: string; agent?: string }[] = [];
    const server: HttpServer = createHttpServer((req, res) => {
      seen.push({ path: req.url, host: req.headers.host, agent: req.headers['user-agent'] });
      res.statusCode = status;
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      await manager.addOrUpdateCluster(
        staticCluster('hc_http', [port], {
          healthChecks: [
            {
              timeout: ms(500),
              interval: ms(50),
              noTrafficInterval: ms(50),
              unhealthyThreshold: 5,
              healthyThreshold: 1,
              httpHealthCheck: { path: '/healthz' },
            },
          ],
        }),
      );
      await manager.whenApplied();
      expect(healthyPorts('hc_http')).toEqual([port]);
      expect(seen[0]).toEqual({ path: '/healthz', host: 'hc_http', agent: 'Envoy/HC' });
      const before = seen.length;
      status = 503;
      // unhealthy_threshold is 5, but a 503 counts at once.
      await waitFor(() => healthyPorts('hc_http').length === 0, { what: '503', timeoutMs: 3000 });
      expect(seen.length - before).toBeLessThanOrEqual(2);
      status = 200;
      await waitFor(() => healthyPorts('hc_http').length === 1, {
        what: 'recovery',
        timeoutMs: 3000,
      });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('DNS clusters', () => {
  it('STRICT_DNS resolves localhost with dns.lookup', async () => {
    startManager();
    await manager.addOrUpdateCluster({
      name: 'dns_localhost',
      type: 'STRICT_DNS',
      dnsLookupFamily: 'V4_ONLY',
      loadAssignment: {
        endpoints: [
          {
            lbEndpoints: [
              {
                endpoint: { address: { socketAddress: { address: 'localhost', portValue: 8080 } } },
              },
            ],
          },
        ],
      },
    });
    await manager.whenApplied();
    const hosts = local.getThreadLocalCluster('dns_localhost')?.hosts() ?? [];
    expect(hosts.map((host) => host.addressString)).toEqual(['127.0.0.1:8080']);
    expect(hosts[0]?.hostname).toBe('localhost');
    expect(manager.clusters()[0]?.hosts[0]?.hostname).toBe('localhost');
  });

  it('STRICT_DNS follows the answers at dns_refresh_rate, keeping hosts that stay', async () => {
    let answer = ['127.0.0.1', '127.0.0.2'];
    let lookups = 0;
    startManager(async (name, family) => {
      lookups++;
      expect([name, family]).toEqual(['backend.test', 'AUTO']);
      if (answer.length === 0) throw new Error('NXDOMAIN');
      return answer;
    });
    await manager.addOrUpdateCluster({
      name: 'dns_strict',
      type: 'STRICT_DNS',
      dnsRefreshRate: ms(30),
      loadAssignment: {
        endpoints: [
          {
            lbEndpoints: [
              {
                endpoint: {
                  address: { socketAddress: { address: 'backend.test', portValue: 80 } },
                },
              },
            ],
          },
        ],
      },
    });
    await manager.whenApplied();
    const addresses = () =>
      (local.getThreadLocalCluster('dns_strict')?.hosts() ?? []).map((h) => h.address);
    expect(addresses()).toEqual(['127.0.0.1', '127.0.0.2']);
    const statsBefore = local.getThreadLocalCluster('dns_strict')?.hosts()[1]?.stats;
    answer = ['127.0.0.3', '127.0.0.2'];
    await waitFor(() => addresses().includes('127.0.0.3'), { what: 'refresh' });
    expect(addresses()).toEqual(['127.0.0.3', '127.0.0.2']);
    // The host that stayed is the same host (its stats block is the same memory).
    Atomics.add(statsBefore as Int32Array, 0, 7);
    expect(manager.clusters()[0]?.hosts[1]?.counters.cx_total).toBe(7);
    // A failed resolution keeps the hosts.
    answer = [];
    const failures = store.counterFromString('cluster.dns_strict.update_failure').value();
    await waitFor(
      () => store.counterFromString('cluster.dns_strict.update_failure').value() > failures,
    );
    expect(addresses()).toEqual(['127.0.0.3', '127.0.0.2']);
    expect(lookups).toBeGreaterThanOrEqual(3);
  });

  it('LOGICAL_DNS keeps one host that follows the first address', async () => {
    let answer = ['127.0.0.5', '127.0.0.6'];
    startManager(async () => answer);
    await manager.addOrUpdateCluster({
      name: 'dns_logical',
      type: 'LOGICAL_DNS',
      dnsRefreshRate: ms(30),
      loadAssignment: {
        endpoints: [
          {
            lbEndpoints: [
              { endpoint: { address: { socketAddress: { address: 'svc.test', portValue: 443 } } } },
            ],
          },
        ],
      },
    });
    await manager.whenApplied();
    const hosts = () => local.getThreadLocalCluster('dns_logical')?.hosts() ?? [];
    expect(hosts().map((host) => host.addressString)).toEqual(['127.0.0.5:443']);
    answer = ['127.0.0.7'];
    await waitFor(() => hosts()[0]?.address === '127.0.0.7', { what: 'follow' });
    expect(hosts()).toHaveLength(1);
  });
});
