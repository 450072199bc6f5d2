import { createServer, type Server, type Socket } from 'node:net';

/** A TCP server on loopback started for a test. */
export interface LoopbackServer {
  readonly server: Server;
  readonly host: string;
  readonly port: number;
  /** Sockets accepted so far and still open. */
  readonly sockets: ReadonlySet<Socket>;
  /** Destroys every accepted socket and closes the server. */
  close(): Promise<void>;
}

/** Starts a TCP server on 127.0.0.1 (port 0 unless given) that hands each socket to `onSocket`. */
export function startTcpServer(
  onSocket: (socket: Socket) => void,
  options: { port?: number; host?: string } = {},
): Promise<LoopbackServer> {
  const host = options.host ?? '127.0.0.1';
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    onSocket(socket);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        reject(new Error('startTcpServer: server has no TCP address'));
        return;
      }
      resolve({
        server,
        host,
        port: address.port,
        sockets,
        close() {
          for (const socket of sockets) socket.destroy();
          return new Promise((done) => server.close(() => done()));
        },
      });
    });
  });
}

/** A loopback server that writes back every byte it reads and half-closes when the peer does. */
export function startEchoServer(options: { port?: number; host?: string } = {}) {
  return startTcpServer((socket) => {
    socket.on('error', () => socket.destroy());
    socket.pipe(socket);
  }, options);
}
