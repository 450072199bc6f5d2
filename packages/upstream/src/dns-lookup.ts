import { lookup } from 'node:dns/promises';
import type { DnsLookupFamily } from './cluster-config.ts';
import { isIpAddress } from './cluster-config.ts';

/**
 * Resolves a name to IP addresses for the DNS clusters, honouring the cluster's
 * `dns_lookup_family`. Rejects when the name cannot be resolved. Injectable, so tests and
 * programs can resolve their own way.
 */
export type DnsLookup = (name: string, family: DnsLookupFamily) => Promise<string[]>;

/**
 * The default {@link DnsLookup}: `dns.lookup` (the system resolver, with `/etc/hosts`, as
 * `localhost` needs) with every address, then filtered as Envoy does: `AUTO` gives the IPv6
 * addresses when there are any, else the IPv4 ones; `V4_PREFERRED` the reverse; `ALL` both.
 */
export const systemDnsLookup: DnsLookup = async (name, family) => {
  if (isIpAddress(name)) return [name];
  const results = await lookup(name, {
    all: true,
    family: family === 'V4_ONLY' ? 4 : family === 'V6_ONLY' ? 6 : 0,
  });
  const v4 = results.filter((entry) => entry.family === 4).map((entry) => entry.address);
  const v6 = results.filter((entry) => entry.family === 6).map((entry) => entry.address);
  switch (family) {
    case 'V4_ONLY':
      return v4;
    case 'V6_ONLY':
      return v6;
    case 'V4_PREFERRED':
      return v4.length > 0 ? v4 : v6;
    case 'ALL':
      return [...v4, ...v6];
    default:
      return v6.length > 0 ? v6 : v4;
  }
};
