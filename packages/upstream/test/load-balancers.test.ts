import { describe, expect, it } from 'vitest';
import { createHostStatsBuffer } from '../src/host-stats.ts';
import {
  EdfScheduler,
  Host,
  HostStat,
  LeastRequestLoadBalancer,
  type LoadBalancerContext,
  MaglevLoadBalancer,
  RandomLoadBalancer,
  RingHashLoadBalancer,
  RoundRobinLoadBalancer,
  xxHash64,
} from '../src/index.ts';

const LOCALITY = { region: '', zone: '', subZone: '' };

function host(address: string, port = 80, weight = 1): Host {
  return new Host({
    address,
    port,
    hostname: '',
    weight,
    locality: LOCALITY,
    healthFlags: 0,
    stats: createHostStatsBuffer(),
  });
}

function hosts(count: number, weight = 1): Host[] {
  return Array.from({ length: count }, (_, i) => host(`10.0.0.${i + 1}`, 80, weight));
}

class HashContext implements LoadBalancerContext {
  hash: bigint | null = null;
  computeHashKey(): bigint | null {
    return this.hash;
  }
}

function countPicks(pick: () => Host | null, n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const chosen = pick();
    if (chosen === null) throw new Error('no host');
    counts.set(chosen.addressString, (counts.get(chosen.addressString) ?? 0) + 1);
  }
  return counts;
}

describe('EdfScheduler', () => {
  it('picks in proportion to the weights, spread out', () => {
    const scheduler = new EdfScheduler(['a', 'b', 'c'], [1, 2, 3]);
    const picks = Array.from({ length: 600 }, () => scheduler.pick());
    expect(picks.filter((p) => p === 'a')).toHaveLength(100);
    expect(picks.filter((p) => p === 'b')).toHaveLength(200);
    expect(picks.filter((p) => p === 'c')).toHaveLength(300);
    // Spread: the heaviest never takes more than 3 picks out of any 6 in a row... roughly.
    for (let i = 0; i + 6 <= picks.length; i += 6) {
      const window = picks.slice(i, i + 6);
      expect(window.filter((p) => p === 'c').length).toBeLessThanOrEqual(4);
    }
  });
});

describe('ROUND_ROBIN', () => {
  it('takes equal-weight hosts in turn', () => {
    const list = hosts(3);
    const lb = new RoundRobinLoadBalancer(list);
    const first = lb.chooseHost();
    const start = list.indexOf(first as Host);
    for (let i = 1; i < 9; i++) expect(lb.chooseHost()).toBe(list[(start + i) % 3]);
  });

  it('follows the weights with unequal weights', () => {
    const list = [host('10.0.0.1', 80, 1), host('10.0.0.2', 80, 3)];
    const counts = countPicks(() => new RoundRobinLoadBalancer(list).chooseHost(), 1);
    expect(counts.size).toBe(1);
    const lb = new RoundRobinLoadBalancer(list);
    const many = countPicks(() => lb.chooseHost(), 4000);
    expect(many.get('10.0.0.1:80')).toBe(1000);
    expect(many.get('10.0.0.2:80')).toBe(3000);
  });

  it('has no host to give when there is none', () => {
    expect(new RoundRobinLoadBalancer([]).chooseHost()).toBeNull();
  });
});

describe('RANDOM', () => {
  it('spreads picks over every host', () => {
    const lb = new RandomLoadBalancer(hosts(4));
    const counts = countPicks(() => lb.chooseHost(), 8000);
    expect(counts.size).toBe(4);
    for (const count of counts.values()) expect(count).toBeGreaterThan(1500);
  });
});

