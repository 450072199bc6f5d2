import {
  type CidrRange,
  cidrContains,
  type IpBytes,
  isLoopback,
  parseCidrRange,
  parseIp,
  sameIp,
} from './cidr.ts';
import type { ConnectionInfoProvider } from './connection-info.ts';
import { invalidListenerConfig, ListenerConfigError, NetworkErrorCode } from './errors.ts';
import type { FilterChainManager } from './filter-chain-manager.ts';
import type { CidrRangeInput, FilterChainInput, FilterChainMatchInput } from './listener-input.ts';

/**
 * Values keyed by CIDR range, looked up by the most specific range containing an address (Envoy's
 * LC trie in exclusive mode). A null range is the catch-all (`0.0.0.0/0` and `::/0`).
 */
class CidrMap<T> {
  private readonly byText: Map<string, T>;
  /** Ranges, longest prefix first. */
  private readonly ranges: { range: CidrRange; value: T }[];
  private anyValue: T | undefined;

  constructor() {
    this.byText = new Map();
    this.ranges = [];
    this.anyValue = undefined;
  }

  get size(): number {
    return this.byText.size + (this.anyValue === undefined ? 0 : 1);
  }

  /** Whether any range other than the catch-all is present (else no address is needed). */
  get hasRanges(): boolean {
    return this.ranges.length !== 0;
  }

  /** The catch-all's value. */
  get any(): T | undefined {
    return this.anyValue;
  }

  getOrCreate(range: CidrRange | null, create: () => T): T {
    if (range === null) {
      this.anyValue ??= create();
      return this.anyValue;
    }
    let value = this.byText.get(range.text);
    if (value === undefined) {
      value = create();
      this.byText.set(range.text, value);
      let at = this.ranges.length;
      while (at > 0 && (this.ranges[at - 1]?.range.prefixLen ?? 0) < range.prefixLen) at--;
      this.ranges.splice(at, 0, { range, value });
    }
    return value;
  }

  lookup(ip: IpBytes | null): T | undefined {
    if (ip !== null) {
      const ranges = this.ranges;
      for (let i = 0; i < ranges.length; i++) {
        const entry = ranges[i] as { range: CidrRange; value: T };
        if (cidrContains(entry.range, ip)) return entry.value;
      }
    }
    return this.anyValue;
  }
}

interface Leaf<C> {
  readonly chain: C;
  readonly label: string;
}

type SourcePortsMap<C> = Map<number, Leaf<C>>;
/** Indexed by source type: 0 ANY, 1 SAME_IP_OR_LOOPBACK, 2 EXTERNAL (Envoy's enum values). */
type SourceTypes<C> = [
  CidrMap<SourcePortsMap<C>>,
  CidrMap<SourcePortsMap<C>>,
  CidrMap<SourcePortsMap<C>>,
];
type DirectSourceIps<C> = CidrMap<SourceTypes<C>>;
type ApplicationProtocols<C> = Map<string, DirectSourceIps<C>>;
type TransportProtocols<C> = Map<string, ApplicationProtocols<C>>;
type ServerNames<C> = Map<string, TransportProtocols<C>>;
type DestinationIps<C> = CidrMap<ServerNames<C>>;

const SOURCE_TYPE_INDEX = { ANY: 0, SAME_IP_OR_LOOPBACK: 1, EXTERNAL: 2 } as const;

/** How a chain is named in messages: its name, or its place in the list. */
export function filterChainLabel(chain: FilterChainInput, index: number): string {
  if (chain.name !== undefined && chain.name !== '') return chain.name;
  return index < 0 ? 'default_filter_chain' : `filter_chains[${index}]`;
}

function rangesJson(ranges: readonly CidrRangeInput[]): unknown[] {
  return ranges.map((range) =>
    range.prefixLen === undefined
      ? { address_prefix: range.addressPrefix }
      : { address_prefix: range.addressPrefix, prefix_len: range.prefixLen },
  );
}

