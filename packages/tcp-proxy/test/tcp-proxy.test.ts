// The TCP proxy on loopback with real worker threads, the cluster manager on main and the
// listeners on every worker: echo through the proxy, half-close, flow control with a reader that
// never reads, connect failures and timeouts, the idle timeout, cluster updates and health checks.
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { freePort, waitFor, withTimeout } from '@nuncio/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, ms, proxyListener, startHarness, staticCluster } from './support/harness.ts';
import { startEcho, startServer, TestClient } from './support/peers.ts';

describe.each([1, 2])('proxying to an echo upstream on %i worker(s)', (concurrency) => {
  let harness: Harness;
  let echo: Awaited<ReturnType<typeof startEcho>>;

  beforeAll(async () => {
    echo = await startEcho();
    harness = await startHarness({
      concurrency,
      clusters: [staticCluster('echo', [echo.port])],
      listeners: [proxyListener('proxy', { statPrefix: 'echo_proxy', cluster: 'echo' })],
    });
  });

  afterAll(async () => {
    await harness?.close();
    await echo?.close();
  });

  it('echoes every connection through the proxy, with Envoy stats on both sides', async () => {
    const clients = Array.from({ length: 8 }, () => new TestClient(harness.port));
    await Promise.all(clients.map((client) => client.connected));
    clients.forEach((client, i) => {
      client.socket.write(`hello ${i}`);
    });
    await waitFor(() => clients.every((client, i) => client.text() === `hello ${i}`), {
      what: 'echoes',
    });
    for (const client of clients) client.socket.end();
    await Promise.all(clients.map((client) => withTimeout(client.closedPromise, 3000, 'close')));
    expect(harness.counter('tcp.echo_proxy.downstream_cx_total')).toBe(8);
    expect(harness.counter('cluster.echo.upstream_cx_total')).toBe(8);
    const bytes = clients.reduce((sum, _, i) => sum + `hello ${i}`.length, 0);
    await waitFor(() => harness.counter('tcp.echo_proxy.downstream_cx_rx_bytes_total') === bytes);
    expect(harness.counter('tcp.echo_proxy.downstream_cx_tx_bytes_total')).toBe(bytes);
    expect(harness.counter('cluster.echo.upstream_cx_tx_bytes_total')).toBe(bytes);
    expect(harness.counter('cluster.echo.upstream_cx_rx_bytes_total')).toBe(bytes);
    await waitFor(() => harness.gauge('cluster.echo.upstream_cx_active') === 0, {
      what: 'closed upstreams',
    });
    // Every worker carried connections when there are several (reusePort spreads them).
    if (concurrency === 2) {
      const counts = [0, 1].map((i) =>
        harness.counter(`listener.127.0.0.1_${harness.port}.worker_${i}.downstream_cx_total`),
      );
      expect((counts[0] ?? 0) + (counts[1] ?? 0)).toBe(8);
    }
  });
});

describe('half-close through the proxy', () => {
  let harness: Harness;
  let upstream: Awaited<ReturnType<typeof startServer>>;
  const serverSaw: string[] = [];

  beforeAll(async () => {
    // The upstream answers a client's FIN with data sent afterwards, then ends; or, when the
    // client says "first", ends its side at once and keeps reading.
    upstream = await startServer((socket) => {
      let text = '';
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text === 'first') {
          socket.end('server done');
        }
      });
      socket.on('end', () => {
        serverSaw.push(text);
        if (!text.startsWith('first')) {
          setTimeout(() => socket.end(`late reply to ${text}`), 50);
        }
      });
    });
    harness = await startHarness({
      concurrency: 1,
      clusters: [staticCluster('half', [upstream.port])],
      listeners: [proxyListener('proxy', { statPrefix: 'half', cluster: 'half' })],
    });
  });

  afterAll(async () => {
    await harness?.close();
    await upstream?.close();
  });

  it("carries the client's FIN to the upstream, and the upstream's data sent after it back", async () => {
    const client = new TestClient(harness.port);
    await client.connected;
    client.socket.end('question');
    await withTimeout(client.closedPromise, 3000, 'close');
    expect(client.text()).toBe('late reply to question');
    expect(client.ended).toBe(true);
    expect(serverSaw).toContain('question');
  });

  it("carries the upstream's FIN to the client, and the client's data sent after it up", async () => {
    const client = new TestClient(harness.port);
    await client.connected;
    client.socket.write('first');
    await waitFor(() => client.ended, { what: 'upstream FIN at the client' });
    expect(client.text()).toBe('server done');
    client.socket.end(' and more');
    await withTimeout(client.closedPromise, 3000, 'close');
    await waitFor(() => serverSaw.includes('first and more'), {
      what: 'late client data upstream',
    });
  });
});

