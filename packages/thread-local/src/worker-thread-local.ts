import type { Dispatcher, RemoteDispatcher, WorkerPool } from '@nuncio/dispatcher';
import { registeredDefinition, type ThreadLocalDefinition } from './definition.ts';
import {
  notMainThreadError,
  slotFreedError,
  unknownDefinitionError,
  unknownSlotError,
} from './errors.ts';
import type {
  AttachMessage,
  FreeMessage,
  PublishMessage,
  ReplayFailure,
  RunMessage,
  SetMessage,
  SlotAddress,
} from './protocol.ts';
import { type SlotHost, SlotImpl } from './slot-impl.ts';
import type { RegisteredThread, ThreadLocalInstance } from './thread-local.ts';
import type { SnapshotOf } from './thread-local-object.ts';
import type { WorkerSide } from './thread-state.ts';
import { VersionBoard } from './version-board.ts';

/** What main asks of a worker, in the order it was sent. */
export const OpKind = { Set: 0, Run: 1, Publish: 2, Free: 3 } as const;
export type OpKind = (typeof OpKind)[keyof typeof OpKind];

type OpMessage = SetMessage | RunMessage | PublishMessage | FreeMessage;

/** An operation that waits for an earlier one's module import. */
interface PendingOp {
  readonly kind: OpKind;
  readonly message: OpMessage;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * A worker's view of one thread-local instance: this thread's objects and snapshots, by slot. It
 * carries out what main sends, strictly in order; when an initializer's or update's module has not
 * been imported on this thread yet, it imports it and holds back everything after it meanwhile.
 */
export class WorkerThreadLocal implements ThreadLocalInstance, WorkerSide, SlotHost {
  readonly id: number;
  readonly isMainThread = false;
  readonly threadIndex: number;
  readonly owner = null;
  private readonly workerDispatcher: Dispatcher;
  private readonly slots: (SlotImpl | null)[];
  private readonly pending: PendingOp[];
  /** Module URLs this thread has tried to import (a second failure would fail the same way). */
  private readonly imported: Set<string>;
  /** Why an import failed, named in the error of what needed it. */
  private readonly importFailures: Map<string, unknown>;
  private importing: boolean;
  private down: boolean;
  private readonly drainBound: () => void;

  constructor(id: number, threadIndex: number, dispatcher: Dispatcher) {
    this.id = id;
    this.threadIndex = threadIndex;
    this.workerDispatcher = dispatcher;
    this.slots = [];
    this.pending = [];
    this.imported = new Set();
    this.importFailures = new Map();
    this.importing = false;
    this.down = false;
    this.drainBound = this.drain.bind(this);
  }

  get threadName(): string {
    return this.workerDispatcher.name;
  }

  get isShutdown(): boolean {
    return this.down;
  }

  dispatcher(): Dispatcher {
    return this.workerDispatcher;
  }

  allocateSlot<T = unknown, S = SnapshotOf<T>>(): SlotImpl<T, S> {
    throw notMainThreadError('allocateSlot()');
  }

  registerThread(dispatcher: Dispatcher, isMainThread: true): void;
  registerThread(dispatcher: RemoteDispatcher, isMainThread: false): Promise<void>;
  registerThread(): never {
    throw notMainThreadError('registerThread()');
  }

  // biome-ignore lint/suspicious/noExplicitAny: any pool, whatever its handler map.
  registerWorkers(_pool: WorkerPool<any>): Promise<void> {
    return Promise.reject(notMainThreadError('registerWorkers()'));
  }

  threads(): readonly RegisteredThread[] {
    throw notMainThreadError('threads()');
  }

  shutdownGlobalThreading(): void {
    throw notMainThreadError('shutdownGlobalThreading()');
  }

  shutdownThread(): void {
    if (this.down) return;
    this.down = true;
    let failure: { error: unknown } | null = null;
    for (const slot of this.slots) {
      if (slot === null) continue;
      try {
        slot.release();
      } catch (error) {
        failure ??= { error };
      }
    }
    this.slots.length = 0;
    // Whatever still waited on an import will not run: let main's calls finish. The instance
    // stays known, so that what main still sends is ignored rather than answered with an error.
    for (const op of this.pending.splice(0)) op.resolve();
    if (failure !== null) throw failure.error;
  }

  slotFor(index: number, generation: number): SlotImpl {
    const slot = this.slots[index];
    if (slot === undefined || slot === null || slot.generation !== generation) {
      throw unknownSlotError(index, generation, this.threadName);
    }
    return slot;
  }

