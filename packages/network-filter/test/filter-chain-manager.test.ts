// Filter-chain selection, table-driven from the examples and rules of Envoy's documentation
// (FilterChainMatch, the SNI FAQ, the TLS-detection example) and the error messages of Envoy's
// FilterChainManagerImpl.
import { describe, expect, it } from 'vitest';
import {
  buildFilterChainManager,
  type ConnectionInfoProvider,
  type FilterChainInput,
  type FilterChainMatchInput,
  NetworkErrorCode,
  type SocketAddress,
} from '../src/index.ts';

function address(text: string): SocketAddress {
  const colon = text.lastIndexOf(':');
  const host = text.slice(0, colon).replace(/^\[|\]$/g, '');
  return {
    address: host,
    port: Number(text.slice(colon + 1)),
    family: host.includes(':') ? 'IPv6' : 'IPv4',
  };
}

interface Conn {
  local?: string;
  remote?: string;
  direct?: string;
  sni?: string;
  alpn?: string[];
  transport?: string;
}

function info(conn: Conn): ConnectionInfoProvider {
  const remote = address(conn.remote ?? '10.9.9.9:40000');
  return {
    localAddress: address(conn.local ?? '10.0.0.1:10000'),
    remoteAddress: remote,
    directRemoteAddress: conn.direct === undefined ? remote : address(conn.direct),
    requestedServerName: conn.sni ?? '',
    requestedApplicationProtocols: conn.alpn ?? [],
    detectedTransportProtocol: conn.transport ?? 'raw_buffer',
  };
}

function chains(spec: Record<string, FilterChainMatchInput | undefined>): FilterChainInput[] {
  return Object.entries(spec).map(([name, match]) =>
    match === undefined ? { name } : { name, filterChainMatch: match },
  );
}

function manager(spec: Record<string, FilterChainMatchInput | undefined>, defaultChain?: string) {
  return buildFilterChainManager({
    listenerAddress: '0.0.0.0:10000',
    filterChains: chains(spec),
    defaultFilterChain: defaultChain === undefined ? undefined : { name: defaultChain },
    build: (chain) => chain.name ?? '',
  });
}

type Case = [what: string, conn: Conn, expected: string | null];

