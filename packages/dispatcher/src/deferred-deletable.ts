/**
 * Envoy's `DeferredDeletable`: an object handed to `Dispatcher.deferredDelete` stays referenced by
 * the dispatcher until the current call stack has unwound, then `onDeferredDelete` runs (Envoy's
 * destructor) and the reference is dropped. Typical use: a connection closed from inside one of its
 * own callbacks, which must stay usable until that callback returns.
 */
export interface DeferredDeletable {
  /** Called at once by `deferredDelete`, to let the object stop work that is no longer wanted. */
  deleteIsPending?(): void;
  /** Called when the dispatcher clears its deferred-delete list: release what the object holds. */
  onDeferredDelete(): void;
}
