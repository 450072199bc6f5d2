import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { type BufferInstance, OwnedBuffer } from '@nuncio/buffer';
import { StatsStore } from '@nuncio/stats';
import { waitFor } from '@nuncio/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Connection,
  ConnectionCloseType,
  ConnectionEvent,
  ConnectionState,
  FilterStatus,
  NetworkErrorCode,
  ReadDisableStatus,
} from '../src/index.ts';
import {
  drainAll,
  RecordingCallbacks,
  RecordingFilter,
  RecordingWriteFilter,
} from './support/filters.ts';
import {
  type ConnectionServer,
  RecordingClient,
  startConnectionServer,
} from './support/loopback.ts';

const servers: ConnectionServer[] = [];
const clients: RecordingClient[] = [];

async function serve(
  setup: (connection: Connection) => unknown,
  options: { bufferLimit?: number } = {},
): Promise<ConnectionServer> {
  const server = await startConnectionServer(setup, options);
  servers.push(server);
  return server;
}

function client(port: number, options: { read?: boolean } = {}): RecordingClient {
  const c = new RecordingClient(port, options);
  clients.push(c);
  return c;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

function bytes(text: string): OwnedBuffer {
  return new OwnedBuffer(text);
}

describe('read filters', () => {
  it('start in order, share the read buffer, and leave undrained bytes to the next filter', async () => {
    const log: string[] = [];
    const server = await serve((connection) => {
      connection.addReadFilter(new RecordingFilter('a', log));
      connection.addReadFilter(
        new RecordingFilter('b', log, {
          // Consumes only once it has ten bytes: until then they stay for later reads.
          onData: (data) => {
            if (data.length >= 10) data.drain(data.length);
            return FilterStatus.Continue;
          },
        }),
      );
    });
    const c = client(server.port);
    c.socket.write('hello');
    await waitFor(() => log.includes('b:data:hello'), { what: 'first read' });
    c.socket.write('world');
    await waitFor(() => log.includes('b:data:helloworld'), { what: 'second read' });
    c.socket.write('again');
    await waitFor(() => log.includes('b:data:again'), { what: 'third read' });
    expect(log).toEqual([
      'a:init',
      'b:init',
      'a:new',
      'b:new',
      'a:data:hello',
      'b:data:hello',
      'a:data:helloworld',
      'b:data:helloworld',
      'a:data:again',
      'b:data:again',
    ]);
  });

  it('StopIteration holds back later filters until continueReading()', async () => {
    const log: string[] = [];
    let open = false;
    let gate: RecordingFilter | null = null;
    const server = await serve((connection) => {
      // A gate in the manner of the TCP proxy: it stops in onNewConnection and in onData until
      // it is opened (a filter that stops only in onNewConnection lets the next read through,
      // as in Envoy).
      gate = new RecordingFilter('gate', log, {
        onNewConnection: FilterStatus.StopIteration,
        onData: () => (open ? FilterStatus.Continue : FilterStatus.StopIteration),
      });
      connection.addReadFilter(gate);
      connection.addReadFilter(new RecordingFilter('after', log, { onData: drainAll }));
    });
    const c = client(server.port);
    await c.connected();
    await waitFor(() => log.includes('gate:new'), { what: 'gate started' });
    c.socket.write('x');
    await waitFor(() => log.includes('gate:data:x'), { what: 'gate saw data' });
    expect(log).toEqual(['gate:init', 'after:init', 'gate:new', 'gate:data:x']);
    open = true;
    (gate as unknown as RecordingFilter).callbacks?.continueReading();
    expect(log.slice(-2)).toEqual(['after:new', 'after:data:x']);
  });

  it('a filter returning StopIteration from onData keeps that data from the next filter', async () => {
    const log: string[] = [];
    const server = await serve((connection) => {
      connection.addReadFilter(
        new RecordingFilter('first', log, {
          onData: (data) =>
            data.startsWith('stop') ? FilterStatus.StopIteration : FilterStatus.Continue,
        }),
      );
      connection.addReadFilter(new RecordingFilter('second', log, { onData: drainAll }));
    });
    const c = client(server.port);
    c.socket.write('stop');
    await waitFor(() => log.includes('first:data:stop'), { what: 'first read' });
    expect(log.filter((line) => line.startsWith('second:data'))).toEqual([]);
  });

  it('injectReadDataToFilterChain hands the filters after it another buffer', async () => {
    const log: string[] = [];
    const server = await serve((connection) => {
      connection.addReadFilter(
        new RecordingFilter('upper', log, {
          onData: (data, endStream, filter) => {
            const text = data.toString('latin1').toUpperCase();
            data.drain(data.length);
            filter.callbacks?.injectReadDataToFilterChain(bytes(text), endStream);
            return FilterStatus.StopIteration;
          },
        }),
      );
      connection.addReadFilter(new RecordingFilter('sink', log, { onData: drainAll }));
    });
    const c = client(server.port);
    c.socket.write('quiet');
    await waitFor(() => log.includes('sink:data:QUIET'), { what: 'injected data' });
  });

  it('a removed filter gets no more data', async () => {
    const log: string[] = [];
    const server = await serve((connection) => {
      const once = new RecordingFilter('once', log, {
        onData: (_data, _end, filter) => {
          filter.connection.removeReadFilter(filter);
          return FilterStatus.Continue;
        },
      });
      connection.addReadFilter(once);
      connection.addReadFilter(new RecordingFilter('rest', log, { onData: drainAll }));
    });
    const c = client(server.port);
    c.socket.write('1');
    await waitFor(() => log.includes('rest:data:1'), { what: 'first' });
    c.socket.write('2');
    await waitFor(() => log.includes('rest:data:2'), { what: 'second' });
    expect(log.filter((line) => line.startsWith('once:data'))).toEqual(['once:data:1']);
  });

  it('a connection without read filters is refused by initializeReadFilters()', async () => {
    let started: boolean | null = null;
    const server = await serve((connection) => {
      started = connection.initializeReadFilters();
      return false;
    });
    const c = client(server.port);
    await c.connected();
    await waitFor(() => started !== null, { what: 'setup ran' });
    expect(started).toBe(false);
    const connection = await server.nextConnection();
    expect(() => connection.initializeReadFilters()).toThrow(
      expect.objectContaining({ code: NetworkErrorCode.FiltersInitialized }),
    );
  });
});

describe('write filters', () => {
  it('run in the reverse of the order added, and may hold data and inject it later', async () => {
    const log: string[] = [];
    let held: OwnedBuffer | null = null;
    let holder: RecordingWriteFilter | null = null;
    const server = await serve((connection) => {
      connection.addReadFilter(new RecordingFilter('reader', log, { onData: drainAll }));
      connection.addWriteFilter(new RecordingWriteFilter('added-first', log));
      holder = new RecordingWriteFilter('added-second', log, (data) => {
        if (!data.startsWith('hold')) return FilterStatus.Continue;
        held = new OwnedBuffer();
        held.move(data);
        return FilterStatus.StopIteration;
      });
      connection.addWriteFilter(holder);
    });
    const c = client(server.port);
    await c.connected();
    const connection = await server.nextConnection();
    connection.write(bytes('one'), false);
    expect(log.slice(-2)).toEqual(['added-second:write:one', 'added-first:write:one']);
    connection.write(bytes('hold'), false);
    expect(log.at(-1)).toBe('added-second:write:hold');
    await waitFor(() => c.received() === 'one', { what: 'first write' });
    (holder as unknown as RecordingWriteFilter).callbacks?.injectWriteDataToFilterChain(
      held as unknown as OwnedBuffer,
      false,
    );
    expect(log.at(-1)).toBe('added-first:write:hold');
    await waitFor(() => c.received() === 'onehold', { what: 'injected write' });
  });

  it('write() moves the bytes out of the caller buffer', async () => {
    const server = await serve((connection) => {
      connection.addReadFilter(new RecordingFilter('r', [], { onData: drainAll }));
    });
    const c = client(server.port);
    await c.connected();
    const connection = await server.nextConnection();
    const data = bytes('moved');
    connection.write(data, false);
    expect(data.length).toBe(0);
    await waitFor(() => c.received() === 'moved', { what: 'write' });
    expect(connection.streamInfo.bytesSent).toBe(5);
  });
});

describe('readDisable', () => {
  it('nests: reading resumes when every disable is matched, and buffered data is delivered', async () => {
    const log: string[] = [];
    let statuses: number[] = [];
    const server = await serve((connection) => {
      connection.addReadFilter(
        new RecordingFilter('f', log, {
          onData: (data, _end, filter) => {
            if (data.startsWith('pause')) {
              // Keep the bytes: they must come back when reading resumes.
              statuses = [filter.connection.readDisable(true), filter.connection.readDisable(true)];
              return FilterStatus.StopIteration;
            }
            data.drain(data.length);
            return FilterStatus.Continue;
          },
        }),
      );
    });
    const c = client(server.port);
    c.socket.write('pause');
    await waitFor(() => statuses.length === 2, { what: 'disabled' });
    const connection = await server.nextConnection();
    expect(statuses).toEqual([
      ReadDisableStatus.TransitionedToReadDisabled,
      ReadDisableStatus.StillReadDisabled,
    ]);
    expect(connection.readEnabled()).toBe(false);
    c.socket.write('-more');
    // Give the bytes time to arrive: they must not be delivered while disabled.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(log.filter((line) => line.startsWith('f:data'))).toEqual(['f:data:pause']);
    expect(connection.readDisable(false)).toBe(ReadDisableStatus.StillReadDisabled);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(log.filter((line) => line.startsWith('f:data'))).toEqual(['f:data:pause']);
    expect(connection.readDisable(false)).toBe(ReadDisableStatus.TransitionedToReadEnabled);
    expect(connection.readDisable(false)).toBe(ReadDisableStatus.NoTransition);
    // The kept bytes come back first (re-delivered), then the rest read meanwhile, or both at once.
    await waitFor(() => log.some((line) => line.endsWith('-more')), { what: 'resumed read' });
    expect(log.at(-1)).toBe('f:data:pause-more');
  });

  it('stops reading by itself when the read buffer passes the limit, until filters drain it', async () => {
    let kept: BufferInstance | null = null;
    const server = await serve(
      (connection) => {
        // Keeps every byte (the buffer it is given is the connection's read buffer).
        connection.addReadFilter(
          new RecordingFilter('hold', [], {
            onData: (data) => {
              kept = data;
              return FilterStatus.StopIteration;
            },
          }),
        );
      },
      { bufferLimit: 16 * 1024 },
    );
    const c = client(server.port);
    const connection = await server.nextConnection();
    c.socket.write(Buffer.alloc(64 * 1024, 1));
    await waitFor(() => !connection.readEnabled(), { what: 'read-disabled by the read buffer' });
    expect(connection.bufferStats().readBuffer).toBeGreaterThan(16 * 1024);
    // Draining below half the limit resumes reading; the rest arrives.
    let total = 0;
    await waitFor(
      () => {
        const buffer = kept as BufferInstance | null;
        if (buffer !== null && buffer.length > 0) {
          total += buffer.length;
          buffer.drain(buffer.length);
        }
        return total >= 64 * 1024;
      },
      { what: 'all bytes read after draining' },
    );
    expect(total).toBe(64 * 1024);
    expect(connection.readEnabled()).toBe(true);
    expect(connection.streamInfo.bytesReceived).toBe(64 * 1024);
  });
});

describe('half-close', () => {
  it('carries the client FIN to the filters and still sends data afterwards', async () => {
    const log: string[] = [];
    const callbacks = new RecordingCallbacks();
    const server = await serve((connection) => {
      connection.addConnectionCallbacks(callbacks);
      connection.addReadFilter(
        new RecordingFilter('f', log, {
          halfClose: true,
          onData: (data, endStream, filter) => {
            data.drain(data.length);
            if (endStream) {
              // The peer is done sending; answer later, then end our side.
              setTimeout(() => {
                filter.connection.write(bytes('pong'), false);
                setTimeout(() => filter.connection.write(bytes('-after-fin'), true), 20);
              }, 20);
            }
            return FilterStatus.Continue;
          },
        }),
      );
    });
    const c = client(server.port);
    c.socket.end('ping');
    await c.whenEnded();
    expect(c.received()).toBe('pong-after-fin');
    expect(log).toEqual(['f:init', 'f:new', 'f:data:ping', 'f:data::end']);
    const connection = await server.nextConnection();
    await waitFor(() => connection.state() === ConnectionState.Closed, { what: 'closed' });
    // Our FIN went out last: the close is ours.
    expect(callbacks.events).toEqual([ConnectionEvent.LocalClose]);
  });

  it('keeps reading after this side sent its FIN', async () => {
    const log: string[] = [];
    const callbacks = new RecordingCallbacks();
    const server = await serve((connection) => {
      connection.addConnectionCallbacks(callbacks);
      connection.addReadFilter(
        new RecordingFilter('f', log, { halfClose: true, onData: drainAll }),
      );
    });
    const c = client(server.port);
    const connection = await server.nextConnection();
    connection.write(bytes('bye'), true);
    await c.whenEnded();
    expect(c.received()).toBe('bye');
    expect(connection.state()).toBe(ConnectionState.Open);
    c.socket.write('late ');
    c.socket.end('data');
    await waitFor(() => connection.state() === ConnectionState.Closed, { what: 'closed' });
    // However the bytes were split into reads, all arrived, and the end of stream came last.
    const reads = log.filter((line) => line.startsWith('f:data:'));
    expect(reads.map((line) => line.slice('f:data:'.length).replace(/:end$/, '')).join('')).toBe(
      'late data',
    );
    expect(reads.at(-1)?.endsWith(':end')).toBe(true);
    // The peer's FIN came last: the close is theirs.
    expect(callbacks.events).toEqual([ConnectionEvent.RemoteClose]);
    // Data after end of stream is dropped, not sent.
    const dropped = bytes('dropped');
    connection.write(dropped, false);
    expect(dropped.length).toBe(0);
  });

  it('without half-close, the peer FIN closes the connection (RemoteClose)', async () => {
    const log: string[] = [];
    const callbacks = new RecordingCallbacks();
    const server = await serve((connection) => {
      connection.addConnectionCallbacks(callbacks);
      connection.addReadFilter(new RecordingFilter('f', log, { onData: drainAll }));
    });
    const c = client(server.port);
    c.socket.end('last');
    const connection = await server.nextConnection();
    await waitFor(() => connection.state() === ConnectionState.Closed, { what: 'closed' });
    expect(callbacks.events).toEqual([ConnectionEvent.RemoteClose]);
    expect(log).toContain('f:data:last');
    expect(log.some((line) => line.endsWith(':end'))).toBe(false);
    expect(connection.isHalfCloseEnabled()).toBe(false);
  });
});

describe('close types', () => {
  const big = 4 * 1024 * 1024;

  it('FlushWrite writes out everything buffered, sends FIN, then raises LocalClose', async () => {
    const callbacks = new RecordingCallbacks();
    const server = await serve((connection) => {
      connection.addConnectionCallbacks(callbacks);
      connection.addReadFilter(new RecordingFilter('f', [], { onData: drainAll }));
    });
    const c = client(server.port, { read: false });
    await c.connected();
    const connection = await server.nextConnection();
    connection.write(new OwnedBuffer(Buffer.alloc(big, 7)), false);
    connection.close(ConnectionCloseType.FlushWrite, 'done');
    // The client has not read yet: the flush cannot have finished.
    expect(connection.state()).toBe(ConnectionState.Closing);
    expect(callbacks.events).toEqual([]);
    c.socket.resume();
    await c.whenEnded();
    expect(c.receivedBytes()).toBe(big);
    await waitFor(() => callbacks.events.length === 1, { what: 'close event' });
    expect(callbacks.events).toEqual([ConnectionEvent.LocalClose]);
    expect(connection.localCloseReason()).toBe('done');
    expect(connection.streamInfo.bytesSent).toBe(big);
  });

  it('FlushWriteAndDelay flushes, then waits for the peer to close', async () => {
    const callbacks = new RecordingCallbacks();
    const server = await serve((connection) => {
      connection.addConnectionCallbacks(callbacks);
      connection.addReadFilter(new RecordingFilter('f', [], { onData: drainAll }));
    });
    const c = client(server.port);
    await c.connected();
    const connection = await server.nextConnection();
    connection.setDelayedCloseTimeout(5000);
    connection.write(bytes('goodbye'), false);
    connection.close(ConnectionCloseType.FlushWriteAndDelay);
    await c.whenEnded();
    expect(c.received()).toBe('goodbye');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(connection.state()).toBe(ConnectionState.Closing);
    c.socket.end();
    await waitFor(() => connection.state() === ConnectionState.Closed, { what: 'closed' });
    expect(callbacks.events).toHaveLength(1);
  });

  it('FlushWriteAndDelay gives up at the delayed-close timeout and counts it', async () => {
    const store = StatsStore.create({ maxStats: 64, maxThreads: 2 });
    const timeouts = store.counterFromString('test.delayed_close_timeouts');
    const server = await serve((connection) => {
      connection.setConnectionStats({ delayedCloseTimeouts: timeouts });
      connection.addReadFilter(new RecordingFilter('f', [], { onData: drainAll }));
    });
    const c = client(server.port);
    await c.connected();
    const connection = await server.nextConnection();
    connection.setDelayedCloseTimeout(50);
    connection.close(ConnectionCloseType.FlushWriteAndDelay);
    await c.whenEnded();
    await waitFor(() => connection.state() === ConnectionState.Closed, { what: 'closed' });
    expect(timeouts.value()).toBe(1);
  });

  it('NoFlush closes at once, dropping what is buffered', async () => {
    const callbacks = new RecordingCallbacks();
    const server = await serve((connection) => {
      connection.addConnectionCallbacks(callbacks);
      connection.addReadFilter(new RecordingFilter('f', [], { onData: drainAll }));
    });
    const c = client(server.port, { read: false });
    await c.connected();
    const connection = await server.nextConnection();
    connection.write(new OwnedBuffer(Buffer.alloc(big, 7)), false);
    connection.close(ConnectionCloseType.NoFlush);
    expect(connection.state()).toBe(ConnectionState.Closed);
    expect(callbacks.events).toEqual([ConnectionEvent.LocalClose]);
    expect(connection.bufferStats()).toEqual({
      readBuffer: 0,
      writeBuffer: 0,
      socketWrite: 0,
      socketRead: 0,
    });
    c.socket.resume();
    await c.whenDone();
    expect(c.receivedBytes()).toBeLessThan(big);
  });

  it('AbortReset closes with a TCP reset', async () => {
    const server = await serve((connection) => {
      connection.addReadFilter(new RecordingFilter('f', [], { onData: drainAll }));
    });
    const c = client(server.port);
    await c.connected();
    const connection = await server.nextConnection();
    connection.close(ConnectionCloseType.AbortReset);
    await c.whenClosed();
    expect(c.error?.code).toBe('ECONNRESET');
  });

  it('a reset from the peer is a RemoteClose with the transport failure', async () => {
    const callbacks = new RecordingCallbacks();
    const server = await serve((connection) => {
      connection.addConnectionCallbacks(callbacks);
      connection.addReadFilter(new RecordingFilter('f', [], { onData: drainAll }));
    });
    const c = client(server.port);
    await c.connected();
    const connection = await server.nextConnection();
    c.socket.resetAndDestroy();
    await waitFor(() => connection.state() === ConnectionState.Closed, { what: 'closed' });
    expect(callbacks.events).toEqual([ConnectionEvent.RemoteClose]);
    expect(connection.transportFailureReason()).toBe('ECONNRESET');
  });
});

describe('write buffer watermarks', () => {
  it('tell callbacks above the limit and below half of it, for a peer that stops reading', async () => {
    const callbacks = new RecordingCallbacks();
    const limit = 64 * 1024;
    const server = await serve(
      (connection) => {
        connection.addConnectionCallbacks(callbacks);
        connection.addReadFilter(new RecordingFilter('f', [], { onData: drainAll }));
      },
      { bufferLimit: limit },
    );
    const c = client(server.port, { read: false });
    await c.connected();
    const connection = await server.nextConnection();
    expect(connection.bufferLimit()).toBe(limit);
    let written = 0;
    // Write until the socket and then the write buffer fill up (the peer reads nothing).
    await waitFor(
      () => {
        for (let i = 0; i < 16 && !connection.aboveHighWatermark(); i++) {
          connection.write(new OwnedBuffer(Buffer.alloc(16 * 1024, 1)), false);
          written += 16 * 1024;
        }
        return connection.aboveHighWatermark();
      },
      { what: 'above the high watermark', timeoutMs: 10_000 },
    );
    expect(callbacks.above).toBe(1);
    // Bytes handed to the socket but not yet written count toward the watermark too.
    expect(connection.bufferStats().writeBuffer).toBeGreaterThan(limit);
    c.socket.resume();
    await waitFor(() => callbacks.below === 1, { what: 'below the low watermark' });
    await waitFor(() => c.receivedBytes() === written, { what: 'every byte' });
    expect(connection.aboveHighWatermark()).toBe(false);
  });

  it('hears of bytes the socket held below its own high-water mark once they are written', async () => {
    // Node emits no 'drain' for a socket holding less than its high-water mark (16 KiB), so the
    // connection must learn by other means that such bytes went out, or a producer paused on the
    // watermark would never be resumed.
    const store = StatsStore.create({ maxStats: 16, maxThreads: 2 });
    const buffered = store.gaugeFromString('cx_tx_bytes_buffered');
    const callbacks = new RecordingCallbacks();
    const server = await serve((connection) => {
      connection.addConnectionCallbacks(callbacks);
      connection.setConnectionStats({ writeCurrent: buffered });
      connection.addReadFilter(new RecordingFilter('f', [], { onData: drainAll }));
    });
    const c = client(server.port, { read: false });
    await c.connected();
    const connection = await server.nextConnection();
    const piece = 1024;
    let written = 0;
    // Small writes until the kernel takes no more: the last one stays with the socket.
    await waitFor(
      () => {
        for (let i = 0; i < 256 && connection.bufferStats().socketWrite === 0; i++) {
          connection.write(new OwnedBuffer(Buffer.alloc(piece, 7)), false);
          written += piece;
        }
        return connection.bufferStats().socketWrite > 0;
      },
      { what: 'the kernel full', timeoutMs: 10_000 },
    );
    const held = connection.bufferStats();
    expect(held.socketWrite).toBe(piece);
    expect(held.writeBuffer).toBe(piece);
    expect(buffered.value()).toBe(piece);
    // A limit below what is held: above the high watermark with no 'drain' to come.
    connection.setBufferLimits(piece / 2);
    expect(callbacks.above).toBe(1);
    c.socket.resume();
    await waitFor(() => callbacks.below === 1, { what: 'below the low watermark' });
    await waitFor(() => c.receivedBytes() === written, { what: 'every byte' });
    expect(connection.bufferStats().writeBuffer).toBe(0);
    expect(buffered.value()).toBe(0);
  });

  it('a producer paused on a small limit is resumed until a slow reader has every byte', async () => {
    const callbacks = new RecordingCallbacks();
    const limit = 4096;
    const server = await serve(
      (connection) => {
        connection.addConnectionCallbacks(callbacks);
        connection.addReadFilter(new RecordingFilter('f', [], { onData: drainAll }));
      },
      { bufferLimit: limit },
    );
    const c = client(server.port, { read: false });
    await c.connected();
    const connection = await server.nextConnection();
    // More than loopback's kernel buffers hold, so that the socket pushes back.
    const total = 24 * 1024 * 1024;
    // Pieces of varied sizes with a position-dependent pattern, so a lost, doubled or reordered
    // byte shows in the content.
    const sizes = [700, 3000, 64 * 1024, 1500, 20_000];
    let sent = 0;
    let round = 0;
    const produce = () => {
      while (sent < total && !connection.aboveHighWatermark()) {
        const size = Math.min(sizes[round++ % sizes.length] as number, total - sent);
        const data = Buffer.allocUnsafe(size);
        for (let i = 0; i < size; i++) data[i] = (sent + i) % 251;
        connection.write(new OwnedBuffer(data), false);
        sent += size;
      }
    };
    callbacks.onBelowWriteBufferLowWatermark = () => {
      callbacks.below++;
      setImmediate(produce);
    };
    produce();
    await waitFor(() => callbacks.above > 0, {
      what: 'above the high watermark',
      timeoutMs: 10_000,
    });
    // Then the reader takes a little now and then.
    const reader = setInterval(() => {
      c.socket.resume();
      setImmediate(() => c.socket.pause());
    }, 2);
    try {
      await waitFor(() => c.receivedBytes() === total, { what: 'every byte', timeoutMs: 20_000 });
    } finally {
      clearInterval(reader);
    }
    const received = Buffer.concat(c.chunks);
    let wrong = -1;
    for (let i = 0; i < total && wrong === -1; i++) if (received[i] !== i % 251) wrong = i;
    expect(wrong).toBe(-1);
    expect(callbacks.below).toBe(callbacks.above);
    expect(connection.bufferStats().writeBuffer).toBe(0);
  });
});

describe('timers', () => {
  it('the idle timeout closes a quiet connection; activity keeps it open', async () => {
    const callbacks = new RecordingCallbacks();
    const server = await serve((connection) => {
      connection.addConnectionCallbacks(callbacks);
      connection.setIdleTimeout(500);
      connection.addReadFilter(new RecordingFilter('f', [], { onData: drainAll }));
    });
    const c = client(server.port);
    const connection = await server.nextConnection();
    for (let i = 0; i < 6; i++) {
      c.socket.write('.');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(connection.state()).toBe(ConnectionState.Open);
    await c.whenDone();
    expect(callbacks.events).toEqual([ConnectionEvent.LocalClose]);
    expect(connection.localCloseReason()).toBe('idle_timeout');
    expect(connection.streamInfo.connectionTerminationDetails).toBe('idle_timeout');
  });

  it('rejects timeouts that are not whole milliseconds', async () => {
    const server = await serve((connection) => {
      connection.addReadFilter(new RecordingFilter('f', [], { onData: drainAll }));
    });
    client(server.port);
    const connection = await server.nextConnection();
    expect(() => connection.setIdleTimeout(-1)).toThrow(
      expect.objectContaining({ code: NetworkErrorCode.InvalidArgument }),
    );
    expect(() => connection.setDelayedCloseTimeout(1.5)).toThrow(/setDelayedCloseTimeout/);
    expect(() => connection.setBufferLimits(-2)).toThrow(/setBufferLimits/);
  });
});

describe('stats, stream info and diagnostics', () => {
  it('keeps connection stats, stream info, and publishes new and close on diagnostics channels', async () => {
    const store = StatsStore.create({ maxStats: 64, maxThreads: 2 });
    const scope = store.scopeFromStatName('tcp.test');
    const seen: string[] = [];
    const onNew = (message: unknown) => {
      seen.push(`new:${(message as { connection: Connection }).connection.id}`);
    };
    const onClose = (message: unknown) => {
      const { connection, event } = message as { connection: Connection; event: ConnectionEvent };
      seen.push(`close:${connection.id}:${event}`);
    };
    subscribe('nuncio:network:connection:new', onNew);
    subscribe('nuncio:network:connection:close', onClose);
    try {
      const server = await serve((connection) => {
        connection.setConnectionStats({
          readTotal: scope.counterFromString('downstream_cx_rx_bytes_total'),
          readCurrent: scope.gaugeFromString('downstream_cx_rx_bytes_buffered'),
          writeTotal: scope.counterFromString('downstream_cx_tx_bytes_total'),
          writeCurrent: scope.gaugeFromString('downstream_cx_tx_bytes_buffered'),
        });
        connection.addReadFilter(
          new RecordingFilter('echo', [], {
            halfClose: true,
            onData: (data, endStream, filter) => {
              filter.connection.write(data, endStream);
              return FilterStatus.StopIteration;
            },
          }),
        );
      });
      const c = client(server.port);
      await c.connected();
      const clientPort = c.socket.localPort;
      c.socket.end('0123456789');
      await c.whenEnded();
      const connection = await server.nextConnection();
      await waitFor(() => connection.state() === ConnectionState.Closed, { what: 'closed' });
      expect(c.received()).toBe('0123456789');
      expect(scope.counterFromString('downstream_cx_rx_bytes_total').value()).toBe(10);
      expect(scope.counterFromString('downstream_cx_tx_bytes_total').value()).toBe(10);
      expect(scope.gaugeFromString('downstream_cx_rx_bytes_buffered').value()).toBe(0);
      expect(scope.gaugeFromString('downstream_cx_tx_bytes_buffered').value()).toBe(0);
      const info = connection.streamInfo;
      expect(info.bytesReceived).toBe(10);
      expect(info.bytesSent).toBe(10);
      expect(info.durationMs).toBeGreaterThanOrEqual(0);
      expect(info.downstreamLocalAddress).toEqual({
        address: '127.0.0.1',
        port: server.port,
        family: 'IPv4',
      });
      expect(info.downstreamRemoteAddress?.port).toBe(clientPort);
      expect(info.connectionId).toBe(connection.id);
      expect(connection.connectionInfoProvider.detectedTransportProtocol).toBe('');
      expect(seen).toEqual([
        `new:${connection.id}`,
        `close:${connection.id}:${ConnectionEvent.LocalClose}`,
      ]);
    } finally {
      unsubscribe('nuncio:network:connection:new', onNew);
      unsubscribe('nuncio:network:connection:close', onClose);
    }
  });

  it('gives each connection a distinct id', async () => {
    const server = await serve((connection) => {
      connection.addReadFilter(new RecordingFilter('f', [], { onData: drainAll }));
    });
    client(server.port);
    client(server.port);
    const first = await server.nextConnection();
    const second = await server.nextConnection();
    expect(first.id).not.toBe(second.id);
    expect(Number.isSafeInteger(second.id)).toBe(true);
  });
});
