/** What a thread does in the proxy. */
export const ThreadRole = {
  /** Node's main thread: config, managers, admin, stats merge. */
  Main: 'main',
  /** A `wrk:worker_<i>` thread running a dispatcher and the data path. */
  Worker: 'worker',
  /** A watchdog guard thread (`dog:main_thread`, `dog:workers_guard`). */
  Guard: 'guard',
  /** Any other thread the proxy started (an access log flush thread...). */
  Other: 'other',
} as const;

/** One of the {@link ThreadRole} values. */
export type ThreadRole = (typeof ThreadRole)[keyof typeof ThreadRole];

/**
 * One thread as `/threads` shows it. A figure the provider could not get in time (a busy worker
 * that did not answer) is null.
 */
export interface ThreadInfo {
  /** The name as the OS sees it (`/proc/<pid>/task/<tid>/comm`: `wrk:worker_0`, `MainThread`). */
  readonly name: string;
  /** The dispatcher's name, Envoy's (`main_thread`, `worker_0`), or null for threads without one. */
  readonly dispatcher: string | null;
  /** The OS thread id (the process id for the main thread); null where it is unknown. */
  readonly tid: number | null;
  /** Node's `threadId` (0 on the main thread); null for threads Node does not number. */
  readonly nodeThreadId: number | null;
  readonly role: ThreadRole;
  /** Event-loop utilisation since the dispatcher started or its loop stats were reset (0 to 1). */
  readonly utilization: number | null;
  /** The loop delay's 99th percentile in milliseconds. */
  readonly loopDelayP99Ms: number | null;
  /** Downstream connections the thread owns now. */
  readonly activeConnections: number | null;
  /** Envoy's `server.<thread>.watchdog_miss`. */
  readonly watchdogMiss: number | null;
  /** Envoy's `server.<thread>.watchdog_mega_miss`. */
  readonly watchdogMegaMiss: number | null;
  /** V8 heap in use, bytes. */
  readonly heapUsedBytes: number | null;
  /** V8 heap reserved, bytes. */
  readonly heapTotalBytes: number | null;
}

/**
 * The proxy's threads for `/threads` and the per-thread part of `/memory`. Called on the main
 * thread once per request; it may ask the workers (bounded in time) and so returns a promise.
 */
export interface ThreadsProvider {
  threads(): Promise<readonly ThreadInfo[]>;
}