describe('LEAST_REQUEST', () => {
  it('prefers the host with fewer active requests (power of two choices)', () => {
    const list = hosts(2);
    Atomics.store((list[0] as Host).stats, HostStat.rq_active, 10);
    const lb = new LeastRequestLoadBalancer(list, 2);
    const counts = countPicks(() => lb.chooseHost(), 1000);
    // The busy host wins only when both draws land on it: about a quarter of the time.
    expect(counts.get('10.0.0.2:80') ?? 0).toBeGreaterThan(650);
    expect(counts.get('10.0.0.1:80') ?? 0).toBeLessThan(350);
  });

  it('with more choices, almost always finds the idle host', () => {
    const list = hosts(4);
    for (let i = 1; i < 4; i++) Atomics.store((list[i] as Host).stats, HostStat.rq_active, 5);
    const lb = new LeastRequestLoadBalancer(list, 16);
    const counts = countPicks(() => lb.chooseHost(), 500);
    expect(counts.get('10.0.0.1:80') ?? 0).toBeGreaterThan(450);
  });
});

/** Picks for `keys` hashed with xxHash64, as the TCP proxy's source-IP hash policy does. */
function placements(lb: { hostForHash(hash: bigint): Host }, keys: readonly string[]): string[] {
  return keys.map((key) => lb.hostForHash(xxHash64(key)).addressString);
}

const KEYS = Array.from({ length: 4000 }, (_, i) => `192.168.${i >> 8}.${i & 255}`);

describe('RING_HASH', () => {
  it('builds a ring of minimum_ring_size entries for equal weights, in hash order', () => {
    const lb = new RingHashLoadBalancer(hosts(4), 1024, 8 * 1024 * 1024);
    expect(lb.size).toBe(1024);
    for (let i = 1; i < lb.hashes.length; i++) {
      expect((lb.hashes[i - 1] as bigint) <= (lb.hashes[i] as bigint)).toBe(true);
    }
  });

  it('places hosts by xxHash64 of "<address>:<port>_<i>" as Envoy does', () => {
    const only = host('127.0.0.1', 80);
    const lb = new RingHashLoadBalancer([only], 4, 4);
    const expected = [0, 1, 2, 3]
      .map((i) => xxHash64(`127.0.0.1:80_${i}`))
      .sort((a, b) => (a < b ? -1 : 1));
    expect([...lb.hashes]).toEqual(expected);
  });

  it('gives each host a share of the ring in proportion to its weight', () => {
    const list = [host('10.0.0.1', 80, 1), host('10.0.0.2', 80, 3)];
    const lb = new RingHashLoadBalancer(list, 1024, 8 * 1024 * 1024);
    // The lightest host gets ceil(0.25 * 1024) = 256 entries; the heavy one three times that.
    expect(lb.size).toBe(1024);
    const counts = new Map<string, number>();
    for (const key of KEYS) {
      const chosen = lb.hostForHash(xxHash64(key)).addressString;
      counts.set(chosen, (counts.get(chosen) ?? 0) + 1);
    }
    const heavy = counts.get('10.0.0.2:80') ?? 0;
    expect(heavy / KEYS.length).toBeGreaterThan(0.65);
    expect(heavy / KEYS.length).toBeLessThan(0.85);
  });

  it('is stable: the same key lands on the same host, and removing a host moves only its share', () => {
    const list = hosts(5);
    // 200 entries per host before (1000 / 5) and after (800 / 4): each remaining host keeps
    // exactly its points, so only the removed host's keys move (the ketama property).
    const before = placements(new RingHashLoadBalancer(list, 1000, 8 * 1024 * 1024), KEYS);
    expect(placements(new RingHashLoadBalancer(list, 1000, 8 * 1024 * 1024), KEYS)).toEqual(before);
    const removed = (list[2] as Host).addressString;
    const remaining = list.filter((_, i) => i !== 2);
    const after = placements(new RingHashLoadBalancer(remaining, 800, 8 * 1024 * 1024), KEYS);
    let moved = 0;
    for (let i = 0; i < KEYS.length; i++) {
      if (before[i] === removed) expect(after[i]).not.toBe(removed);
      else if (after[i] !== before[i]) moved++;
    }
    expect(moved).toBe(0);
    expect(before.filter((h) => h === removed).length).toBeGreaterThan(KEYS.length / 10);
  });

  it('with a fixed minimum ring size, removing a host moves few of the other keys', () => {
    // Envoy sizes the ring from the lightest host: 5 hosts get 205 points each, 4 get 256, so
    // the remaining hosts gain points and take a few keys from one another.
    const list = hosts(5);
    const before = placements(new RingHashLoadBalancer(list, 1024, 8 * 1024 * 1024), KEYS);
    const removed = (list[2] as Host).addressString;
    const after = placements(
      new RingHashLoadBalancer(
        list.filter((_, i) => i !== 2),
        1024,
        8 * 1024 * 1024,
      ),
      KEYS,
    );
    let movedOthers = 0;
    for (let i = 0; i < KEYS.length; i++) {
      if (before[i] !== removed && after[i] !== before[i]) movedOthers++;
    }
    expect(movedOthers / KEYS.length).toBeLessThan(0.15);
  });

  it('follows the context hash, or picks at random without one', () => {
    const lb = new RingHashLoadBalancer(hosts(3), 64, 1024);
    const context = new HashContext();
    context.hash = xxHash64('10.1.2.3');
    const chosen = lb.chooseHost(context);
    for (let i = 0; i < 10; i++) expect(lb.chooseHost(context)).toBe(chosen);
    context.hash = null;
    const counts = countPicks(() => lb.chooseHost(context), 600);
    expect(counts.size).toBe(3);
  });
});

