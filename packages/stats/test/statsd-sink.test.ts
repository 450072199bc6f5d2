import { createSocket, type Socket } from 'node:dgram';
import { waitFor } from '@nuncio/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { createStatsSink, StatsdSink, StatsFlusher, StatsStore } from '../src/index.ts';

/** A statsd server on loopback that keeps every line it receives. */
async function statsdServer(): Promise<{
  socket: Socket;
  port: number;
  lines: string[];
  datagrams: number;
}> {
  const socket = createSocket('udp4');
  const server = { socket, port: 0, lines: [] as string[], datagrams: 0 };
  socket.on('message', (message) => {
    server.datagrams++;
    server.lines.push(...message.toString('utf8').split('\n'));
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  server.port = socket.address().port;
  return server;
}

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0)) await step();
});

describe('StatsdSink (envoy.stat_sinks.statsd) over UDP on loopback', () => {
  it('sends counter deltas, gauge values and histogram bins in Envoy format', async () => {
    const server = await statsdServer();
    cleanup.push(() => void server.socket.close());
    const store = StatsStore.create({ maxStats: 32, maxThreads: 1 });
    const sink = new StatsdSink({ host: '127.0.0.1', port: server.port });
    const flusher = new StatsFlusher(store, { sinks: [sink] });
    cleanup.push(() => flusher.close());

    const cx = store.scopeFromStatName('cluster.backend').counterFromString('upstream_cx_total');
    store.counterFromString('cluster.backend.unused_total');
    const active = store.gaugeFromString('cluster.backend.upstream_cx_active');
    const rqTime = store.histogramFromString('cluster.backend.upstream_rq_time', 'Milliseconds');
    cx.add(3);
    active.set(2);
    rqTime.recordValue(42);
    rqTime.recordValue(42);
    rqTime.recordValue(1234);
    await flusher.flush();
    await waitFor(() => server.lines.length >= 4, { what: 'first flush lines' });
    expect(server.lines.sort()).toEqual(
      [
        'envoy.cluster.backend.upstream_cx_total:3|c',
        'envoy.cluster.backend.upstream_cx_active:2|g',
        'envoy.cluster.backend.upstream_rq_time:42|ms|@0.5',
        'envoy.cluster.backend.upstream_rq_time:1250|ms',
      ].sort(),
    );
    // One datagram per line by default, as Envoy without a buffer size.
    expect(server.datagrams).toBe(4);

    server.lines.length = 0;
    cx.add(2);
    await flusher.flush();
    await waitFor(() => server.lines.length >= 2, { what: 'second flush lines' });
    // The counter carries its delta since the last flush; no histogram line without samples.
    expect(server.lines.sort()).toEqual(
      [
        'envoy.cluster.backend.upstream_cx_total:2|c',
        'envoy.cluster.backend.upstream_cx_active:2|g',
      ].sort(),
    );
  });

  it('packs lines into datagrams, uses tags when asked, and is built from the bootstrap entry', async () => {
    const server = await statsdServer();
    cleanup.push(() => void server.socket.close());
    const store = StatsStore.create({ maxStats: 32, maxThreads: 1 });
    const tagged = new StatsdSink({
      host: '127.0.0.1',
      port: server.port,
      useTag: true,
      bufferSize: 512,
      prefix: 'p',
    });
    cleanup.push(() => tagged.close());
    store.counterFromString('cluster.a.upstream_rq_200').inc();
    store.counterFromString('server.restarts').inc();
    store.histogramFromString('util', 'Percent').recordValue(250_000);
    store.mergeHistograms();
    await tagged.flush(store.createMetricSnapshot());
    await waitFor(() => server.lines.length >= 3, { what: 'tagged lines' });
    expect(server.datagrams).toBe(1);
    expect(server.lines.sort()).toEqual(
      [
        'p.cluster.upstream_rq:1|c|#envoy.response_code:200,envoy.cluster_name:a',
        'p.server.restarts:1|c',
        // 250000 sits in bin [250000, 260000): the line carries the bin's middle, scaled back.
        'p.util:0.255|h',
      ].sort(),
    );

    server.lines.length = 0;
    const fromConfig = createStatsSink({
      name: 'envoy.stat_sinks.statsd',
      typedConfig: {
        '@type': 'type.googleapis.com/envoy.config.metrics.v3.StatsdSink',
        address: { socketAddress: { address: '127.0.0.1', portValue: server.port } },
        prefix: 'edge',
      },
    });
    cleanup.push(() => fromConfig.close?.());
    store.mergeHistograms();
    await fromConfig.flush(store.createMetricSnapshot());
    await waitFor(() => server.lines.length >= 2, { what: 'configured sink lines' });
    expect(server.lines.sort()).toEqual([
      'edge.cluster.a.upstream_rq_200:0|c',
      'edge.server.restarts:0|c',
    ]);
  });

  it('rejects unknown sinks and malformed statsd configs naming the field', () => {
    expect(() => createStatsSink({ name: 'envoy.stat_sinks.nope' }, 'stats_sinks[2]')).toThrow(
      expect.objectContaining({
        code: 'NUNCIO_ERR_STATS_INVALID_SINK',
        message: expect.stringContaining('stats_sinks[2].name'),
      }),
    );
    expect(() =>
      createStatsSink({ name: 'envoy.stat_sinks.statsd', typedConfig: { tcpClusterName: 'x' } }),
    ).toThrow(/tcp_cluster_name/);
    expect(() =>
      createStatsSink({
        name: 'envoy.stat_sinks.statsd',
        typedConfig: { address: { socketAddress: { address: '127.0.0.1', portValue: 0 } } },
      }),
    ).toThrow(/port/);
  });

  it('keeps other sinks flushing when one throws', async () => {
    const store = StatsStore.create({ maxStats: 8, maxThreads: 1 });
    const warnings: string[] = [];
    const seen: number[] = [];
    const flusher = new StatsFlusher(store, {
      logger: { warn: (m) => warnings.push(m) },
      sinks: [
        {
          flush: () => {
            throw new Error('boom');
          },
        },
        { flush: async () => Promise.reject(new Error('async boom')) },
        { flush: (snapshot) => void seen.push(snapshot.counters.length) },
      ],
    });
    store.counterFromString('c').inc();
    await flusher.flush();
    expect(seen).toEqual([1]);
    expect(warnings).toEqual([
      'stats sink failed to flush: boom',
      'stats sink failed to flush: async boom',
    ]);
    expect(flusher.flushCount).toBe(1);
  });

  it('flushes on its interval with deltas since the previous flush', async () => {
    const store = StatsStore.create({ maxStats: 8, maxThreads: 1 });
    const deltas: number[] = [];
    const flusher = new StatsFlusher(store, {
      flushIntervalMs: 20,
      sinks: [{ flush: (s) => void deltas.push(s.counters[0]?.delta ?? -1) }],
    });
    cleanup.push(() => flusher.close());
    const counter = store.counterFromString('c');
    counter.add(4);
    flusher.start();
    flusher.start();
    await waitFor(() => deltas.length >= 1, { what: 'first timed flush' });
    counter.add(6);
    await waitFor(() => deltas.includes(6), { what: 'a flush carrying the second delta' });
    flusher.stop();
    expect(deltas[0]).toBe(4);
    expect(deltas.reduce((a, b) => a + b, 0)).toBe(10);
    expect(() => new StatsFlusher(store, { flushIntervalMs: 0 })).toThrow(/flushIntervalMs/);
  });
});
