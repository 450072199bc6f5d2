import type { Socket } from 'node:net';

/**
 * A socket one worker's listener accepted and hands to another worker (Envoy's rebalanced
 * socket): the listener's name, which the target looks its own listener up by, and the socket.
 * The socket was accepted with `pauseOnConnect`, so nothing has been read from it; it crosses
 * threads in the transfer list of `postMessage`, never by copy.
 */
export interface RebalancedSocket {
  /** The name of the listener that accepted it. */
  readonly listener: string;
  /** The accepted socket, unread. */
  readonly socket: Socket;
}

/**
 * How a worker's listeners reach the other workers to hand them sockets (Envoy's
 * `BalancedConnectionHandler::post`). `DispatcherSocketHandOff` is the implementation over
 * `@nuncio/dispatcher` remote dispatchers.
 */
export interface SocketHandOff {
  /**
   * Sends `message` to worker `target`, whose connection handler is to call
   * `adoptRebalancedSocket(message)` with it. Returns false, having sent nothing, when that
   * worker cannot be reached now; the caller then serves the socket itself.
   */
  handOff(target: number, message: RebalancedSocket): boolean;
}