describe('MAGLEV', () => {
  it('fills every slot of a prime table, in proportion to the weights', () => {
    const list = [host('10.0.0.1', 80, 1), host('10.0.0.2', 80, 2), host('10.0.0.3', 80, 1)];
    const lb = new MaglevLoadBalancer(list, 65537);
    expect(lb.table.length).toBe(65537);
    const slots = new Map<string, number>();
    for (const index of lb.table) {
      expect(index).toBeGreaterThanOrEqual(0);
      const key = (lb.hosts[index] as Host).addressString;
      slots.set(key, (slots.get(key) ?? 0) + 1);
    }
    expect(Math.abs((slots.get('10.0.0.2:80') ?? 0) / 65537 - 0.5)).toBeLessThan(0.01);
    expect(Math.abs((slots.get('10.0.0.1:80') ?? 0) / 65537 - 0.25)).toBeLessThan(0.01);
  });

  it('uses Envoy offsets and skips: xxHash64 of the address with seeds 0 and 1', () => {
    const only = host('127.0.0.1', 80);
    const lb = new MaglevLoadBalancer([only], 7);
    expect([...lb.table]).toEqual([0, 0, 0, 0, 0, 0, 0]);
    const two = [host('10.0.0.1'), host('10.0.0.2')];
    const table = new MaglevLoadBalancer(two, 7).table;
    // The first host (in address order) claims its offset slot first.
    const offset = Number(xxHash64('10.0.0.1:80') % 7n);
    expect(table[offset]).toBe(0);
  });

  it('is stable: removing a host moves little besides the keys it held', () => {
    const list = hosts(5);
    const before = placements(new MaglevLoadBalancer(list, 65537), KEYS);
    expect(placements(new MaglevLoadBalancer(list, 65537), KEYS)).toEqual(before);
    const removed = (list[1] as Host).addressString;
    const after = placements(
      new MaglevLoadBalancer(
        list.filter((_, i) => i !== 1),
        65537,
      ),
      KEYS,
    );
    let movedOthers = 0;
    for (let i = 0; i < KEYS.length; i++) {
      if (before[i] === removed) expect(after[i]).not.toBe(removed);
      else if (after[i] !== before[i]) movedOthers++;
    }
    // Maglev trades a little disruption for even spread: well under 5% of the other keys move.
    expect(movedOthers / KEYS.length).toBeLessThan(0.05);
  });
});
