// Real loopback sockets for connection tests: a server whose accepted sockets become Connections
// with the filters a test installs, and plain clients that record what they receive.
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { currentDispatcher } from '@nuncio/dispatcher';
import { withTimeout } from '@nuncio/test-support';
import {
  type Connection,
  ConnectionCloseType,
  createServerConnection,
  type ServerConnectionOptions,
} from '../../src/index.ts';

export interface ConnectionServer {
  readonly port: number;
  readonly server: Server;
  /** Connections made so far, in accept order. */
  readonly connections: Connection[];
  /** Resolves with the next connection accepted (or one already accepted and not yet taken). */
  nextConnection(): Promise<Connection>;
  close(): Promise<void>;
}

/**
 * A server on 127.0.0.1 that wraps each accepted socket in a Connection, lets `setup` add its
 * filters, then calls `initializeReadFilters()` (unless `setup` returns false).
 */
export async function startConnectionServer(
  setup: (connection: Connection) => unknown,
  options: ServerConnectionOptions = {},
): Promise<ConnectionServer> {
  const dispatcher = currentDispatcher();
  const connections: Connection[] = [];
  const waiting: ((connection: Connection) => void)[] = [];
  let taken = 0;
  const server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (socket) => {
    const connection = createServerConnection(dispatcher, socket, options);
    connections.push(connection);
    if (setup(connection) !== false) connection.initializeReadFilters();
    const waiter = waiting.shift();
    if (waiter !== undefined) {
      taken++;
      waiter(connection);
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return {
    port,
    server,
    connections,
    nextConnection() {
      if (taken < connections.length) return Promise.resolve(connections[taken++] as Connection);
      return withTimeout(
        new Promise<Connection>((resolve) => waiting.push(resolve)),
        5000,
        'next connection',
      );
    },
    async close() {
      for (const connection of connections) connection.close(ConnectionCloseType.NoFlush);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A client socket that records every byte it gets, its FIN and its close. */
export class RecordingClient {
  readonly socket: Socket;
  chunks: Buffer[];
  ended: boolean;
  closed: boolean;
  error: NodeJS.ErrnoException | null;
  private readonly endPromise: Promise<void>;
  private readonly closePromise: Promise<void>;

  constructor(port: number, options: { read?: boolean } = {}) {
    this.socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    this.chunks = [];
    this.ended = false;
    this.closed = false;
    this.error = null;
    if (options.read === false) this.socket.pause();
    this.socket.on('data', (chunk: Buffer) => this.chunks.push(chunk));
    this.socket.on('error', (error) => {
      this.error = error;
    });
    this.endPromise = new Promise((resolve) =>
      this.socket.once('end', () => {
        this.ended = true;
        resolve();
      }),
    );
    this.closePromise = new Promise((resolve) =>
      this.socket.once('close', () => {
        this.closed = true;
        resolve();
      }),
    );
  }

  connected(): Promise<void> {
    return this.socket.connecting
      ? withTimeout(
          once(this.socket, 'connect').then(() => {}),
          5000,
          'connect',
        )
      : Promise.resolve();
  }

  received(): string {
    return Buffer.concat(this.chunks).toString('latin1');
  }

  receivedBytes(): number {
    let total = 0;
    for (const chunk of this.chunks) total += chunk.length;
    return total;
  }

  whenEnded(ms = 5000): Promise<void> {
    return withTimeout(this.endPromise, ms, 'client end');
  }

  /** Resolves once the peer ended the stream or the socket closed (a reset closes without FIN). */
  whenDone(ms = 5000): Promise<void> {
    return withTimeout(
      Promise.race([this.endPromise, this.closePromise]),
      ms,
      'client end or close',
    );
  }

  whenClosed(ms = 5000): Promise<void> {
    return withTimeout(this.closePromise, ms, 'client close');
  }

  destroy(): void {
    this.socket.destroy();
  }
}