/**
 * The match as Envoy prints it in its duplicate-matcher error: proto JSON with proto field names,
 * in declaration order, defaults left out. Two matches are identical when these strings are.
 */
export function filterChainMatchJson(match: FilterChainMatchInput | undefined): string {
  const m = match ?? {};
  const out: Record<string, unknown> = {};
  if (m.destinationPort !== undefined) out.destination_port = m.destinationPort;
  if (m.prefixRanges?.length) out.prefix_ranges = rangesJson(m.prefixRanges);
  if (m.addressSuffix) out.address_suffix = m.addressSuffix;
  if (m.suffixLen !== undefined) out.suffix_len = m.suffixLen;
  if (m.directSourcePrefixRanges?.length) {
    out.direct_source_prefix_ranges = rangesJson(m.directSourcePrefixRanges);
  }
  if (m.sourceType !== undefined && m.sourceType !== 'ANY') out.source_type = m.sourceType;
  if (m.sourcePrefixRanges?.length) out.source_prefix_ranges = rangesJson(m.sourcePrefixRanges);
  if (m.sourcePorts?.length) out.source_ports = [...m.sourcePorts];
  if (m.serverNames?.length) out.server_names = [...m.serverNames];
  if (m.transportProtocol) out.transport_protocol = m.transportProtocol;
  if (m.applicationProtocols?.length) out.application_protocols = [...m.applicationProtocols];
  return JSON.stringify(out);
}

/** What {@link buildFilterChainManager} needs. */
export interface FilterChainManagerOptions<C> {
  /** The listener's address as Envoy prints it in errors (`127.0.0.1:10000`). */
  listenerAddress: string;
  /** The listener's `filter_chains`. */
  filterChains: readonly FilterChainInput[];
  /** The listener's `default_filter_chain`. */
  defaultFilterChain?: FilterChainInput | undefined;
  /** Builds a chain into what selection returns; `index` is -1 for the default chain. */
  build(chain: FilterChainInput, index: number): C;
}

class FilterChainManagerImpl<C> implements FilterChainManager<C> {
  readonly filterChains: readonly C[];
  readonly defaultFilterChain: C | null;
  private readonly ports: Map<number, DestinationIps<C>>;
  private readonly address: string;

  constructor(options: FilterChainManagerOptions<C>) {
    this.address = options.listenerAddress;
    this.ports = new Map();
    const seen = new Map<string, string>();
    const chains: C[] = [];
    options.filterChains.forEach((chain, index) => {
      const label = filterChainLabel(chain, index);
      const match = chain.filterChainMatch ?? {};
      if ((match.addressSuffix ?? '') !== '' || match.suffixLen !== undefined) {
        throw invalidListenerConfig(
          `error adding listener '${this.address}': filter chain '${label}' contains unimplemented fields`,
        );
      }
      const json = filterChainMatchJson(match);
      const other = seen.get(json);
      if (other !== undefined) {
        throw new ListenerConfigError(
          NetworkErrorCode.DuplicateFilterChainMatch,
          `error adding listener '${this.address}': filter chain '${label}' has the same matching rules defined as '${other}'. duplicate matcher is: ${json}`,
        );
      }
      seen.set(json, label);
      const built = options.build(chain, index);
      chains.push(built);
      this.add(match, { chain: built, label });
    });
    this.filterChains = chains;
    this.defaultFilterChain =
      options.defaultFilterChain === undefined
        ? null
        : options.build(options.defaultFilterChain, -1);
  }

  private ranges(
    label: string,
    ranges: readonly CidrRangeInput[] | undefined,
  ): (CidrRange | null)[] {
    if (ranges === undefined || ranges.length === 0) return [null];
    return ranges.map((input) => {
      const range = parseCidrRange(input.addressPrefix, input.prefixLen ?? 0);
      if (typeof range === 'string') {
        throw invalidListenerConfig(
          `error adding listener '${this.address}': filter chain '${label}': ${range}`,
        );
      }
      return range;
    });
  }

