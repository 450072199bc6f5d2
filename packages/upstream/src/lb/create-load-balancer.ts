import type { ClusterConfig } from '../cluster-config.ts';
import type { Host } from '../host.ts';
import type { LoadBalancer } from '../load-balancer.ts';
import { LeastRequestLoadBalancer } from './least-request.ts';
import { MaglevLoadBalancer } from './maglev.ts';
import { RandomLoadBalancer } from './random-lb.ts';
import { RingHashLoadBalancer } from './ring-hash.ts';
import { RoundRobinLoadBalancer } from './round-robin.ts';

/** The cluster's `lb_policy` over `hosts` (the healthy ones). */
export function createLoadBalancer(config: ClusterConfig, hosts: readonly Host[]): LoadBalancer {
  switch (config.lbPolicy) {
    case 'LEAST_REQUEST':
      return new LeastRequestLoadBalancer(hosts, config.choiceCount);
    case 'RANDOM':
      return new RandomLoadBalancer(hosts);
    case 'RING_HASH':
      return new RingHashLoadBalancer(hosts, config.minimumRingSize, config.maximumRingSize);
    case 'MAGLEV':
      return new MaglevLoadBalancer(hosts, config.maglevTableSize);
    default:
      return new RoundRobinLoadBalancer(hosts);
  }
}
