import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { currentDispatcher } from '@nuncio/dispatcher';
import { StatsStore } from '@nuncio/stats';
import { freePort, waitFor } from '@nuncio/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type ConnectionHandler,
  createConnectionHandler,
  type FilterChainInput,
  ListenerConfigError,
  NetworkErrorCode,
} from '../src/index.ts';
import {
  echoChain,
  listenerConfig,
  reportChain,
  tlsInspector,
  wantsBytes,
} from './support/listeners.ts';
import { RecordingClient } from './support/loopback.ts';
import {
  chainReports,
  factoryContexts,
  peekedByListenerFilter,
  testRegistry,
} from './support/test-extensions.ts';

let store: StatsStore;
let handler: ConnectionHandler;
const clients: RecordingClient[] = [];

function client(port: number, options: { read?: boolean } = {}): RecordingClient {
  const c = new RecordingClient(port, options);
  clients.push(c);
  return c;
}

function counter(name: string): number {
  return store.counterFromString(name).value();
}

function gauge(name: string): number {
  return store.gaugeFromString(name).value();
}

beforeEach(() => {
  store = StatsStore.create({ maxStats: 1024, maxThreads: 4 });
  handler = createConnectionHandler({
    registry: testRegistry(),
    dispatcher: currentDispatcher(),
    workerIndex: 0,
    scope: store,
    drainTimeoutMs: 50,
  });
  chainReports.length = 0;
  peekedByListenerFilter.length = 0;
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await handler.shutdown();
});

describe('a listener with the echo filter', () => {
  it('echoes, half-closes, and keeps Envoy listener stats under listener.<address>', async () => {
    const port = await freePort();
    const info = await handler.addListener(listenerConfig('echo', port));
    expect(info).toMatchObject({
      name: 'echo',
      address: { address: '127.0.0.1', port, family: 'IPv4' },
      connections: 0,
      draining: false,
      filterChains: 1,
      defaultFilterChain: false,
    });
    const prefix = `listener.127.0.0.1_${port}`;
    const c = client(port);
    c.socket.end('hello, echo');
    await c.whenEnded();
    expect(c.received()).toBe('hello, echo');
    await waitFor(() => counter(`${prefix}.downstream_cx_destroy`) === 1, { what: 'destroyed' });
    expect(counter(`${prefix}.downstream_cx_total`)).toBe(1);
    expect(gauge(`${prefix}.downstream_cx_active`)).toBe(0);
    expect(counter(`${prefix}.worker_0.downstream_cx_total`)).toBe(1);
    expect(gauge(`${prefix}.worker_0.downstream_cx_active`)).toBe(0);
    expect(counter('listener_manager.listener_create_success')).toBe(1);
    store.mergeHistograms();
    const length = store.histograms().find((h) => h.name === `${prefix}.downstream_cx_length_ms`);
    expect(length?.cumulative.sampleCount).toBe(1);
  });

  it('counts active connections per worker while they are open', async () => {
    const info = await handler.addListener(listenerConfig('echo', 0, { statPrefix: 'counted' }));
    const a = client(info.address.port);
    const b = client(info.address.port);
    a.socket.write('a');
    b.socket.write('b');
    await waitFor(() => a.received() === 'a' && b.received() === 'b', { what: 'echoes' });
    expect(handler.numConnections()).toBe(2);
    expect(gauge('listener.counted.downstream_cx_active')).toBe(2);
    expect(gauge('listener.counted.worker_0.downstream_cx_active')).toBe(2);
    expect(handler.listeners()[0]?.connections).toBe(2);
  });
});