describe('flow control', () => {
  const LIMIT = 64 * 1024;
  let harness: Harness;
  let flood: Awaited<ReturnType<typeof startServer>>;
  let sink: Awaited<ReturnType<typeof startServer>>;
  let floodWritten = 0;
  let slow: Awaited<ReturnType<typeof startServer>>;
  let slowReceived = 0;

  beforeAll(async () => {
    const chunk = Buffer.alloc(64 * 1024, 7);
    // An upstream that writes as fast as the proxy takes it, up to 64 MiB.
    flood = await startServer((socket) => {
      const pump = () => {
        while (floodWritten < 64 * 1024 * 1024) {
          floodWritten += chunk.length;
          if (!socket.write(chunk)) {
            socket.once('drain', pump);
            return;
          }
        }
        socket.end();
      };
      pump();
    });
    // An upstream that never reads.
    sink = await startServer((socket) => socket.pause());
    // An upstream that ends its side at once and reads 64 KiB every 20 ms.
    slow = await startServer((socket) => {
      socket.end();
      socket.pause();
      const timer = setInterval(() => {
        let chunk: Buffer | null = socket.read(64 * 1024) as Buffer | null;
        if (chunk === null) chunk = socket.read() as Buffer | null;
        if (chunk !== null) slowReceived += chunk.length;
      }, 20);
      socket.on('close', () => clearInterval(timer));
      socket.on('end', () => clearInterval(timer));
    });
    harness = await startHarness({
      concurrency: 1,
      clusters: [
        staticCluster('flood', [flood.port], { perConnectionBufferLimitBytes: LIMIT }),
        staticCluster('sink', [sink.port], { perConnectionBufferLimitBytes: LIMIT }),
        staticCluster('slow', [slow.port], { perConnectionBufferLimitBytes: LIMIT }),
      ],
      listeners: [
        proxyListener(
          'flood',
          { statPrefix: 'flood', cluster: 'flood' },
          { perConnectionBufferLimitBytes: LIMIT },
        ),
        proxyListener(
          'sink',
          { statPrefix: 'sink', cluster: 'sink' },
          { perConnectionBufferLimitBytes: LIMIT },
        ),
        proxyListener(
          'flush',
          { statPrefix: 'flush', cluster: 'slow' },
          { perConnectionBufferLimitBytes: LIMIT },
        ),
      ],
    });
  });

  afterAll(async () => {
    await harness?.close();
    await flood?.close();
    await sink?.close();
    await slow?.close();
  });

  it('a client that never reads: the upstream is read-disabled and memory stays bounded', async () => {
    const client = new TestClient(harness.port, { read: false });
    await client.connected;
    await waitFor(
      () => harness.counter('cluster.flood.upstream_flow_control_paused_reading_total') >= 1,
      {
        what: 'upstream paused',
      },
    );
    // Let the flood push against the closed window for a while, measuring what the proxy holds.
    let maxHeld = 0;
    for (let i = 0; i < 20; i++) {
      maxHeld = Math.max(maxHeld, await harness.bufferedBytes());
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // Downstream write buffer up to the limit (plus the chunk that crossed it), upstream read
    // side small: a few limits at most, whatever the upstream has sent.
    expect(maxHeld).toBeGreaterThan(0);
    expect(maxHeld).toBeLessThan(4 * LIMIT);
    expect(floodWritten).toBeLessThan(16 * 1024 * 1024);
    console.log(
      `never-reading client: proxy held at most ${maxHeld} bytes (limit ${LIMIT}); upstream had written ${floodWritten}`,
    );
    // Reading again drains everything, intact.
    let received = 0;
    client.socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
    });
    client.socket.resume();
    await withTimeout(client.finished, 20_000, 'the whole flood');
    expect(received).toBe(64 * 1024 * 1024);
    expect(
      harness.counter('cluster.flood.upstream_flow_control_resumed_reading_total'),
    ).toBeGreaterThanOrEqual(1);
  }, 30_000);

  it('an upstream that never reads: the downstream is read-disabled and memory stays bounded', async () => {
    const port = harness.listeners.listeners().find((l) => l.name === 'sink')?.address.port ?? 0;
    const client = new TestClient(port);
    await client.connected;
    const chunk = Buffer.alloc(64 * 1024, 1);
    let written = 0;
    // Write until the client's own socket pushes back for a while.
    for (let i = 0; i < 200; i++) {
      if (client.socket.writableNeedDrain) {
        await Promise.race([once(client.socket, 'drain'), new Promise((r) => setTimeout(r, 20))]);
        continue;
      }
      client.socket.write(chunk);
      written += chunk.length;
    }
    await waitFor(
      () => harness.counter('tcp.sink.downstream_flow_control_paused_reading_total') >= 1,
      {
        what: 'downstream paused',
      },
    );
    const held = await harness.bufferedBytes();
    expect(held).toBeLessThan(4 * LIMIT);
    expect(written).toBeGreaterThan(held);
    client.destroy();
  });

  it('the downstream gone with bytes still buffered for the upstream: the upstream drains on its own', async () => {
    const port = harness.listeners.listeners().find((l) => l.name === 'flush')?.address.port ?? 0;
    const client = new TestClient(port);
    await client.connected;
    // The slow upstream ends its side at once (the client sees the FIN), then reads slowly. The
    // client sends 4 MiB and ends: once the proxy reads that FIN, both directions of the
    // downstream are done and it closes, while bytes still wait for the upstream.
    await withTimeout(client.finished, 3000, 'upstream FIN');
    client.socket.end(Buffer.alloc(4 * 1024 * 1024, 3));
    await waitFor(() => harness.counter('tcp.flush.upstream_flush_total') === 1, {
      what: 'flush started',
      timeoutMs: 10_000,
    });
    await waitFor(() => harness.gauge('tcp.flush.upstream_flush_active') === 0, {
      what: 'flush finished',
      timeoutMs: 10_000,
    });
    await waitFor(() => slowReceived === 4 * 1024 * 1024, { what: 'every byte upstream' });
    expect(harness.counter('tcp.flush.idle_timeout')).toBe(0);
  });
});

