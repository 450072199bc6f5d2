import type { Socket } from 'node:net';
import type { TransferListItem } from 'node:worker_threads';
import type { Dispatcher, RemoteDispatcher } from '@nuncio/dispatcher';
import type { ConnectionHandler } from './connection-handler.ts';
import { invalidArgument } from './errors.ts';
import type { RebalancedSocket, SocketHandOff } from './socket-hand-off.ts';

/**
 * The dispatcher handler a worker registers to receive rebalanced sockets
 * ({@link registerRebalancedSocketHandler}); {@link DispatcherSocketHandOff} posts to it.
 */
export const REBALANCED_SOCKET_HANDLER = 'nuncio.network.rebalancedSocket';

/** The handler map of a worker that receives rebalanced sockets, for typed remote dispatchers. */
export interface RebalancedSocketHandlers {
  [REBALANCED_SOCKET_HANDLER]: (message: RebalancedSocket) => void;
}

/**
 * A {@link SocketHandOff} over `@nuncio/dispatcher`: a socket goes to its target as a post to the
 * target's {@link REBALANCED_SOCKET_HANDLER}, the socket in the transfer list, and runs there
 * between I/O callbacks like any cross-thread post. Holds one remote dispatcher per other worker,
 * set as they become known (a worker started again after a crash gets a new one). Use it on the
 * worker that owns it.
 */
export class DispatcherSocketHandOff implements SocketHandOff {
  private readonly peers: (RemoteDispatcher | null)[];
  // postMessage reads the transfer list synchronously: one array serves every hand-off.
  private readonly transfer: [Socket | null];

  /** `workers`: how many workers there are (indices 0 to `workers - 1`). */
  constructor(workers: number) {
    if (!Number.isInteger(workers) || workers < 1) {
      throw invalidArgument('DispatcherSocketHandOff workers', workers, 'an integer, 1 or more');
    }
    this.peers = new Array<RemoteDispatcher | null>(workers).fill(null);
    this.transfer = [null];
  }

  /** Sets (or, with null, forgets) worker `index`'s dispatcher, closing the one it replaces. */
  setPeer(index: number, peer: RemoteDispatcher | null): void {
    if (!(Number.isInteger(index) && index >= 0 && index < this.peers.length)) {
      throw invalidArgument('worker index', index, `an integer from 0 to ${this.peers.length - 1}`);
    }
    const previous = this.peers[index];
    if (previous != null && previous !== peer) previous.close();
    this.peers[index] = peer;
  }

  /** Whether worker `index` can be reached now. */
  hasPeer(index: number): boolean {
    const peer = this.peers[index];
    return peer != null && !peer.closed;
  }

  handOff(target: number, message: RebalancedSocket): boolean {
    const peer = this.peers[target];
    if (peer == null || peer.closed) return false;
    const transfer = this.transfer;
    transfer[0] = message.socket;
    try {
      peer.post(
        REBALANCED_SOCKET_HANDLER,
        message,
        transfer as unknown as readonly TransferListItem[],
      );
      return true;
    } catch {
      // The target went away between the check and the post: serve the socket here.
      return false;
    } finally {
      transfer[0] = null;
    }
  }

  /** Closes every remote dispatcher. */
  close(): void {
    for (let i = 0; i < this.peers.length; i++) this.setPeer(i, null);
  }
}

/**
 * Registers {@link REBALANCED_SOCKET_HANDLER} on `dispatcher`: each socket received is given to
 * the connection handler `handlerOf()` returns, or closed when there is none. Returns a function
 * that unregisters it.
 */
export function registerRebalancedSocketHandler(
  dispatcher: Dispatcher,
  handlerOf: () => ConnectionHandler | null,
): () => void {
  dispatcher.registerHandler(REBALANCED_SOCKET_HANDLER, (message: RebalancedSocket) => {
    const handler = handlerOf();
    if (handler === null) message.socket.destroy();
    else handler.adoptRebalancedSocket(message);
  });
  return () => {
    dispatcher.unregisterHandler(REBALANCED_SOCKET_HANDLER);
  };
}