describe('listener filters', () => {
  it('look at the first bytes without consuming them', async () => {
    const info = await handler.addListener(
      listenerConfig('peek', 0, { listenerFilters: [wantsBytes(5)] }),
    );
    const c = client(info.address.port);
    c.socket.write('he');
    await new Promise((resolve) => setTimeout(resolve, 20));
    c.socket.write('llo world');
    await waitFor(() => c.received() === 'hello world', { what: 'echo of every byte' });
    expect(peekedByListenerFilter).toHaveLength(1);
    expect(peekedByListenerFilter[0]?.startsWith('hello')).toBe(true);
  });

  it('close the socket at the listener-filter timeout', async () => {
    const info = await handler.addListener(
      listenerConfig('slow', 0, {
        statPrefix: 'slow',
        listenerFilters: [wantsBytes(100)],
        listenerFiltersTimeout: { seconds: 0, nanos: 100_000_000 },
      }),
    );
    const c = client(info.address.port);
    c.socket.write('abc');
    await c.whenDone();
    expect(c.received()).toBe('');
    expect(counter('listener.slow.downstream_pre_cx_timeout')).toBe(1);
    expect(counter('listener.slow.downstream_cx_total')).toBe(0);
    expect(gauge('listener.slow.downstream_pre_cx_active')).toBe(0);
  });

  it('go on to the chain at the timeout with continue_on_listener_filters_timeout', async () => {
    const info = await handler.addListener(
      listenerConfig('slow', 0, {
        statPrefix: 'slow_ok',
        listenerFilters: [wantsBytes(100)],
        listenerFiltersTimeout: { seconds: 0, nanos: 100_000_000 },
        continueOnListenerFiltersTimeout: true,
      }),
    );
    const c = client(info.address.port);
    c.socket.write('abc');
    await waitFor(() => c.received() === 'abc', { what: 'echo after the timeout' });
    expect(counter('listener.slow_ok.downstream_pre_cx_timeout')).toBe(1);
    expect(counter('listener.slow_ok.downstream_cx_total')).toBe(1);
  });

  it('count a peer that closes during listener filters', async () => {
    const info = await handler.addListener(
      listenerConfig('early', 0, { statPrefix: 'early', listenerFilters: [wantsBytes(100)] }),
    );
    const c = client(info.address.port);
    c.socket.end('ab');
    await waitFor(() => counter('listener.early.downstream_listener_filter_remote_close') === 1, {
      what: 'remote close counted',
    });
    expect(gauge('listener.early.downstream_pre_cx_active')).toBe(0);
  });
});

describe('the TLS inspector', () => {
  const chains: FilterChainInput[] = [
    reportChain('plain', { filterChainMatch: { transportProtocol: 'raw_buffer' } }),
    reportChain('example', {
      filterChainMatch: {
        transportProtocol: 'tls',
        serverNames: ['example.com', 'www.example.com'],
      },
    }),
    reportChain('wildcard-h2', {
      filterChainMatch: {
        transportProtocol: 'tls',
        serverNames: ['*.example.com'],
        applicationProtocols: ['h2'],
      },
    }),
    reportChain('wildcard', {
      filterChainMatch: { transportProtocol: 'tls', serverNames: ['*.example.com'] },
    }),
  ];

  async function tlsHello(port: number, servername: string, alpn?: string[]): Promise<void> {
    const socket = tlsConnect({
      host: '127.0.0.1',
      port,
      servername,
      rejectUnauthorized: false,
      ...(alpn === undefined ? {} : { ALPNProtocols: alpn }),
    });
    // The chain answers in plain text, which the TLS client cannot take: it fails, which is fine.
    socket.on('error', () => {});
    await new Promise((resolve) => socket.once('close', resolve));
  }

  it('detects TLS, SNI and ALPN from a real node:tls client, and passes plain text through', async () => {
    const info = await handler.addListener(
      listenerConfig('sni', 0, { listenerFilters: [tlsInspector], filterChains: chains }),
    );
    const port = info.address.port;
    await tlsHello(port, 'www.example.com');
    await tlsHello(port, 'API.example.com', ['h2', 'http/1.1']);
    await tlsHello(port, 'api.example.com', ['http/1.1']);
    const c = client(port);
    c.socket.write('GET / HTTP/1.1\r\n\r\n');
    await c.whenDone();
    expect(c.received()).toBe('chain=plain\n');
    expect(
      chainReports.map(({ chain, sni, alpn, transport }) => ({ chain, sni, alpn, transport })),
    ).toEqual([
      { chain: 'example', sni: 'www.example.com', alpn: [], transport: 'tls' },
      { chain: 'wildcard-h2', sni: 'api.example.com', alpn: ['h2', 'http/1.1'], transport: 'tls' },
      { chain: 'wildcard', sni: 'api.example.com', alpn: ['http/1.1'], transport: 'tls' },
      { chain: 'plain', sni: '', alpn: [], transport: 'raw_buffer' },
    ]);
    // Nothing was consumed: the chain read the ClientHello itself.
    expect(chainReports[0]?.firstBytes.charCodeAt(0)).toBe(0x16);
    expect(chainReports[3]?.firstBytes).toBe('GET / HTTP/1.1\r\n\r\n');
    expect(counter('tls_inspector.tls_found')).toBe(3);
    expect(counter('tls_inspector.tls_not_found')).toBe(1);
    expect(counter('tls_inspector.sni_found')).toBe(3);
    expect(counter('tls_inspector.alpn_found')).toBe(2);
    expect(counter('tls_inspector.alpn_not_found')).toBe(1);
  });
});

