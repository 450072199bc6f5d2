// Envoy's default tag extractors (source/common/config/well_known_names.cc), re-expressed as
// JavaScript regexes and token patterns. Every pattern is written so that the order extractors run
// in does not matter.

/** The names of Envoy's built-in tags. Prometheus output turns the dots into underscores. */
export const TagNames = {
  ClusterName: 'envoy.cluster_name',
  ListenerAddress: 'envoy.listener_address',
  HttpConnManagerPrefix: 'envoy.http_conn_manager_prefix',
  HttpUserAgent: 'envoy.http_user_agent',
  SslCipher: 'envoy.ssl_cipher',
  SslCipherSuite: 'cipher_suite',
  SslCurve: 'envoy.ssl_curve',
  SslSigalg: 'envoy.ssl_sigalg',
  SslVersion: 'envoy.ssl_version',
  ClientsslPrefix: 'envoy.clientssl_prefix',
  MongoPrefix: 'envoy.mongo_prefix',
  MongoCmd: 'envoy.mongo_cmd',
  MongoCollection: 'envoy.mongo_collection',
  MongoCallsite: 'envoy.mongo_callsite',
  RatelimitPrefix: 'envoy.ratelimit_prefix',
  LocalHttpRatelimitPrefix: 'envoy.local_http_ratelimit_prefix',
  LocalNetworkRatelimitPrefix: 'envoy.local_network_ratelimit_prefix',
  LocalListenerRatelimitPrefix: 'envoy.local_listener_ratelimit_prefix',
  DnsFilterPrefix: 'envoy.dns_filter_prefix',
  TcpPrefix: 'envoy.tcp_prefix',
  UdpPrefix: 'envoy.udp_prefix',
  FaultDownstreamCluster: 'envoy.fault_downstream_cluster',
  DynamoOperation: 'envoy.dynamo_operation',
  DynamoTable: 'envoy.dynamo_table',
  DynamoPartitionId: 'envoy.dynamo_partition_id',
  GrpcBridgeService: 'envoy.grpc_bridge_service',
  GrpcBridgeMethod: 'envoy.grpc_bridge_method',
  VirtualHost: 'envoy.virtual_host',
  VirtualCluster: 'envoy.virtual_cluster',
  ResponseCode: 'envoy.response_code',
  ResponseCodeClass: 'envoy.response_code_class',
  RdsRouteConfig: 'envoy.rds_route_config',
  Route: 'envoy.route',
  ExtAuthzPrefix: 'envoy.ext_authz_prefix',
  WorkerId: 'envoy.worker_id',
  ThriftPrefix: 'envoy.thrift_prefix',
  RedisPrefix: 'envoy.redis_prefix',
} as const;

/** A built-in regex extractor: removed text in group 1, value in group 2. */
export interface RegexTagDescriptor {
  readonly name: string;
  readonly regex: string;
  /** The name must contain this for the regex to be tried (a cheap pre-filter). */
  readonly substr: string;
  /** A value never taken as the tag (the admin listener is not a listener address). */
  readonly negativeMatch: string;
}

/** A built-in token extractor (`cluster.$.**`). */
export interface TokenTagDescriptor {
  readonly name: string;
  readonly pattern: string;
}

// Regex fragments, substituted into the patterns below.
// A tag value is anything without a dot.
const VALUE = '[^.]+';
// An IPv4 address or a bracketed IPv6 address (colons already turned into `_`), then `_<port>`.
const ADDRESS = '(?:(?:\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}|\\[[a-fA-F_\\d]+\\])_\\d+)';
// Cipher, curve and signature-algorithm names: word characters and dashes.
const CIPHER = '[\\w-]+';
const TLS_VERSION = 'TLSv\\d\\.\\d';
// Route configuration names may contain dots.
const ROUTE_CONFIG_NAME = '[\\w.-]+';
const LISTENER_OR_CLUSTER_WITH_NAME = '(?:listener|cluster)\\..*?';

function re(name: string, regex: string, substr = '', negativeMatch = ''): RegexTagDescriptor {
  return { name, regex, substr, negativeMatch };
}

function tokens(name: string, pattern: string): TokenTagDescriptor {
  return { name, pattern };
}

const T = TagNames;