  private serverNames(label: string, names: readonly string[] | undefined): string[] {
    if (names === undefined || names.length === 0) return [''];
    return names.map((name) => {
      if (name.includes('*') && !name.startsWith('*.')) {
        throw invalidListenerConfig(
          `error adding listener '${this.address}': partial wildcards are not supported in "server_names" (filter chain '${label}': ${JSON.stringify(name)})`,
        );
      }
      const lower = name.toLowerCase();
      // `*.example.com` is stored as `.example.com`, the suffix a lookup tries.
      return lower.startsWith('*.') ? lower.slice(1) : lower;
    });
  }

  private add(match: FilterChainMatchInput, leaf: Leaf<C>): void {
    const label = leaf.label;
    const destinationIps = this.ranges(label, match.prefixRanges);
    const names = this.serverNames(label, match.serverNames);
    const transport = match.transportProtocol ?? '';
    const protocols = match.applicationProtocols?.length ? match.applicationProtocols : [''];
    const directSourceIps = this.ranges(label, match.directSourcePrefixRanges);
    const sourceType = SOURCE_TYPE_INDEX[match.sourceType ?? 'ANY'];
    const sourceIps = this.ranges(label, match.sourcePrefixRanges);
    const sourcePorts = match.sourcePorts?.length ? match.sourcePorts : [0];

    const port = match.destinationPort ?? 0;
    let byIp = this.ports.get(port);
    if (byIp === undefined) {
      byIp = new CidrMap();
      this.ports.set(port, byIp);
    }
    for (const destination of destinationIps) {
      const byName = byIp.getOrCreate(destination, (): ServerNames<C> => new Map());
      for (const name of names) {
        const byTransport = getOrSet(byName, name, (): TransportProtocols<C> => new Map());
        const byProtocol = getOrSet(
          byTransport,
          transport,
          (): ApplicationProtocols<C> => new Map(),
        );
        for (const protocol of protocols) {
          const byDirect = getOrSet(byProtocol, protocol, (): DirectSourceIps<C> => new CidrMap());
          for (const direct of directSourceIps) {
            const types = byDirect.getOrCreate(
              direct,
              (): SourceTypes<C> => [new CidrMap(), new CidrMap(), new CidrMap()],
            );
            const bySource = types[sourceType];
            for (const source of sourceIps) {
              const byPort = bySource.getOrCreate(source, (): SourcePortsMap<C> => new Map());
              for (const sourcePort of sourcePorts) {
                const existing = byPort.get(sourcePort);
                if (existing !== undefined) {
                  throw new ListenerConfigError(
                    NetworkErrorCode.OverlappingFilterChainMatch,
                    `error adding listener '${this.address}': multiple filter chains with overlapping matching rules are defined (filter chain '${label}' overlaps '${existing.label}')`,
                  );
                }
                byPort.set(sourcePort, leaf);
              }
            }
          }
        }
      }
    }
  }

  findFilterChain(info: ConnectionInfoProvider): C | null {
    // Addresses cost a system call each: they are read only when some chain matches on them.
    const onlyAnyPort = this.ports.size === 1 && this.ports.has(0);
    const exact = onlyAnyPort ? undefined : this.ports.get(info.localAddress.port);
    if (exact !== undefined) {
      // A subtree for the exact port exists: the catch-all port is not tried, as in Envoy.
      return this.findForDestinationIp(exact, info) ?? this.defaultFilterChain;
    }
    const any = this.ports.get(0);
    return (
      (any === undefined ? null : this.findForDestinationIp(any, info)) ?? this.defaultFilterChain
    );
  }

  private findForDestinationIp(byIp: DestinationIps<C>, info: ConnectionInfoProvider): C | null {
    const byName = byIp.hasRanges ? byIp.lookup(parseIp(info.localAddress.address)) : byIp.any;
    return byName === undefined ? null : this.findForServerName(byName, info);
  }

