// How the workers get a remote dispatcher to each other, for handing sockets over. A dispatcher
// handle is made on its target's thread and serves one consumer, so each worker makes one handle
// per other worker and posts them to the main thread (ports in the transfer list), which passes
// each on to its consumer. A worker started again after a crash does the same at its start, and
// main asks every other worker for a fresh handle for it (the old ones died with its thread).
import type { TransferListItem } from 'node:worker_threads';
import {
  type Dispatcher,
  type DispatcherHandle,
  type RemoteDispatcher,
  remoteDispatcher,
  type WorkerInfo,
  type WorkerPool,
} from '@nuncio/dispatcher';
import type { ConnectionHandler } from './connection-handler.ts';
import {
  DispatcherSocketHandOff,
  registerRebalancedSocketHandler,
} from './dispatcher-socket-hand-off.ts';
import { invalidArgument } from './errors.ts';

/** Handler names of the mesh. */
export const SocketHandOffMeshHandler = {
  /** On main: a worker's handles, to pass on to the workers they are for. */
  Handles: 'nuncio.network.meshHandles',
  /** On a worker: a handle to another worker's dispatcher. */
  Peer: 'nuncio.network.meshPeer',
  /** On a worker: make handles for these workers and post them to main. */
  MakeHandles: 'nuncio.network.meshMakeHandles',
} as const;

interface HandleFor {
  readonly to: number;
  readonly handle: DispatcherHandle;
}

interface HandlesMessage {
  readonly from: number;
  readonly handles: readonly HandleFor[];
}

interface PeerMessage {
  readonly from: number;
  readonly handle: DispatcherHandle;
}

/** What a worker needs to join the mesh: a `WorkerContext` fits. */
export interface SocketHandOffMeshMember {
  readonly dispatcher: Dispatcher;
  readonly index: number;
  readonly mainDispatcher: RemoteDispatcher;
}

function postHandles(member: SocketHandOffMeshMember, targets: readonly number[]): void {
  const handles: HandleFor[] = [];
  const ports: TransferListItem[] = [];
  for (const to of targets) {
    if (to === member.index) continue;
    const handle = member.dispatcher.createHandle();
    handles.push({ to, handle });
    ports.push(handle.port);
  }
  if (handles.length === 0) return;
  const message: HandlesMessage = { from: member.index, handles };
  member.mainDispatcher.post(SocketHandOffMeshHandler.Handles, message, ports);
}

/**
 * A worker's side of the mesh, called in the worker module's `init`: registers the handlers that
 * receive rebalanced sockets (given to `handlerOf()`'s connection handler) and the other workers'
 * handles, posts a handle to this worker for each of the `workers - 1` others, and returns the
 * {@link DispatcherSocketHandOff} to give to `createConnectionHandler`. Until a worker's handle has
 * arrived, sockets meant for it are served here. The main thread must run a
 * {@link SocketHandOffMesh} from before the workers start.
 */
export function joinSocketHandOffMesh(
  member: SocketHandOffMeshMember,
  workers: number,
  handlerOf: () => ConnectionHandler | null,
): DispatcherSocketHandOff {
  const handOff = new DispatcherSocketHandOff(workers);
  const { dispatcher } = member;
  registerRebalancedSocketHandler(dispatcher, handlerOf);
  dispatcher.registerHandler(SocketHandOffMeshHandler.Peer, (message: PeerMessage) => {
    handOff.setPeer(message.from, remoteDispatcher(message.handle));
  });
  dispatcher.registerHandler(SocketHandOffMeshHandler.MakeHandles, (targets: number[]) => {
    postHandles(member, targets);
  });
  const others: number[] = [];
  for (let i = 0; i < workers; i++) if (i !== member.index) others.push(i);
  postHandles(member, others);
  return handOff;
}

/**
 * The main thread's side of the mesh: passes each worker's handles on to the workers they are
 * for. Create it before `startWorkers` (workers post their handles while they start) and
 * {@link SocketHandOffMesh.attach} the pool once it is there.
 */
export class SocketHandOffMesh {
  private readonly dispatcher: Dispatcher;
  private pool: WorkerPool | null;
  /** Handles that arrived before the pool did. */
  private readonly waiting: PeerMessage[][];
  private readonly onRestartBound: (worker: WorkerInfo) => void;

  /** Registers the mesh's handler on `dispatcher` (the main thread's). */
  constructor(dispatcher: Dispatcher) {
    this.dispatcher = dispatcher;
    this.pool = null;
    this.waiting = [];
    this.onRestartBound = this.onRestart.bind(this);
    dispatcher.registerHandler(SocketHandOffMeshHandler.Handles, (message: HandlesMessage) => {
      for (const { to, handle } of message.handles)
        this.deliver(to, { from: message.from, handle });
    });
  }

  /** Starts passing handles on to `pool`'s workers (those that came first, too). */
  attach(pool: WorkerPool): void {
    if (this.pool !== null) throw invalidArgument('SocketHandOffMesh pool', pool, 'attached once');
    this.pool = pool;
    pool.on('restart', this.onRestartBound);
    for (let to = 0; to < this.waiting.length; to++) {
      for (const message of this.waiting[to] ?? []) this.deliver(to, message);
    }
    this.waiting.length = 0;
  }

  /** Unregisters the handler and stops following the pool. */
  close(): void {
    this.dispatcher.unregisterHandler(SocketHandOffMeshHandler.Handles);
    this.pool?.off('restart', this.onRestartBound);
    for (const list of this.waiting) for (const message of list ?? []) message.handle.port.close();
    this.waiting.length = 0;
  }

  private deliver(to: number, message: PeerMessage): void {
    const pool = this.pool;
    if (pool === null) {
      const list = this.waiting[to] ?? [];
      list.push(message);
      this.waiting[to] = list;
      return;
    }
    const worker = pool.workers[to];
    if (worker === undefined) {
      message.handle.port.close();
      return;
    }
    try {
      worker.dispatcher.post(SocketHandOffMeshHandler.Peer, message, [message.handle.port]);
    } catch {
      // That worker is gone; its successor asks for handles when it starts.
      message.handle.port.close();
    }
  }

  /** A worker started again: every other worker makes it a new handle. */
  private onRestart(worker: WorkerInfo): void {
    for (const other of this.pool?.workers ?? []) {
      if (other.index === worker.index) continue;
      try {
        other.dispatcher.post(SocketHandOffMeshHandler.MakeHandles, [worker.index]);
      } catch {
        // A worker that is down itself gets its handles when it starts again.
      }
    }
  }
}