describe('chain selection failures, limits and draining', () => {
  it('closes a connection no chain matches, counting no_filter_chain_match, not downstream_cx_total', async () => {
    const rejects: unknown[] = [];
    const onReject = (message: unknown) => rejects.push(message);
    subscribe('nuncio:network:listener:reject', onReject);
    try {
      const info = await handler.addListener(
        listenerConfig('strict', 0, {
          statPrefix: 'strict',
          filterChains: [echoChain('named', { filterChainMatch: { serverNames: ['a.com'] } })],
        }),
      );
      const c = client(info.address.port);
      c.socket.write('x');
      await c.whenDone();
      expect(c.received()).toBe('');
      expect(counter('listener.strict.no_filter_chain_match')).toBe(1);
      expect(counter('listener.strict.downstream_cx_total')).toBe(0);
      expect(rejects).toEqual([
        expect.objectContaining({ listener: 'strict', reason: 'no_filter_chain_match' }),
      ]);
    } finally {
      unsubscribe('nuncio:network:listener:reject', onReject);
    }
  });

  it('uses the default filter chain when none matches', async () => {
    const info = await handler.addListener(
      listenerConfig('fallback', 0, {
        filterChains: [echoChain('named', { filterChainMatch: { serverNames: ['a.com'] } })],
        defaultFilterChain: reportChain('default'),
      }),
    );
    const c = client(info.address.port);
    c.socket.write('x');
    await c.whenDone();
    expect(c.received()).toBe('chain=default\n');
  });

  it('gives a connection the local address of its socket, on a one-IP and a wildcard listener', async () => {
    const one = await handler.addListener(
      listenerConfig('one-ip', 0, { filterChains: [reportChain('one')] }),
    );
    const any = await handler.addListener(
      listenerConfig('wildcard', 0, {
        address: { socketAddress: { address: '0.0.0.0', portValue: 0 } },
        filterChains: [reportChain('any')],
      }),
    );
    for (const port of [one.address.port, any.address.port]) {
      const c = client(port);
      await once(c.socket, 'connect');
      const from = `127.0.0.1:${c.socket.localPort}`;
      c.socket.write('x');
      await c.whenDone();
      // The one-IP listener knows it without asking the socket; the wildcard one must ask it
      // (0.0.0.0 would be wrong).
      expect(chainReports.at(-1)).toMatchObject({ local: `127.0.0.1:${port}`, remote: from });
    }
    expect(chainReports.map((report) => report.chain)).toEqual(['one', 'any']);
  });

  it('closes connections beyond max_connections, counting downstream_cx_overflow', async () => {
    const info = await handler.addListener(
      listenerConfig('limited', 0, { statPrefix: 'limited' }),
      {
        maxConnections: 1,
      },
    );
    const first = client(info.address.port);
    first.socket.write('1');
    await waitFor(() => first.received() === '1', { what: 'first echo' });
    const second = client(info.address.port);
    second.socket.write('2');
    await second.whenDone();
    expect(second.received()).toBe('');
    expect(counter('listener.limited.downstream_cx_overflow')).toBe(1);
    first.socket.end();
    await first.whenEnded();
    await waitFor(() => handler.numConnections() === 0, { what: 'first closed' });
    const third = client(info.address.port);
    third.socket.write('3');
    await waitFor(() => third.received() === '3', { what: 'third echo' });
  });

  it('drains: stops accepting, tells filters to drain, then closes what is left', async () => {
    const info = await handler.addListener(listenerConfig('draining', 0));
    const port = info.address.port;
    const open = client(port);
    open.socket.write('x');
    await waitFor(() => open.received() === 'x', { what: 'echo' });
    const drained = handler.drainListener('draining', 100);
    await waitFor(() => handler.listeners().length === 0, {
      what: 'listener removed from the list',
    });
    const refused = connect(port, '127.0.0.1');
    const [error] = (await once(refused, 'error')) as [NodeJS.ErrnoException];
    expect(error.code).toBe('ECONNREFUSED');
    await drained;
    await open.whenDone();
    expect(await handler.drainListener('draining')).toBe(false);
  });

  it('hands factories a context with the listener scope, worker and drain decision', async () => {
    factoryContexts.length = 0;
    await handler.addListener(
      listenerConfig('ctx', 0, { statPrefix: 'ctx', filterChains: [reportChain('r')] }),
    );
    const [context] = factoryContexts;
    expect(context).toMatchObject({ listenerName: 'ctx', workerIndex: 0 });
    expect(context?.listenerScope.prefix).toBe('listener.ctx');
    expect(context?.getSingleton('nothing')).toBeUndefined();
    expect(context?.drainDecision.drainClose()).toBe(false);
    await handler.drainListener('ctx', 10);
    expect(context?.drainDecision.drainClose()).toBe(true);
  });

  it('updates a listener in place: new connections get the new chains, old ones keep theirs', async () => {
    const info = await handler.addListener(
      listenerConfig('live', 0, { filterChains: [echoChain()] }),
    );
    const port = info.address.port;
    const before = client(port);
    before.socket.write('old');
    await waitFor(() => before.received() === 'old', { what: 'echo' });
    const updated = await handler.updateListener(
      listenerConfig('live', port, { filterChains: [reportChain('v2')] }),
    );
    expect(updated.address.port).toBe(port);
    const after = client(port);
    after.socket.write('new');
    await after.whenDone();
    expect(after.received()).toBe('chain=v2\n');
    before.socket.write('still echo');
    await waitFor(() => before.received() === 'oldstill echo', { what: 'old chain' });
  });

  it('removeListener closes its connections at once', async () => {
    const info = await handler.addListener(listenerConfig('gone', 0));
    const c = client(info.address.port);
    c.socket.write('x');
    await waitFor(() => c.received() === 'x', { what: 'echo' });
    expect(await handler.removeListener('gone')).toBe(true);
    await c.whenDone();
    expect(await handler.removeListener('gone')).toBe(false);
  });

  it('applySnapshot adds, keeps and removes listeners', async () => {
    const a = listenerConfig('a', 0);
    const b = listenerConfig('b', 0);
    await handler.applySnapshot({ version: 1, listeners: [{ config: a }, { config: b }] });
    const first = handler.listeners();
    expect(first.map((l) => l.name)).toEqual(['a', 'b']);
    await handler.applySnapshot({ version: 2, listeners: [{ config: a }] });
    await waitFor(() => handler.listeners().length === 1, { what: 'b removed' });
    expect(handler.listeners()[0]?.address).toEqual(first[0]?.address);
  });
});

