// Loopback peers for the proxy tests: a client that records what it reads, and servers with
// half-close left to the test.
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';

/** A client socket that records everything it reads and when the peer ended or closed. */
export class TestClient {
  readonly socket: Socket;
  readonly chunks: Buffer[] = [];
  ended = false;
  closed = false;
  readonly connected: Promise<unknown>;
  readonly closedPromise: Promise<unknown>;
  /** Resolves when the proxy ended or closed the connection (FIN or reset). */
  readonly finished: Promise<unknown>;

  constructor(port: number, options: { read?: boolean } = {}) {
    this.socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    this.socket.on('error', () => {});
    if (options.read !== false) this.socket.on('data', (chunk: Buffer) => this.chunks.push(chunk));
    else this.socket.pause();
    this.socket.on('end', () => {
      this.ended = true;
    });
    this.connected = once(this.socket, 'connect').catch(() => undefined);
    this.closedPromise = new Promise<void>((resolve) =>
      this.socket.once('close', () => {
        this.closed = true;
        resolve();
      }),
    );
    this.finished = Promise.race([
      new Promise((resolve) => this.socket.once('end', resolve)),
      this.closedPromise,
    ]);
  }

  text(): string {
    return Buffer.concat(this.chunks).toString();
  }

  bytes(): number {
    let total = 0;
    for (const chunk of this.chunks) total += chunk.length;
    return total;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** A server whose sockets allow half-open connections; `onSocket` decides what they do. */
export async function startServer(
  onSocket: (socket: Socket) => void,
  port = 0,
): Promise<{ server: Server; port: number; sockets: Set<Socket>; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.once('close', () => sockets.delete(socket));
    onSocket(socket);
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return {
    server,
    port: (server.address() as { port: number }).port,
    sockets,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** An echo server that ends its side once the peer has ended and everything is echoed. */
export function startEcho(port = 0) {
  return startServer((socket) => socket.pipe(socket), port);
}