/** Envoy's default regex extractors, most specific first. */
export const defaultRegexTagDescriptors: readonly RegexTagDescriptor[] = [
  // <anything>_rq(_<response_code>)
  re(T.ResponseCode, '_rq(_(\\d{3}))$', '_rq_'),
  // <anything>_rq_(<response_code_class>)xx
  re(T.ResponseCodeClass, '_rq_((\\d))xx$', '_rq_'),
  // http.<prefix>.dynamodb.table.<table>.capacity.<operation>(.__partition_id=<id>)
  re(
    T.DynamoPartitionId,
    `^http\\.${VALUE}\\.dynamodb\\.table\\.${VALUE}\\.capacity\\.${VALUE}(\\.__partition_id=(\\w{7}))$`,
    '.dynamodb.table.',
  ),
  // http.<prefix>.dynamodb.operation.(<operation>.)… or …table.<table>.capacity.(<operation>.)…
  re(
    T.DynamoOperation,
    `^http\\.${VALUE}\\.dynamodb.(?:operation|table\\.${VALUE}\\.capacity)(\\.(${VALUE}))(?:\\.|$)`,
    '.dynamodb.',
  ),
  // http.<prefix>.dynamodb.table.(<table>.)… or http.<prefix>.dynamodb.error.(<table>.)…
  re(T.DynamoTable, `^http\\.${VALUE}\\.dynamodb.(?:table|error)\\.((${VALUE})\\.)`, '.dynamodb.'),
  // listener.<address>.ssl.ciphers.(<cipher>)
  re(T.SslCipher, `^listener\\..*?\\.ssl\\.ciphers(\\.(${CIPHER}))$`, '.ssl.ciphers.'),
  // listener|cluster.<name>.ssl.curves.(<curve>)
  re(
    T.SslCurve,
    `^${LISTENER_OR_CLUSTER_WITH_NAME}\\.ssl\\.curves(\\.(${CIPHER}))$`,
    '.ssl.curves.',
  ),
  // listener|cluster.<name>.ssl.sigalgs.(<algorithm>)
  re(
    T.SslSigalg,
    `^${LISTENER_OR_CLUSTER_WITH_NAME}\\.ssl\\.sigalgs(\\.(${CIPHER}))$`,
    '.ssl.sigalgs.',
  ),
  // listener|cluster.<name>.ssl.versions.(<version>)
  re(
    T.SslVersion,
    `^${LISTENER_OR_CLUSTER_WITH_NAME}\\.ssl\\.versions(\\.(${TLS_VERSION}))$`,
    '.ssl.versions.',
  ),
  // cluster.<name>.ssl.ciphers.(<cipher>)
  re(T.SslCipherSuite, `^cluster\\.${VALUE}\\.ssl\\.ciphers(\\.(${CIPHER}))$`, '.ssl.ciphers.'),
  // listener.<address>.http.(<stat_prefix>.)…
  re(T.HttpConnManagerPrefix, `^listener\\..*?\\.http\\.((${VALUE})\\.)`, '.http.'),
  // listener.<address|stat_prefix>.worker_(<id>.)…, listener_manager.worker_(<id>.)…,
  // server.worker_(<id>.)…
  re(
    T.WorkerId,
    `^(?:listener\\.(?:${ADDRESS}|${VALUE})\\.|server\\.|listener_manager\\.)worker_((\\d+)\\.)`,
  ),
  // listener.(<address|stat_prefix>.)…, but never the admin listener
  re(T.ListenerAddress, `^listener\\.((${ADDRESS}|${VALUE})\\.)`, '', 'admin'),
  // http.<prefix>.rds.(<route_config_name>.)<base_stat>; the name may contain dots
  re(T.RdsRouteConfig, `^http\\.${VALUE}\\.rds\\.((${ROUTE_CONFIG_NAME})\\.)\\w+?$`, '.rds.'),
];

/** Envoy's default token extractors. */
export const defaultTokenTagDescriptors: readonly TokenTagDescriptor[] = [
  tokens(T.MongoCallsite, 'mongo.*.collection.*.callsite.$.query.**'),
  tokens(T.MongoCollection, 'mongo.*.collection.$.**.query.*'),
  tokens(T.MongoCmd, 'mongo.*.cmd.$.**'),
  tokens(T.GrpcBridgeMethod, 'cluster.*.grpc.*.$.**'),
  tokens(T.HttpUserAgent, 'http.*.user_agent.$.**'),
  tokens(T.VirtualCluster, 'vhost.*.vcluster.$.**'),
  tokens(T.FaultDownstreamCluster, 'http.*.fault.$.**'),
  tokens(T.GrpcBridgeService, 'cluster.*.grpc.$.**'),
  tokens(T.TcpPrefix, 'tcp.$.**'),
  tokens(T.UdpPrefix, 'udp.$.**'),
  tokens(T.ClientsslPrefix, 'auth.clientssl.$.**'),
  tokens(T.RatelimitPrefix, 'ratelimit.$.**'),
  tokens(T.ClusterName, 'cluster.$.**'),
  tokens(T.ExtAuthzPrefix, 'cluster.*.ext_authz.$.**'),
  tokens(T.ExtAuthzPrefix, 'http.*.ext_authz.$.**'),
  tokens(T.HttpConnManagerPrefix, 'http.$.**'),
  tokens(T.VirtualHost, 'vhost.$.**'),
  tokens(T.MongoPrefix, 'mongo.$.**'),
  tokens(T.Route, 'vhost.*.route.$.**'),
  tokens(T.ThriftPrefix, 'thrift.$.**'),
  tokens(T.RedisPrefix, 'redis.$.**'),
  tokens(T.LocalHttpRatelimitPrefix, '$.http_local_rate_limit.**'),
  tokens(T.LocalNetworkRatelimitPrefix, 'local_rate_limit.$.**'),
  tokens(T.LocalListenerRatelimitPrefix, 'listener_local_ratelimit.$.**'),
  tokens(T.DnsFilterPrefix, 'dns_filter.$.**'),
];
