import type { TransferListItem } from 'node:worker_threads';

/**
 * A function registered by name on a dispatcher and run on its thread for each cross-thread post
 * or call naming it, with the structured-cloned payload. For a call, its (awaited) result is cloned
 * back to the caller.
 */
// biome-ignore lint/suspicious/noExplicitAny: a handler map is checked per handler by its own type.
export type Handler<P = any, R = unknown> = (payload: P) => R;

/** The handlers of a dispatcher by name: `RemoteDispatcher<H>` checks names and payloads with it. */
export type HandlerMap = Record<string, Handler>;

/** The names `post` and `call` accept for handler map `H`. */
export type HandlerName<H> = keyof H & string;

/** The payload type of handler `F` (`undefined` for a handler that takes none). */
export type PayloadOf<F> = F extends (...args: infer A) => unknown
  ? A extends []
    ? undefined
    : A[0]
  : never;

/** What a cross-thread `call` of handler `F` resolves with. */
export type ResultOf<F> = F extends (...args: never[]) => infer R ? Awaited<R> : never;

/**
 * The arguments after the handler name: the payload (optional when the handler takes none) and the
 * objects to transfer rather than copy (`ArrayBuffer`s, `MessagePort`s).
 */
export type PostArgs<F> =
  undefined extends PayloadOf<F>
    ? [payload?: PayloadOf<F>, transfer?: readonly TransferListItem[]]
    : [payload: PayloadOf<F>, transfer?: readonly TransferListItem[]];
