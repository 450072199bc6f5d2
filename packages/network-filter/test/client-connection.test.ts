import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { Worker } from 'node:worker_threads';
import { OwnedBuffer } from '@nuncio/buffer';
import { currentDispatcher } from '@nuncio/dispatcher';
import { freePort, startEchoServer, waitFor, withTimeout } from '@nuncio/test-support';
import { describe, expect, it } from 'vitest';
import {
  ConnectionCloseType,
  ConnectionEvent,
  ConnectionState,
  createClientConnection,
  NetworkErrorCode,
} from '../src/index.ts';
import { drainAll, RecordingCallbacks, RecordingFilter } from './support/filters.ts';

describe('createClientConnection', () => {
  it('connects, raises Connected, sends writes made while connecting, and half-closes', async () => {
    const echo = await startEchoServer();
    try {
      const log: string[] = [];
      const callbacks = new RecordingCallbacks();
      const connection = createClientConnection(currentDispatcher(), {
        host: '127.0.0.1',
        port: echo.port,
      });
      connection.addConnectionCallbacks(callbacks);
      connection.addReadFilter(
        new RecordingFilter('up', log, { halfClose: true, onData: drainAll }),
      );
      connection.write(new OwnedBuffer('early '), false);
      connection.connect();
      expect(connection.connecting()).toBe(true);
      connection.write(new OwnedBuffer('bird'), true);
      await waitFor(() => connection.state() === ConnectionState.Closed, { what: 'closed' });
      expect(callbacks.events).toEqual([ConnectionEvent.Connected, ConnectionEvent.RemoteClose]);
      const reads = log.filter((line) => line.startsWith('up:data:'));
      expect(reads.map((line) => line.slice(8).replace(/:end$/, '')).join('')).toBe('early bird');
      expect(reads.at(-1)?.endsWith(':end')).toBe(true);
      expect(connection.connecting()).toBe(false);
      expect(connection.connectionInfoProvider.remoteAddress).toEqual({
        address: '127.0.0.1',
        port: echo.port,
        family: 'IPv4',
      });
      // Read from the socket once connected, and kept after the close.
      const local = connection.connectionInfoProvider.localAddress;
      expect(local.address).toBe('127.0.0.1');
      expect(local.port).toBeGreaterThan(0);
      expect(connection.streamInfo.bytesSent).toBe(10);
      expect(connection.streamInfo.bytesReceived).toBe(10);
    } finally {
      await echo.close();
    }
  });

  it('reports a refused connection as RemoteClose with the socket error', async () => {
    const port = await freePort();
    const callbacks = new RecordingCallbacks();
    const connection = createClientConnection(currentDispatcher(), { host: '127.0.0.1', port });
    connection.addConnectionCallbacks(callbacks);
    connection.connect();
    await withTimeout(callbacks.nextEvent(), 5000, 'close event');
    expect(callbacks.events).toEqual([ConnectionEvent.RemoteClose]);
    expect(connection.transportFailureReason()).toBe('ECONNREFUSED');
  });

  it('gives up at the connect timeout with LocalClose and connect_timeout', async () => {
    const worker = new Worker(new URL('./fixtures/blocked-server.ts', import.meta.url), {
      workerData: { blockMs: 4000 },
    });
    const fillers: Socket[] = [];
    try {
      const [port] = (await withTimeout(once(worker, 'message'), 5000, 'blocked server')) as [
        number,
      ];
      // Fill the accept queue of the server that never accepts.
      for (let i = 0; i < 4; i++) {
        const filler = connect(port, '127.0.0.1');
        filler.on('error', () => {});
        fillers.push(filler);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      const callbacks = new RecordingCallbacks();
      const connection = createClientConnection(currentDispatcher(), {
        host: '127.0.0.1',
        port,
        connectTimeoutMs: 300,
      });
      connection.addConnectionCallbacks(callbacks);
      connection.write(new OwnedBuffer('never sent'), false);
      connection.connect();
      await withTimeout(callbacks.nextEvent(), 3000, 'connect timeout');
      expect(callbacks.events).toEqual([ConnectionEvent.LocalClose]);
      expect(connection.localCloseReason()).toBe('connect_timeout');
      expect(connection.connecting()).toBe(false);
    } finally {
      for (const filler of fillers) filler.destroy();
      await worker.terminate();
    }
  });

  it('a flushing close before connecting closes at once', async () => {
    const port = await freePort();
    const callbacks = new RecordingCallbacks();
    const connection = createClientConnection(currentDispatcher(), { host: '127.0.0.1', port });
    connection.addConnectionCallbacks(callbacks);
    connection.connect();
    connection.close(ConnectionCloseType.FlushWrite);
    expect(connection.state()).toBe(ConnectionState.Closed);
    expect(callbacks.events).toEqual([ConnectionEvent.LocalClose]);
  });

  it('rejects a bad port or connect timeout', () => {
    const dispatcher = currentDispatcher();
    expect(() => createClientConnection(dispatcher, { host: '127.0.0.1', port: 0 })).toThrow(
      expect.objectContaining({ code: NetworkErrorCode.InvalidArgument }),
    );
    expect(() =>
      createClientConnection(dispatcher, { host: '127.0.0.1', port: 80, connectTimeoutMs: -5 }),
    ).toThrow(/connectTimeoutMs/);
  });
});