describe('listener errors', () => {
  it('rejects a second listener with the same name', async () => {
    await handler.addListener(listenerConfig('dup', 0));
    await expect(handler.addListener(listenerConfig('dup', 0))).rejects.toMatchObject({
      code: NetworkErrorCode.ListenerExists,
    });
  });

  it('reports a port that cannot be bound, as Envoy words it', async () => {
    const taken = createServer();
    taken.listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const { port } = taken.address() as { port: number };
    try {
      await expect(
        handler.addListener(listenerConfig('busy', port, { enableReusePort: false })),
      ).rejects.toMatchObject({
        code: NetworkErrorCode.BindFailed,
        message: `cannot bind '127.0.0.1:${port}' for listener 'busy': EADDRINUSE`,
      });
      expect(counter('listener_manager.listener_create_failure')).toBe(1);
      expect(handler.listeners()).toEqual([]);
    } finally {
      taken.close();
    }
  });

  it.each([
    [
      'an unknown network filter',
      listenerConfig('x', 0, {
        filterChains: [{ filters: [{ name: 'envoy.filters.network.nope' }] }],
      }),
      NetworkErrorCode.UnknownExtension,
      "listener 'x': filter_chains[0].filters[0]: Didn't find a registered implementation for 'envoy.filters.network.nope' with type URL: ''",
    ],
    [
      'a listener filter used as a network filter',
      listenerConfig('x', 0, { filterChains: [{ filters: [tlsInspector] }] }),
      NetworkErrorCode.UnknownExtension,
      "Didn't find a registered implementation for 'envoy.filters.listener.tls_inspector' with type URL: 'envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector'",
    ],
    [
      'a terminal filter that is not last',
      listenerConfig('x', 0, {
        filterChains: [
          { filters: [...(echoChain().filters ?? []), { name: 'test.chain_report' }] },
        ],
      }),
      NetworkErrorCode.InvalidListenerConfig,
      'Error: terminal filter named envoy.filters.network.echo of type envoy.filters.network.echo must be the last filter in a network filter chain.',
    ],
    [
      'a non-terminal filter last',
      listenerConfig('x', 0, { filterChains: [{ filters: [{ name: 'test.memory_probe' }] }] }),
      NetworkErrorCode.InvalidListenerConfig,
      'Error: non-terminal filter named test.memory_probe of type test.memory_probe is the last filter in a network filter chain.',
    ],
    [
      'a typed config the factory refuses',
      listenerConfig('x', 0, { filterChains: [{ filters: [{ name: 'test.relay' }] }] }),
      NetworkErrorCode.InvalidExtensionConfig,
      "listener 'x': filter_chains[0].filters[0] (test.relay): test.relay needs a port",
    ],
    [
      'a listener without a socket address',
      { name: 'x', filterChains: [echoChain()] },
      NetworkErrorCode.InvalidListenerConfig,
      "listener 'x': address must be a socket address",
    ],
    [
      'a host name as listener address',
      { name: 'x', address: { socketAddress: { address: 'localhost', portValue: 1 } } },
      NetworkErrorCode.InvalidListenerConfig,
      'malformed IP address: localhost',
    ],
    [
      'ambiguous chains',
      listenerConfig('x', 10001, { filterChains: [echoChain('one'), echoChain('two')] }),
      NetworkErrorCode.DuplicateFilterChainMatch,
      "error adding listener '127.0.0.1:10001': filter chain 'two' has the same matching rules defined as 'one'",
    ],
  ])('rejects %s', async (_what, config, code, message) => {
    const error = await handler.addListener(config).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ListenerConfigError);
    expect(error).toMatchObject({ code, message: expect.stringContaining(message) });
    expect(handler.listeners()).toEqual([]);
  });
});