  private findForServerName(byName: ServerNames<C>, info: ConnectionInfoProvider): C | null {
    const name = info.requestedServerName;
    const exact = byName.get(name);
    if (exact !== undefined) return this.findForTransport(exact, info);
    // `www.example.com` tries `.example.com`, then `.com`: the longest wildcard first.
    let dot = name.indexOf('.', 1);
    while (dot !== -1 && dot < name.length - 1) {
      const wildcard = byName.get(name.slice(dot));
      if (wildcard !== undefined) return this.findForTransport(wildcard, info);
      dot = name.indexOf('.', dot + 1);
    }
    const any = byName.get('');
    return any === undefined ? null : this.findForTransport(any, info);
  }

  private findForTransport(
    byTransport: TransportProtocols<C>,
    info: ConnectionInfoProvider,
  ): C | null {
    const found = byTransport.get(info.detectedTransportProtocol) ?? byTransport.get('');
    return found === undefined ? null : this.findForApplicationProtocols(found, info);
  }

  private findForApplicationProtocols(
    byProtocol: ApplicationProtocols<C>,
    info: ConnectionInfoProvider,
  ): C | null {
    for (const protocol of info.requestedApplicationProtocols) {
      const found = byProtocol.get(protocol);
      if (found !== undefined) return this.findForDirectSourceIp(found, info);
    }
    const any = byProtocol.get('');
    return any === undefined ? null : this.findForDirectSourceIp(any, info);
  }

  private findForDirectSourceIp(
    byDirect: DirectSourceIps<C>,
    info: ConnectionInfoProvider,
  ): C | null {
    const types = byDirect.hasRanges
      ? byDirect.lookup(parseIp(info.directRemoteAddress.address))
      : byDirect.any;
    return types === undefined ? null : this.findForSourceType(types, info);
  }

  private findForSourceType(types: SourceTypes<C>, info: ConnectionInfoProvider): C | null {
    const [any, local, external] = types;
    if (local.size > 0 || external.size > 0) {
      const remote = parseIp(info.remoteAddress.address);
      const localIp = parseIp(info.localAddress.address);
      const isLocal =
        remote !== null && (isLoopback(remote) || (localIp !== null && sameIp(remote, localIp)));
      if (isLocal && local.size > 0) return this.findForSourceIpAndPort(local, info);
      if (!isLocal && external.size > 0) return this.findForSourceIpAndPort(external, info);
    }
    return any.size > 0 ? this.findForSourceIpAndPort(any, info) : null;
  }

  private findForSourceIpAndPort(
    bySource: CidrMap<SourcePortsMap<C>>,
    info: ConnectionInfoProvider,
  ): C | null {
    const byPort = bySource.hasRanges
      ? bySource.lookup(parseIp(info.remoteAddress.address))
      : bySource.any;
    if (byPort === undefined) return null;
    if (byPort.size === 1) {
      const any = byPort.get(0);
      if (any !== undefined) return any.chain;
    }
    const port = info.remoteAddress.port;
    const exact = byPort.get(port);
    if (exact !== undefined) return exact.chain;
    return port === 0 ? null : (byPort.get(0)?.chain ?? null);
  }
}

function getOrSet<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}

/**
 * Builds the match tree of a listener's chains (Envoy's `FilterChainManagerImpl::addFilterChains`).
 * Throws a `ListenerConfigError`: `NUNCIO_ERR_LISTENER_DUPLICATE_MATCH` when two chains have
 * identical matches (naming both, with the match as JSON),
 * `NUNCIO_ERR_LISTENER_OVERLAPPING_MATCH` when two chains claim the same leaf through their
 * repeated fields (naming both), `NUNCIO_ERR_LISTENER_INVALID_CONFIG` for a malformed range, a
 * partial wildcard server name or the unimplemented suffix fields.
 */
export function buildFilterChainManager<C>(
  options: FilterChainManagerOptions<C>,
): FilterChainManager<C> {
  return new FilterChainManagerImpl(options);
}
