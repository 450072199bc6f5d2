// The cost of a pick, per load-balancing policy, against the simplest possible baseline in the
// same run: `hosts[i++ % n]` over the same hosts. Picks happen once per connection, so these
// figures say how much of a connection's set-up the balancer takes.
import { type BenchFigure, measureOpsPerSecond, reportBench } from '@nuncio/bench-support';
import { createHostStatsBuffer } from '../src/host-stats.ts';
import {
  Host,
  LeastRequestLoadBalancer,
  type LoadBalancer,
  type LoadBalancerContext,
  MaglevLoadBalancer,
  RandomLoadBalancer,
  RingHashLoadBalancer,
  RoundRobinLoadBalancer,
  xxHash64,
} from '../src/index.ts';

const HOSTS = Number(process.env.BENCH_HOSTS ?? 16);
const BATCH = 10_000;

const hosts = Array.from(
  { length: HOSTS },
  (_, i) =>
    new Host({
      address: `10.0.${i >> 8}.${i & 255}`,
      port: 80,
      hostname: '',
      weight: 1,
      locality: { region: '', zone: '', subZone: '' },
      healthFlags: 0,
      stats: createHostStatsBuffer(),
    }),
);
const weighted = hosts.map(
  (host, i) =>
    new Host({
      address: host.address,
      port: host.port,
      hostname: '',
      weight: 1 + (i % 4),
      locality: host.locality,
      healthFlags: 0,
      stats: createHostStatsBuffer(),
    }),
);

/** A context hashing a rotating set of source addresses, as `hash_policy: source_ip` does. */
class SourceIpContext implements LoadBalancerContext {
  private i = 0;
  private readonly keys = Array.from({ length: 256 }, (_, i) => `192.168.1.${i}`);
  computeHashKey(): bigint {
    this.i = (this.i + 1) & 255;
    return xxHash64(this.keys[this.i] as string);
  }
}

let sink = 0;
async function picks(lb: LoadBalancer, context: LoadBalancerContext | null): Promise<number> {
  return measureOpsPerSecond(
    () => {
      for (let i = 0; i < BATCH; i++) sink += lb.chooseHost(context)?.port ?? 0;
    },
    { opsPerBatch: BATCH },
  );
}

let next = 0;
const baseline = await measureOpsPerSecond(
  () => {
    for (let i = 0; i < BATCH; i++) sink += (hosts[next++ % hosts.length] as Host).port;
  },
  { opsPerBatch: BATCH },
);

const hashed = new SourceIpContext();
const subjects: [string, LoadBalancer, LoadBalancerContext | null][] = [
  ['ROUND_ROBIN, equal weights', new RoundRobinLoadBalancer(hosts), null],
  ['ROUND_ROBIN, weighted (EDF)', new RoundRobinLoadBalancer(weighted), null],
  ['LEAST_REQUEST (P2C)', new LeastRequestLoadBalancer(hosts, 2), null],
  ['RANDOM', new RandomLoadBalancer(hosts), null],
  ['RING_HASH, source IP hash', new RingHashLoadBalancer(hosts, 1024, 8 * 1024 * 1024), hashed],
  ['MAGLEV, source IP hash', new MaglevLoadBalancer(hosts, 65537), hashed],
];
const figures: BenchFigure[] = [];
for (const [name, lb, context] of subjects) {
  figures.push({
    name: `${name}, ${HOSTS} hosts`,
    unit: 'picks/s',
    value: await picks(lb, context),
    baseline,
    baselineName: 'hosts[i++ % n]',
  });
}
const buildStart = performance.now();
new MaglevLoadBalancer(hosts, 65537);
const maglevBuild = performance.now() - buildStart;
const ringStart = performance.now();
new RingHashLoadBalancer(hosts, 1024, 8 * 1024 * 1024);
figures.push(
  {
    name: `MAGLEV table build (65537 slots, ${HOSTS} hosts)`,
    unit: 'ms',
    value: maglevBuild,
    baseline: null,
  },
  {
    name: `RING_HASH ring build (1024 entries, ${HOSTS} hosts)`,
    unit: 'ms',
    value: performance.now() - ringStart,
    baseline: null,
  },
);
reportBench('upstream-load-balancer', figures);
if (sink === 42) console.log(sink);