const tables: {
  title: string;
  chains: Record<string, FilterChainMatchInput | undefined>;
  defaultChain?: string;
  cases: Case[];
}[] = [
  {
    title: 'destination port: the exact port, else chains without a port; a wrong port never',
    chains: { port8080: { destinationPort: 8080 }, anyPort: {} },
    cases: [
      ['port 8080', { local: '10.0.0.1:8080' }, 'port8080'],
      ['port 9090', { local: '10.0.0.1:9090' }, 'anyPort'],
    ],
  },
  {
    title: 'destination port: only a wrong port configured',
    chains: { port8080: { destinationPort: 8080 } },
    cases: [['port 9090 matches nothing', { local: '10.0.0.1:9090' }, null]],
  },
  {
    title: 'destination port: an exact-port subtree that fails goes to the default, not to port 0',
    chains: { port8080: { destinationPort: 8080, serverNames: ['a.com'] }, anyPort: {} },
    defaultChain: 'fallback',
    cases: [
      ['port 8080, SNI a.com', { local: '10.0.0.1:8080', sni: 'a.com' }, 'port8080'],
      ['port 8080, SNI b.com', { local: '10.0.0.1:8080', sni: 'b.com' }, 'fallback'],
      ['port 9090, SNI b.com', { local: '10.0.0.1:9090', sni: 'b.com' }, 'anyPort'],
    ],
  },
  {
    title: 'destination IP: the longest matching prefix',
    chains: {
      wide: { prefixRanges: [{ addressPrefix: '10.0.0.0', prefixLen: 8 }] },
      narrow: { prefixRanges: [{ addressPrefix: '10.1.0.0', prefixLen: 16 }] },
      v6: { prefixRanges: [{ addressPrefix: '::1', prefixLen: 128 }] },
      any: {},
    },
    cases: [
      ['10.1.2.3', { local: '10.1.2.3:10000' }, 'narrow'],
      ['10.2.0.1', { local: '10.2.0.1:10000' }, 'wide'],
      ['192.168.0.1', { local: '192.168.0.1:10000' }, 'any'],
      ['::1', { local: '[::1]:10000' }, 'v6'],
      ['::2', { local: '[::2]:10000' }, 'any'],
    ],
  },
  {
    title: 'server names: www.example.com, then *.example.com, then *.com, then none',
    chains: {
      exact: { serverNames: ['www.example.com'] },
      wildcard: { serverNames: ['*.example.com'] },
      tld: { serverNames: ['*.com'] },
      none: {},
    },
    cases: [
      ['www.example.com', { sni: 'www.example.com' }, 'exact'],
      ['api.example.com', { sni: 'api.example.com' }, 'wildcard'],
      ['a.b.example.com (longest wildcard)', { sni: 'a.b.example.com' }, 'wildcard'],
      ['example.com is not *.example.com', { sni: 'example.com' }, 'tld'],
      ['foo.com', { sni: 'foo.com' }, 'tld'],
      ['example.org', { sni: 'example.org' }, 'none'],
      ['no SNI', {}, 'none'],
    ],
  },
  {
    title: "server names: the SNI FAQ's listener (no chain without server_names)",
    chains: {
      example: { serverNames: ['example.com', 'www.example.com'] },
      api: { serverNames: ['api.example.com'] },
    },
    cases: [
      ['example.com', { sni: 'example.com', transport: 'tls' }, 'example'],
      ['www.example.com', { sni: 'www.example.com', transport: 'tls' }, 'example'],
      ['api.example.com', { sni: 'api.example.com', transport: 'tls' }, 'api'],
      ['other.example.com', { sni: 'other.example.com', transport: 'tls' }, null],
      ['no SNI', { transport: 'tls' }, null],
    ],
  },
  {
    title: 'server names: configured names are matched without regard to case',
    chains: { upper: { serverNames: ['WWW.Example.COM'] } },
    cases: [['www.example.com', { sni: 'www.example.com' }, 'upper']],
  },
  {
    title: 'transport protocol: the TLS-detection example (tls, else plaintext)',
    chains: { tls: { transportProtocol: 'tls' }, plaintext: {} },
    cases: [
      ['tls', { transport: 'tls' }, 'tls'],
      ['raw_buffer', { transport: 'raw_buffer' }, 'plaintext'],
    ],
  },
  {
    title: 'transport protocol: raw_buffer is what no listener filter detected',
    chains: { raw: { transportProtocol: 'raw_buffer' }, tls: { transportProtocol: 'tls' } },
    cases: [
      ['raw_buffer', {}, 'raw'],
      ['tls', { transport: 'tls' }, 'tls'],
    ],
  },
  {
    title: "application protocols: the client's first protocol that a chain names",
    chains: {
      h2: { applicationProtocols: ['h2'] },
      h1: { applicationProtocols: ['http/1.1'] },
      any: {},
    },
    cases: [
      ['h2 first', { alpn: ['h2', 'http/1.1'] }, 'h2'],
      ['http/1.1 first', { alpn: ['http/1.1', 'h2'] }, 'h1'],
      ['unknown protocol', { alpn: ['foo'] }, 'any'],
      ['no ALPN', {}, 'any'],
    ],
  },
  {
    title: 'direct source IP',
    chains: {
      lan: { directSourcePrefixRanges: [{ addressPrefix: '192.168.0.0', prefixLen: 16 }] },
      any: {},
    },
    cases: [
      ['from 192.168.1.1', { remote: '192.168.1.1:5000' }, 'lan'],
      ['from 10.1.1.1', { remote: '10.1.1.1:5000' }, 'any'],
      [
        'restored remote, direct from the LAN',
        { remote: '8.8.8.8:1', direct: '192.168.3.3:2' },
        'lan',
      ],
    ],
  },
  {
    title: 'source type: local, external, any',
    chains: {
      local: { sourceType: 'SAME_IP_OR_LOOPBACK' },
      external: { sourceType: 'EXTERNAL' },
      any: { sourceType: 'ANY', serverNames: [] },
    },
    cases: [
      ['loopback', { local: '127.0.0.1:10000', remote: '127.0.0.1:5000' }, 'local'],
      ['same IP', { local: '10.0.0.1:10000', remote: '10.0.0.1:5000' }, 'local'],
      ['external', { local: '10.0.0.1:10000', remote: '10.0.0.2:5000' }, 'external'],
    ],
  },
  {
    title: 'source type: falls back to ANY when the specific type has no chain',
    chains: { local: { sourceType: 'SAME_IP_OR_LOOPBACK' }, any: {} },
    cases: [
      ['loopback', { remote: '127.0.0.1:5000' }, 'local'],
      ['external', { remote: '10.0.0.2:5000' }, 'any'],
    ],
  },
  {
    title: 'source IP: the longest matching prefix',
    chains: {
      wide: { sourcePrefixRanges: [{ addressPrefix: '10.0.0.0', prefixLen: 8 }] },
      narrow: { sourcePrefixRanges: [{ addressPrefix: '10.10.0.0', prefixLen: 16 }] },
      any: {},
    },
    cases: [
      ['from 10.10.1.1', { remote: '10.10.1.1:5000' }, 'narrow'],
      ['from 10.20.1.1', { remote: '10.20.1.1:5000' }, 'wide'],
      ['from 172.16.0.1', { remote: '172.16.0.1:5000' }, 'any'],
    ],
  },
  {
    title: 'source ports: the exact port, else chains without ports',
    chains: { port1000: { sourcePorts: [1000, 1001] }, any: {} },
    cases: [
      ['from port 1000', { remote: '10.1.1.1:1000' }, 'port1000'],
      ['from port 1001', { remote: '10.1.1.1:1001' }, 'port1000'],
      ['from port 2000', { remote: '10.1.1.1:2000' }, 'any'],
    ],
  },
  {
    title: 'precedence: destination port is decided before server names',
    chains: { port443: { destinationPort: 443 }, named: { serverNames: ['x.com'] } },
    cases: [
      ['port 443 with SNI x.com', { local: '10.0.0.1:443', sni: 'x.com' }, 'port443'],
      ['port 80 with SNI x.com', { local: '10.0.0.1:80', sni: 'x.com' }, 'named'],
    ],
  },
  {
    title: 'precedence: server name is decided before transport protocol and ALPN',
    chains: {
      named: { serverNames: ['a.com'] },
      tlsH2: { transportProtocol: 'tls', applicationProtocols: ['h2'] },
    },
    cases: [
      ['a.com over TLS with h2', { sni: 'a.com', transport: 'tls', alpn: ['h2'] }, 'named'],
      ['b.com over TLS with h2', { sni: 'b.com', transport: 'tls', alpn: ['h2'] }, 'tlsH2'],
    ],
  },
  {
    title: 'no backtracking: a matching branch that fails later does not fall back to another',
    chains: {
      tenOnly: {
        prefixRanges: [{ addressPrefix: '10.0.0.0', prefixLen: 8 }],
        serverNames: ['a.com'],
      },
      bCom: { serverNames: ['b.com'] },
    },
    defaultChain: 'fallback',
    cases: [
      [
        '10.1.1.1 with b.com: committed to 10/8',
        { local: '10.1.1.1:10000', sni: 'b.com' },
        'fallback',
      ],
      ['192.168.1.1 with b.com', { local: '192.168.1.1:10000', sni: 'b.com' }, 'bCom'],
      ['10.1.1.1 with a.com', { local: '10.1.1.1:10000', sni: 'a.com' }, 'tenOnly'],
    ],
  },
  {
    title: 'no backtracking: *.foo.test with h2 only, for a client offering http/1.1',
    chains: {
      short: { serverNames: ['*.foo.test'], applicationProtocols: ['h2'] },
      long: { serverNames: ['*.b.foo.test'] },
    },
    cases: [
      ['x.foo.test offering http/1.1', { sni: 'x.foo.test', alpn: ['http/1.1'] }, null],
      ['x.foo.test offering h2', { sni: 'x.foo.test', alpn: ['h2'] }, 'short'],
      ['x.b.foo.test offering http/1.1', { sni: 'x.b.foo.test', alpn: ['http/1.1'] }, 'long'],
    ],
  },
  {
    title: 'default filter chain when nothing matches',
    chains: { named: { serverNames: ['a.com'] } },
    defaultChain: 'fallback',
    cases: [
      ['a.com', { sni: 'a.com' }, 'named'],
      ['b.com', { sni: 'b.com' }, 'fallback'],
    ],
  },
];

