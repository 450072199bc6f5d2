import type { Bootstrap } from '@nuncio/config';
import { currentDispatcher } from '@nuncio/dispatcher';
import { createListenerManager, type ListenerInput } from '@nuncio/network-filter';
import { type ClusterInput, parseClusterConfig } from '@nuncio/upstream';
import { proxyConfigRegistry } from './proxy-registry.ts';

/** A problem found by building the configuration's parts, as `--mode validate` reports it. */
export interface ServingProblem {
  /** Where: `static_resources.listeners[0]`, `static_resources.clusters[1]`. */
  readonly path: string;
  readonly message: string;
}

/**
 * What Envoy's validation mode adds to the schema checks: every static cluster and listener is
 * built as the server would build it (cluster settings resolved, filter chains checked for
 * ambiguous matches, each filter's typed config checked by its factory), without starting
 * anything (a listener on port 0 has a port picked for it, by a bind closed at once). Returns
 * every problem found.
 */
export async function checkServing(bootstrap: Bootstrap): Promise<ServingProblem[]> {
  const problems: ServingProblem[] = [];
  for (const [i, cluster] of (bootstrap.staticResources?.clusters ?? []).entries()) {
    try {
      parseClusterConfig(cluster as unknown as ClusterInput);
    } catch (error) {
      problems.push({ path: `static_resources.clusters[${i}]`, message: messageOf(error) });
    }
  }
  const listeners = bootstrap.staticResources?.listeners ?? [];
  if (listeners.length === 0) return problems;
  const manager = createListenerManager({
    registry: proxyConfigRegistry(),
    concurrency: 1,
    dispatcher: currentDispatcher(),
  });
  for (const [i, listener] of listeners.entries()) {
    try {
      await manager.addOrUpdateListener(listener as unknown as ListenerInput);
    } catch (error) {
      problems.push({ path: `static_resources.listeners[${i}]`, message: messageOf(error) });
    }
  }
  return problems;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
