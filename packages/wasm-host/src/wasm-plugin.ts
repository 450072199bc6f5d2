import type { WasmHostError } from './errors.ts';
import type { StreamCallbacks } from './stream-callbacks.ts';
import type { WasmStream } from './wasm-stream.ts';

/**
 * A plugin on this thread (Envoy's thread-local `PluginHandle`), from
 * `WasmPluginCache.getOrCreate`. Keep it for as long as the configuration that loaded it is in
 * use (for example in a thread-local slot) and `release()` it afterwards.
 *
 * When the plugin's VM fails at run time (a trap), the VM is dropped from the thread's cache and
 * the next `createStream` builds the plugin again from the base VM (Envoy's fail callback); streams
 * created before keep the failed VM and fail (or pass through when `failOpen`).
 */
export interface WasmPlugin {
  readonly name: string;
  readonly rootId: string;
  readonly vmId: string;
  readonly failOpen: boolean;
  /**
   * True when the plugin cannot serve on this thread now: its VM failed and could not be built
   * again, or it never started (then `error` says why).
   */
  readonly failed: boolean;
  /** Why the plugin failed to load, start or configure on this thread, if it did. */
  readonly error: WasmHostError | undefined;
  /** The root context's id in its VM (0 when there is none). */
  readonly rootContextId: number;
  /**
   * A new stream context (one HTTP request or one TCP connection) driven through `callbacks`.
   * Announced to the module with the stream's first event.
   */
  createStream(callbacks: StreamCallbacks): WasmStream;
  /** Drops this handle; the last handle of a plugin shuts its root context down. Idempotent. */
  release(): void;
}
