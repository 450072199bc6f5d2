import type { Host } from '../host.ts';

/** Hosts with their weights divided by the total (Envoy's `NormalizedHostWeightVector`). */
export interface NormalizedWeights {
  readonly hosts: readonly Host[];
  readonly weights: readonly number[];
  readonly min: number;
  readonly max: number;
}

/** Normalizes the hosts' weights to sum to 1. */
export function normalizeWeights(hosts: readonly Host[]): NormalizedWeights {
  let total = 0;
  for (const host of hosts) total += host.weight;
  let min = 1;
  let max = 0;
  const weights = hosts.map((host) => {
    const weight = host.weight / total;
    if (weight < min) min = weight;
    if (weight > max) max = weight;
    return weight;
  });
  return { hosts, weights, min, max };
}
