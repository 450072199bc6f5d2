import type { Socket } from 'node:net';
import type { Dispatcher } from '@nuncio/dispatcher';
import type { Connection } from './connection.ts';
import { ConnectionImpl } from './connection-impl.ts';
import { ConnectionSocketImpl } from './connection-socket-impl.ts';
import { invalidArgument } from './errors.ts';

/** Options for {@link createServerConnection}. */
export interface ServerConnectionOptions {
  /** The buffer limit (`per_connection_buffer_limit_bytes`); 0 (default) for none. */
  bufferLimit?: number;
}

/**
 * Wraps a socket you accepted yourself in a {@link Connection} (what a listener does for you).
 * Accept it with `allowHalfOpen: true` (half-close needs it) and, ideally, `pauseOnConnect: true`;
 * add the filters, then call `initializeReadFilters()`, which starts reading.
 */
export function createServerConnection(
  dispatcher: Dispatcher,
  socket: Socket,
  options: ServerConnectionOptions = {},
): Connection {
  if (socket.destroyed)
    throw invalidArgument('createServerConnection: socket', 'destroyed', 'open');
  // Hold the bytes until the filters are in place.
  socket.pause();
  return new ConnectionImpl(dispatcher, new ConnectionSocketImpl(socket), options);
}
