// At the package's root so that it resolves the same from src/ (type stripping) and from the
// dist/ chunk tsup puts it in.
/** The proxy's worker module, which every worker thread imports. */
export const proxyWorkerModule: URL = new URL(
  import.meta.url.endsWith('.ts') ? './proxy-worker.ts' : './proxy-worker.js',
  import.meta.url,
);