describe('filter chain selection', () => {
  for (const table of tables) {
    describe(table.title, () => {
      const chainManager = manager(table.chains, table.defaultChain);
      it.each(table.cases)('%s', (_what, conn, expected) => {
        expect(chainManager.findFilterChain(info(conn))).toBe(expected);
      });
    });
  }

  it('lists the chains and the default chain as built', () => {
    const built = manager({ a: { serverNames: ['a.com'] }, b: {} }, 'fallback');
    expect(built.filterChains).toEqual(['a', 'b']);
    expect(built.defaultFilterChain).toBe('fallback');
  });
});

describe('ambiguous and invalid filter chains', () => {
  function build(filterChains: FilterChainInput[]) {
    return () =>
      buildFilterChainManager({
        listenerAddress: '[::]:8443',
        filterChains,
        build: (chain) => chain.name,
      });
  }

  it('rejects identical matches, naming both chains and printing the matcher as Envoy does', () => {
    expect(
      build([
        { name: 'fc_ONE', filterChainMatch: { serverNames: ['*.foo.test'] } },
        { name: 'fc_TWO', filterChainMatch: { serverNames: ['*.foo.test'] } },
      ]),
    ).toThrow(
      expect.objectContaining({
        code: NetworkErrorCode.DuplicateFilterChainMatch,
        message:
          "error adding listener '[::]:8443': filter chain 'fc_TWO' has the same matching rules defined as 'fc_ONE'. duplicate matcher is: {\"server_names\":[\"*.foo.test\"]}",
      }),
    );
  });

  it('names unnamed chains by their place, and an absent match equals an empty one', () => {
    expect(build([{}, { filterChainMatch: {} }])).toThrow(
      "filter chain 'filter_chains[1]' has the same matching rules defined as 'filter_chains[0]'. duplicate matcher is: {}",
    );
  });

  it('prints every kind of field in proto order in the duplicate matcher', () => {
    const match: FilterChainMatchInput = {
      applicationProtocols: ['h2'],
      transportProtocol: 'tls',
      serverNames: ['a.com'],
      sourcePorts: [1],
      sourcePrefixRanges: [{ addressPrefix: '10.0.0.0', prefixLen: 8 }],
      sourceType: 'EXTERNAL',
      directSourcePrefixRanges: [{ addressPrefix: '192.168.0.0', prefixLen: 16 }],
      prefixRanges: [{ addressPrefix: '10.0.0.1' }],
      destinationPort: 443,
    };
    expect(
      build([
        { name: 'a', filterChainMatch: match },
        { name: 'b', filterChainMatch: match },
      ]),
    ).toThrow(
      'duplicate matcher is: {"destination_port":443,"prefix_ranges":[{"address_prefix":"10.0.0.1"}],"direct_source_prefix_ranges":[{"address_prefix":"192.168.0.0","prefix_len":16}],"source_type":"EXTERNAL","source_prefix_ranges":[{"address_prefix":"10.0.0.0","prefix_len":8}],"source_ports":[1],"server_names":["a.com"],"transport_protocol":"tls","application_protocols":["h2"]}',
    );
  });

  it.each([
    ['overlapping server name lists', ['*.foo.test', 'a.test'], ['*.foo.test']],
    ['names that differ only in case', ['*.FOO.test'], ['*.foo.test']],
  ])('rejects %s as overlapping, naming both chains', (_what, first, second) => {
    expect(
      build([
        { name: 'first', filterChainMatch: { serverNames: first } },
        { name: 'second', filterChainMatch: { serverNames: second } },
      ]),
    ).toThrow(
      expect.objectContaining({
        code: NetworkErrorCode.OverlappingFilterChainMatch,
        message:
          "error adding listener '[::]:8443': multiple filter chains with overlapping matching rules are defined (filter chain 'second' overlaps 'first')",
      }),
    );
  });

  it('rejects overlapping source ports and CIDR ranges written two ways', () => {
    expect(
      build([
        { name: 'a', filterChainMatch: { sourcePorts: [1, 2] } },
        { name: 'b', filterChainMatch: { sourcePorts: [2, 3] } },
      ]),
    ).toThrow("filter chain 'b' overlaps 'a'");
    expect(
      build([
        {
          name: 'a',
          filterChainMatch: { prefixRanges: [{ addressPrefix: '10.0.0.0', prefixLen: 8 }] },
        },
        {
          name: 'b',
          filterChainMatch: { prefixRanges: [{ addressPrefix: '10.1.2.3', prefixLen: 8 }] },
        },
      ]),
    ).toThrow("filter chain 'b' overlaps 'a'");
  });

  it('accepts the same names under different transport protocols', () => {
    expect(
      build([
        { name: 'a', filterChainMatch: { serverNames: ['a.com'], transportProtocol: 'tls' } },
        { name: 'b', filterChainMatch: { serverNames: ['a.com'] } },
      ]),
    ).not.toThrow();
  });

  it.each([
    [
      'a partial wildcard',
      { serverNames: ['*w.example.com'] },
      'partial wildcards are not supported in "server_names"',
    ],
    [
      'a malformed prefix',
      { prefixRanges: [{ addressPrefix: '10.0.0' }] },
      'malformed IP address: 10.0.0',
    ],
    [
      'a prefix length too long',
      { sourcePrefixRanges: [{ addressPrefix: '10.0.0.0', prefixLen: 33 }] },
      'invalid prefix length 33',
    ],
    [
      'address_suffix',
      { addressSuffix: '::1' },
      "filter chain 'bad' contains unimplemented fields",
    ],
    ['suffix_len', { suffixLen: 3 }, "filter chain 'bad' contains unimplemented fields"],
  ])('rejects %s', (_what, match, message) => {
    expect(build([{ name: 'bad', filterChainMatch: match }])).toThrow(
      expect.objectContaining({
        code: NetworkErrorCode.InvalidListenerConfig,
        message: expect.stringContaining(message),
      }),
    );
  });
});
