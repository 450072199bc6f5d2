// The cross-thread message shapes between a remote dispatcher and its target. Messages are short
// arrays: one structured clone of a small array is the cheapest envelope, and the sender reuses one
// array (postMessage clones synchronously), so a post allocates no envelope on the sending side.

/** Sender to target: `[MSG_POST, handler, payload]`. */
export const MSG_POST = 0;
/** Sender to target: `[MSG_CALL, handler, payload, callId]`. */
export const MSG_CALL = 1;
/** Target to sender: `[MSG_REPLY_OK, callId, result]`. */
export const MSG_REPLY_OK = 2;
/** Target to sender: `[MSG_REPLY_ERROR, callId, code, message, stack, handler]`. */
export const MSG_REPLY_ERROR = 3;
/** Target to sender: `[MSG_POST_ERROR, 0, code, message, stack, handler]` for a failed post. */
export const MSG_POST_ERROR = 4;

/** Where replies from a message runner go: a port, or the sender itself for a loopback. */
export interface ReplySink {
  reply(message: unknown[]): void;
}

/** True for the error `postMessage` and `structuredClone` throw for what they cannot clone. */
export function isDataCloneError(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { name?: unknown }).name === 'DataCloneError'
  );
}
