// Sources run as .ts (type stripping) in tests; the built package runs as .js. Chunks of the build
// sit beside the entries in dist/, so the relative URL holds for both.
const href = new URL(
  import.meta.url.endsWith('.ts') ? './worker-module.ts' : './worker-module.js',
  import.meta.url,
).href;

/**
 * URL of the module every worker must load for thread-local storage to reach it: pass it in
 * `startWorkers({ modules: [threadLocalWorkerModule, ...] })`. Its `init` installs the handlers
 * main's instance uses (registration itself is main's: `registerWorkers(pool)` or
 * `registerThread`), its `shutdown` frees the worker's objects.
 */
export const threadLocalWorkerModule: string = href;
