// What main sends to a worker's thread-local handlers (installed by the worker module). Every
// message is a cross-thread `call` on the worker's dispatcher: it runs there as a post callback,
// in the order sent, and its reply is main's acknowledgement.

/** Handler names, under the `nuncio.` prefix the dispatcher reserves for Nuncio's packages. */
export const TlsHandler = {
  Attach: 'nuncio.tls.attach',
  Set: 'nuncio.tls.set',
  Run: 'nuncio.tls.run',
  Publish: 'nuncio.tls.publish',
  Free: 'nuncio.tls.free',
} as const;

/** Names one slot of one instance. */
export interface SlotAddress {
  instance: number;
  index: number;
  generation: number;
}

/** Run initializer (module, name) with `args`; the result becomes the thread's object. */
export interface SetMessage extends SlotAddress {
  versions: SharedArrayBuffer;
  module: string;
  name: string;
  args: unknown;
}

/** Run update (module, name) with the thread's object and `args`. */
export interface RunMessage extends SlotAddress {
  module: string;
  name: string;
  args: unknown;
}

/** Swap in `snapshot` as `version`. */
export interface PublishMessage extends SlotAddress {
  versions: SharedArrayBuffer;
  version: number;
  snapshot: unknown;
}

/** Drop the slot's object and snapshot. */
export type FreeMessage = SlotAddress;

/** One operation of an attach's replay: what a thread registered late has missed. */
export type ReplayOp = { set: SetMessage } | { publish: PublishMessage };

/** Registers the worker with instance `instance` as thread `threadIndex`, then replays `ops`. */
export interface AttachMessage {
  instance: number;
  threadIndex: number;
  ops: ReplayOp[];
}

/** What a replayed operation that failed reports back. */
export interface ReplayFailure {
  index: number;
  what: string;
  message: string;
}

/** The worker's thread-local handlers, for a typed remote dispatcher. */
export interface TlsHandlers {
  'nuncio.tls.attach'(message: AttachMessage): ReplayFailure[] | Promise<ReplayFailure[]>;
  'nuncio.tls.set'(message: SetMessage): void | Promise<void>;
  'nuncio.tls.run'(message: RunMessage): void | Promise<void>;
  'nuncio.tls.publish'(message: PublishMessage): void | Promise<void>;
  'nuncio.tls.free'(message: FreeMessage): void | Promise<void>;
}