  /** Registration: replays what this thread missed; reports each failed operation back. */
  attach(message: AttachMessage): ReplayFailure[] | Promise<ReplayFailure[]> {
    const failures: ReplayFailure[] = [];
    const waits: Promise<void>[] = [];
    for (const op of message.ops) {
      const kind = 'set' in op ? OpKind.Set : OpKind.Publish;
      const opMessage = 'set' in op ? op.set : op.publish;
      const what = 'set' in op ? `initializer "${op.set.name}"` : 'snapshot hook';
      try {
        const wait = this.receive(kind, opMessage);
        if (wait !== undefined) {
          waits.push(
            wait.catch((error: unknown) => {
              failures.push({ index: opMessage.index, what, message: messageOf(error) });
            }),
          );
        }
      } catch (error) {
        failures.push({ index: opMessage.index, what, message: messageOf(error) });
      }
    }
    if (waits.length === 0) return failures;
    return Promise.all(waits).then(() => failures);
  }

  /**
   * Carries out one operation now, or queues it behind earlier ones (returning a promise settled
   * when it has run). Throws what the operation throws: main's call reports it.
   */
  receive(kind: OpKind, message: OpMessage): undefined | Promise<void> {
    if (this.down) return undefined;
    if (this.importing || this.pending.length > 0) return this.defer(kind, message);
    const missing = this.missingModule(kind, message);
    if (missing !== null) {
      const wait = this.defer(kind, message);
      this.startImport(missing);
      return wait;
    }
    this.run(kind, message);
    return undefined;
  }

  private defer(kind: OpKind, message: OpMessage): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ kind, message, resolve, reject });
    });
  }

  /** The module to import before `message` can run, or null. */
  private missingModule(kind: OpKind, message: OpMessage): string | null {
    if (kind !== OpKind.Set && kind !== OpKind.Run) return null;
    const { module, name } = message as SetMessage | RunMessage;
    if (registeredDefinition(module, name) !== undefined || this.imported.has(module)) return null;
    return module;
  }

  private startImport(url: string): void {
    this.importing = true;
    this.imported.add(url);
    const done = () => {
      this.importing = false;
      // Resume in a post callback: the quiescent period, like every other operation.
      this.workerDispatcher.post(this.drainBound);
    };
    import(url).then(done, (error: unknown) => {
      this.importFailures.set(url, error);
      done();
    });
  }

  private drain(): void {
    while (this.pending.length > 0 && !this.importing && !this.down) {
      const op = this.pending[0] as PendingOp;
      const missing = this.missingModule(op.kind, op.message);
      if (missing !== null) {
        this.startImport(missing);
        return;
      }
      this.pending.shift();
      try {
        this.run(op.kind, op.message);
        op.resolve();
      } catch (error) {
        op.reject(error);
      }
    }
  }

  private run(kind: OpKind, message: OpMessage): void {
    switch (kind) {
      case OpKind.Set: {
        const set = message as SetMessage;
        const slot = this.slotAt(set, set.versions);
        if (slot === null) return;
        const definition = this.definition(set.module, set.name, 'initializer');
        slot.applyInitializer(
          definition.initialize as (dispatcher: Dispatcher, args: unknown) => unknown,
          set.args,
        );
        return;
      }
      case OpKind.Run: {
        const run = message as RunMessage;
        const slot = this.slotAt(run, null);
        if (slot === null) return;
        const definition = this.definition(run.module, run.name, 'update');
        slot.applyUpdate(
          definition.update as (object: unknown, args: unknown, dispatcher: Dispatcher) => void,
          run.args,
        );
        return;
      }
      case OpKind.Publish: {
        const publish = message as PublishMessage;
        const slot = this.slotAt(publish, publish.versions);
        if (slot === null) return;
        slot.receiveSnapshot(publish.version, publish.snapshot);
        return;
      }
      case OpKind.Free: {
        const slot = this.slots[message.index];
        if (slot === undefined || slot === null || slot.generation !== message.generation) return;
        this.slots[message.index] = null;
        slot.release();
        return;
      }
    }
  }

  /**
   * The slot `address` names, made on its first message (which carries its version board). Null
   * for a message about a slot freed since: main freed it, then reused the index.
   */
  private slotAt(address: SlotAddress, versions: SharedArrayBuffer | null): SlotImpl | null {
    const slot = this.slots[address.index];
    if (slot !== undefined && slot !== null) {
      if (slot.generation === address.generation) return slot;
      if (slot.generation > address.generation) return null;
    }
    if (versions === null) {
      // An update for a slot this thread never had: it was freed before it got here.
      if (slot === undefined || slot === null) return null;
      throw slotFreedError(address.index, 'run an update');
    }
    const created = new SlotImpl(
      this,
      address.index,
      address.generation,
      new VersionBoard(versions),
    );
    this.slots[address.index] = created;
    // An older slot still at this index (its free has not arrived: never expected) goes now.
    if (slot !== undefined && slot !== null) slot.release();
    return created;
  }

  private definition<K extends ThreadLocalDefinition['kind']>(
    module: string,
    name: string,
    kind: K,
  ): Extract<ThreadLocalDefinition, { kind: K }> {
    const definition = registeredDefinition(module, name);
    if (definition === undefined || definition.kind !== kind) {
      throw unknownDefinitionError(module, name, this.threadName, this.importFailures.get(module));
    }
    return definition as Extract<ThreadLocalDefinition, { kind: K }>;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