describe('upstream failures', () => {
  let harness: Harness;
  let hang: Awaited<ReturnType<typeof startServer>>;
  let blocked: Worker;
  let fillers: Socket[] = [];
  let logPath = '';

  beforeAll(async () => {
    // Accepts and never writes; closes when the proxy does.
    hang = await startServer((socket) => {
      socket.resume();
      socket.on('end', () => socket.end());
    });
    blocked = new Worker(new URL('./fixtures/blocked-server.ts', import.meta.url), {
      workerData: { blockMs: 8000 },
    });
    const [blockedPort] = (await withTimeout(once(blocked, 'message'), 5000, 'blocked server')) as [
      number,
    ];
    fillers = Array.from({ length: 4 }, () => {
      const filler = connect(blockedPort, '127.0.0.1');
      filler.on('error', () => {});
      return filler;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const refusedPort = await freePort();
    logPath = join(mkdtempSync(join(tmpdir(), 'tcp-proxy-')), 'access.log');
    const accessLog = [
      {
        name: 'envoy.access_loggers.file',
        typedConfig: {
          typeUrl: 'type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog',
          value: {
            path: logPath,
            logFormat: {
              textFormatSource: {
                inlineString:
                  '%UPSTREAM_CLUSTER% %RESPONSE_FLAGS% %UPSTREAM_HOST% %BYTES_RECEIVED%\n',
              },
            },
          },
        },
      },
    ];
    harness = await startHarness({
      concurrency: 1,
      accessLogs: true,
      clusters: [
        staticCluster('refused', [refusedPort]),
        staticCluster('blocked', [blockedPort], { connectTimeout: ms(200) }),
        staticCluster('hang', [hang.port]),
      ],
      listeners: [
        proxyListener('refused', {
          statPrefix: 'refused',
          cluster: 'refused',
          maxConnectAttempts: 3,
          accessLog,
        }),
        proxyListener('blocked', {
          statPrefix: 'blocked',
          cluster: 'blocked',
          maxConnectAttempts: 2,
        }),
        proxyListener('hang', {
          statPrefix: 'hang',
          cluster: 'hang',
          idleTimeout: ms(300),
          accessLog,
        }),
        proxyListener('missing', { statPrefix: 'missing', cluster: 'no_such_cluster' }),
      ],
    });
  });

  afterAll(async () => {
    await harness?.close();
    await hang?.close();
    for (const filler of fillers) filler.destroy();
    await blocked?.terminate();
  });

  function portOf(name: string): number {
    return (
      harness.listeners.listeners().find((listener) => listener.name === name)?.address.port ?? 0
    );
  }

  it('retries a refused upstream up to max_connect_attempts, then closes the downstream', async () => {
    const client = new TestClient(portOf('refused'));
    client.socket.write('lost');
    await withTimeout(client.finished, 5000, 'downstream close');
    expect(client.text()).toBe('');
    expect(harness.counter('cluster.refused.upstream_cx_connect_fail')).toBe(3);
    expect(harness.counter('cluster.refused.upstream_cx_connect_attempts_exceeded')).toBe(1);
    await harness.accessLogs?.flush();
    await waitFor(() => readFileSync(logPath, 'utf8').includes('refused '), { what: 'access log' });
    const line = readFileSync(logPath, 'utf8')
      .split('\n')
      .find((entry) => entry.startsWith('refused '));
    expect(line).toMatch(/^refused UF,URX 127\.0\.0\.1:\d+ 0$/);
  });

  it('gives up on an upstream that never accepts at the cluster connect timeout', async () => {
    const started = performance.now();
    const client = new TestClient(portOf('blocked'));
    await withTimeout(client.finished, 5000, 'downstream close');
    expect(performance.now() - started).toBeGreaterThanOrEqual(350);
    expect(harness.counter('cluster.blocked.upstream_cx_connect_timeout')).toBe(2);
    expect(harness.counter('cluster.blocked.upstream_cx_connect_attempts_exceeded')).toBe(1);
  });

  it('closes both sides of a connection to an upstream that accepts and hangs at the idle timeout', async () => {
    const client = new TestClient(portOf('hang'));
    await client.connected;
    client.socket.write('anyone?');
    await waitFor(() => hang.sockets.size === 1, { what: 'upstream accepted' });
    const started = performance.now();
    await withTimeout(client.finished, 5000, 'idle close');
    expect(performance.now() - started).toBeGreaterThanOrEqual(200);
    expect(harness.counter('tcp.hang.idle_timeout')).toBe(1);
    await waitFor(() => hang.sockets.size === 0, { what: 'upstream closed too' });
    await harness.accessLogs?.flush();
    await waitFor(() => readFileSync(logPath, 'utf8').includes('hang '), { what: 'access log' });
    const line = readFileSync(logPath, 'utf8')
      .split('\n')
      .find((entry) => entry.startsWith('hang '));
    expect(line).toBe(`hang - 127.0.0.1:${hang.port} 7`);
  });

  it('closes a connection whose cluster does not exist', async () => {
    const client = new TestClient(portOf('missing'));
    await withTimeout(client.finished, 3000, 'close');
    expect(harness.counter('tcp.missing.downstream_cx_no_route')).toBe(1);
  });
});
