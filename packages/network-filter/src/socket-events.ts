// The socket listeners every connection uses: module-level functions attached once per socket,
// which find their owner through a symbol (as ws does), so no closure is made per socket or per
// chunk. A socket changes owner once, from the listener-filter phase to its connection, without
// touching its listeners.
import type { Socket } from 'node:net';

/** Where a socket's events go. */
export interface SocketOwner {
  onSocketData(chunk: Buffer): void;
  onSocketEnd(): void;
  onSocketDrain(): void;
  onSocketFinish(): void;
  onSocketConnect(): void;
  onSocketError(error: Error): void;
  onSocketClose(): void;
}

const kOwner = Symbol('nuncio.network.socketOwner');

type OwnedSocket = Socket & { [kOwner]?: SocketOwner };

function onData(this: OwnedSocket, chunk: Buffer): void {
  this[kOwner]?.onSocketData(chunk);
}
function onEnd(this: OwnedSocket): void {
  this[kOwner]?.onSocketEnd();
}
function onDrain(this: OwnedSocket): void {
  this[kOwner]?.onSocketDrain();
}
function onFinish(this: OwnedSocket): void {
  this[kOwner]?.onSocketFinish();
}
function onConnect(this: OwnedSocket): void {
  this[kOwner]?.onSocketConnect();
}
function onError(this: OwnedSocket, error: Error): void {
  this[kOwner]?.onSocketError(error);
}
function onClose(this: OwnedSocket): void {
  this[kOwner]?.onSocketClose();
}

/**
 * Makes `owner` receive `socket`'s events, attaching the shared listeners the first time. A socket
 * whose `readableFlowing` is false (accepted with `pauseOnConnect`, or paused) stays paused.
 */
export function adoptSocket(socket: Socket, owner: SocketOwner, waitForConnect = false): void {
  const owned = socket as OwnedSocket;
  if (owned[kOwner] === undefined) {
    owned.on('data', onData);
    owned.on('end', onEnd);
    owned.on('drain', onDrain);
    owned.on('finish', onFinish);
    // Accepted sockets are connected already: only a client socket waits for 'connect'.
    if (waitForConnect) owned.on('connect', onConnect);
    owned.on('error', onError);
    owned.on('close', onClose);
  }
  owned[kOwner] = owner;
}
