// The server side of the echo benchmark, in a worker thread: either Nuncio's echo filter behind
// a ConnectionHandler listener, or the bare Node baseline, `socket.pipe(socket)`. Both report
// the bytes their connections hold, for the non-reading-client figure.
import { subscribe } from 'node:diagnostics_channel';
import { createServer, type Server, type Socket } from 'node:net';
import { createConfigRegistry } from '@nuncio/config';
import type { WorkerContext } from '@nuncio/dispatcher';
import {
  type Connection,
  type ConnectionHandler,
  ConnectionState,
  createConnectionHandler,
  registerNetworkExtensions,
} from '../src/index.ts';

/** What the benchmark passes as `workerData`. */
export interface EchoWorkerData {
  mode: 'nuncio' | 'bare';
  bufferLimit: number;
}

/** The handlers the benchmark calls. */
export interface EchoWorkerHandlers {
  port(): number;
  /** Bytes held now by the open connections (buffers and socket queues). */
  held(): number;
  /** Milliseconds this worker's event loop has been busy since it started. */
  busy(): number;
}

let handler: ConnectionHandler | null = null;
let server: Server | null = null;

export async function init(context: WorkerContext): Promise<void> {
  const data = context.workerData as EchoWorkerData;
  let port = 0;
  const connections = new Set<Connection>();
  const sockets = new Set<Socket>();
  if (data.mode === 'nuncio') {
    subscribe('nuncio:network:connection:new', (message) => {
      connections.add((message as { connection: Connection }).connection);
    });
    handler = createConnectionHandler({
      registry: registerNetworkExtensions(createConfigRegistry()),
      dispatcher: context.dispatcher,
    });
    const info = await handler.addListener({
      name: 'echo',
      address: { socketAddress: { address: '127.0.0.1', portValue: 0 } },
      perConnectionBufferLimitBytes: data.bufferLimit,
      filterChains: [{ filters: [{ name: 'envoy.filters.network.echo' }] }],
    });
    port = info.address.port;
  } else {
    // TCP_NODELAY as on Nuncio's sockets (Envoy's default), so both sides send alike.
    server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      socket.pipe(socket);
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  }
  context.dispatcher.registerHandler('port', () => port);
  context.dispatcher.registerHandler('busy', () => performance.eventLoopUtilization().active);
  context.dispatcher.registerHandler('held', () => {
    let total = 0;
    for (const connection of connections) {
      if (connection.state() === ConnectionState.Closed) {
        connections.delete(connection);
        continue;
      }
      const s = connection.bufferStats();
      total += s.readBuffer + s.writeBuffer + s.socketRead;
    }
    for (const socket of sockets) total += socket.writableLength + socket.readableLength;
    return total;
  });
}

export async function shutdown(): Promise<void> {
  await handler?.shutdown();
  server?.close();
}
