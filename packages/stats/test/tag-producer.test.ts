// Envoy's default tag extractors, table-tested against the examples Envoy's own test suite
// (test/common/stats/tag_extractor_impl_test.cc) and docs give, in forward and reverse order.
import { describe, expect, it } from 'vitest';
import { type Tag, TagNames, TagProducer } from '../src/index.ts';

const T = TagNames;

const cases: [name: string, tagExtractedName: string, tags: [string, string][]][] = [
  [
    'cluster.ratelimit.upstream_rq_timeout',
    'cluster.upstream_rq_timeout',
    [[T.ClusterName, 'ratelimit']],
  ],
  ['cluster.backend.upstream_cx_total', 'cluster.upstream_cx_total', [[T.ClusterName, 'backend']]],
  [
    'listener.[__1]_0.ssl.ciphers.AES256-SHA',
    'listener.ssl.ciphers',
    [
      [T.ListenerAddress, '[__1]_0'],
      [T.SslCipher, 'AES256-SHA'],
    ],
  ],
  [
    'cluster.ratelimit.ssl.ciphers.ECDHE-RSA-AES128-GCM-SHA256',
    'cluster.ssl.ciphers',
    [
      [T.ClusterName, 'ratelimit'],
      [T.SslCipherSuite, 'ECDHE-RSA-AES128-GCM-SHA256'],
    ],
  ],
  [
    'listener.[2001_0db8_85a3_0000_0000_8a2e_0370_7334]_3543.ssl.ciphers.AES256-SHA',
    'listener.ssl.ciphers',
    [
      [T.ListenerAddress, '[2001_0db8_85a3_0000_0000_8a2e_0370_7334]_3543'],
      [T.SslCipher, 'AES256-SHA'],
    ],
  ],
  [
    'listener.127.0.0.1_0.ssl.ciphers.AES256-SHA',
    'listener.ssl.ciphers',
    [
      [T.ListenerAddress, '127.0.0.1_0'],
      [T.SslCipher, 'AES256-SHA'],
    ],
  ],
  [
    'listener.my_prefix.ssl.ciphers.AES256-SHA',
    'listener.ssl.ciphers',
    [
      [T.ListenerAddress, 'my_prefix'],
      [T.SslCipher, 'AES256-SHA'],
    ],
  ],
  [
    'listener.prefix.notmatching.ssl.ciphers.AES256-SHA',
    'listener.notmatching.ssl.ciphers',
    [
      [T.ListenerAddress, 'prefix'],
      [T.SslCipher, 'AES256-SHA'],
    ],
  ],
  // The admin listener is never a listener address.
  [
    'listener.admin.ssl.ciphers.AES256-SHA',
    'listener.admin.ssl.ciphers',
    [[T.SslCipher, 'AES256-SHA']],
  ],
  ['mongo.mongo_filter.op_reply', 'mongo.op_reply', [[T.MongoPrefix, 'mongo_filter']]],
  [
    'mongo.mongo_filter.cmd.foo_cmd.reply_size',
    'mongo.cmd.reply_size',
    [
      [T.MongoPrefix, 'mongo_filter'],
      [T.MongoCmd, 'foo_cmd'],
    ],
  ],
  [
    'mongo.mongo_filter.collection.bar_collection.query.multi_get',
    'mongo.collection.query.multi_get',
    [
      [T.MongoPrefix, 'mongo_filter'],
      [T.MongoCollection, 'bar_collection'],
    ],
  ],
  [
    'mongo.mongo_filter.collection.bar_collection.callsite.baz_callsite.query.scatter_get',
    'mongo.collection.callsite.query.scatter_get',
    [
      [T.MongoPrefix, 'mongo_filter'],
      [T.MongoCollection, 'bar_collection'],
      [T.MongoCallsite, 'baz_callsite'],
    ],
  ],
  [
    'ratelimit.foo_ratelimiter.over_limit',
    'ratelimit.over_limit',
    [[T.RatelimitPrefix, 'foo_ratelimiter']],
  ],
  [
    'foo_ratelimiter.http_local_rate_limit.ok',
    'http_local_rate_limit.ok',
    [[T.LocalHttpRatelimitPrefix, 'foo_ratelimiter']],
  ],
  [
    'local_rate_limit.foo_ratelimiter.rate_limited',
    'local_rate_limit.rate_limited',
    [[T.LocalNetworkRatelimitPrefix, 'foo_ratelimiter']],
  ],
  [
    'http.egress_dynamodb_iad.downstream_cx_total',
    'http.downstream_cx_total',
    [[T.HttpConnManagerPrefix, 'egress_dynamodb_iad']],
  ],
  [
    'http.egress_dynamodb_iad.dynamodb.operation.Query.upstream_rq_time',
    'http.dynamodb.operation.upstream_rq_time',
    [
      [T.HttpConnManagerPrefix, 'egress_dynamodb_iad'],
      [T.DynamoOperation, 'Query'],
    ],
  ],
  [
    'http.egress_dynamodb_iad.dynamodb.table.bar_table.upstream_rq_time',
    'http.dynamodb.table.upstream_rq_time',
    [
      [T.HttpConnManagerPrefix, 'egress_dynamodb_iad'],
      [T.DynamoTable, 'bar_table'],
    ],
  ],
  [
    'http.egress_dynamodb_iad.dynamodb.table.bar_table.capacity.Query.__partition_id=ABC1234',
    'http.dynamodb.table.capacity',
    [
      [T.HttpConnManagerPrefix, 'egress_dynamodb_iad'],
      [T.DynamoTable, 'bar_table'],
      [T.DynamoOperation, 'Query'],
      [T.DynamoPartitionId, 'ABC1234'],
    ],
  ],
  [
    'cluster.grpc_cluster.grpc.grpc_service_1.grpc_method_1.success',
    'cluster.grpc.success',
    [
      [T.ClusterName, 'grpc_cluster'],
      [T.GrpcBridgeMethod, 'grpc_method_1'],
      [T.GrpcBridgeService, 'grpc_service_1'],
    ],
  ],
  [
    'vhost.vhost_1.vcluster.vcluster_1.upstream_rq_2xx',
    'vhost.vcluster.upstream_rq_xx',
    [
      [T.VirtualHost, 'vhost_1'],
      [T.VirtualCluster, 'vcluster_1'],
      [T.ResponseCodeClass, '2'],
    ],
  ],
  [
    'vhost.vhost_1.vcluster.vcluster_1.upstream_rq_200',
    'vhost.vcluster.upstream_rq',
    [
      [T.VirtualHost, 'vhost_1'],
      [T.VirtualCluster, 'vcluster_1'],
      [T.ResponseCode, '200'],
    ],
  ],
  [
    'listener.127.0.0.1_3012.http.http_prefix.downstream_rq_5xx',
    'listener.http.downstream_rq_xx',
    [
      [T.HttpConnManagerPrefix, 'http_prefix'],
      [T.ListenerAddress, '127.0.0.1_3012'],
      [T.ResponseCodeClass, '5'],
    ],
  ],
  [
    'http.egress_dynamodb_iad.user_agent.ios.downstream_cx_total',
    'http.user_agent.downstream_cx_total',
    [
      [T.HttpUserAgent, 'ios'],
      [T.HttpConnManagerPrefix, 'egress_dynamodb_iad'],
    ],
  ],
  [
    'auth.clientssl.clientssl_prefix.auth_ip_allowlist',
    'auth.clientssl.auth_ip_allowlist',
    [[T.ClientsslPrefix, 'clientssl_prefix']],
  ],
  [
    'tcp.tcp_prefix.downstream_flow_control_resumed_reading_total',
    'tcp.downstream_flow_control_resumed_reading_total',
    [[T.TcpPrefix, 'tcp_prefix']],
  ],
  [
    'udp.udp_prefix.downstream_flow_control_resumed_reading_total',
    'udp.downstream_flow_control_resumed_reading_total',
    [[T.UdpPrefix, 'udp_prefix']],
  ],
  [
    'http.fault_connection_manager.fault.fault_cluster.aborts_injected',
    'http.fault.aborts_injected',
    [
      [T.HttpConnManagerPrefix, 'fault_connection_manager'],
      [T.FaultDownstreamCluster, 'fault_cluster'],
    ],
  ],
  [
    'http.rds_connection_manager.rds.route_config.123.update_success',
    'http.rds.update_success',
    [
      [T.HttpConnManagerPrefix, 'rds_connection_manager'],
      [T.RdsRouteConfig, 'route_config.123'],
    ],
  ],
  [
    'listener_manager.worker_123.dispatcher.loop_duration_us',
    'listener_manager.worker_dispatcher.loop_duration_us',
    [[T.WorkerId, '123']],
  ],
  [
    'listener.127.0.0.1_3012.worker_123.downstream_cx_active',
    'listener.worker_downstream_cx_active',
    [
      [T.ListenerAddress, '127.0.0.1_3012'],
      [T.WorkerId, '123'],
    ],
  ],
  [
    'listener.myprefix.worker_123.downstream_cx_active',
    'listener.worker_downstream_cx_active',
    [
      [T.ListenerAddress, 'myprefix'],
      [T.WorkerId, '123'],
    ],
  ],
  ['server.worker_123.watchdog_miss', 'server.worker_watchdog_miss', [[T.WorkerId, '123']]],
  ['thrift.thrift_prefix.response', 'thrift.response', [[T.ThriftPrefix, 'thrift_prefix']]],
  ['redis.my_redis_prefix.response', 'redis.response', [[T.RedisPrefix, 'my_redis_prefix']]],
  [
    'dns_filter.my_dns_prefix.local_a_record_answers',
    'dns_filter.local_a_record_answers',
    [[T.DnsFilterPrefix, 'my_dns_prefix']],
  ],
  // Names without any tag pass through unchanged.
  ['server.uptime', 'server.uptime', []],
];

function sorted(tags: readonly Tag[]): [string, string][] {
  return tags
    .map((t): [string, string] => [t.name, t.value])
    .sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

describe('TagProducer with Envoy default extractors', () => {
  const producer = new TagProducer();

  it.each(cases)('%s', (name, tagExtractedName, tags) => {
    const result = producer.produceTags(name);
    expect(result.tagExtractedName).toBe(tagExtractedName);
    expect(sorted(result.tags)).toEqual(sorted(tags.map(([n, v]) => ({ name: n, value: v }))));
  });

  it('orders tags as Envoy does: prefix-less extractors first, then those of the first token', () => {
    const { tags } = producer.produceTags('cluster.backend.upstream_rq_200');
    expect(tags).toEqual([
      { name: T.ResponseCode, value: '200' },
      { name: T.ClusterName, value: 'backend' },
    ]);
  });
});

describe('TagProducer with stats_tags', () => {
  it('applies the regex examples of the TagSpecifier documentation', () => {
    const producer = new TagProducer({
      useAllDefaultTags: false,
      statsTags: [
        { tagName: 'envoy.cluster_name', regex: '^cluster\\.((.+?)\\.)' },
        {
          tagName: 'envoy.http_user_agent',
          regex: '^http(?=\\.).*?\\.user_agent\\.((.+?)\\.)\\w+?$',
        },
      ],
    });
    expect(producer.produceTags('cluster.foo_cluster.upstream_rq_timeout')).toEqual({
      tagExtractedName: 'cluster.upstream_rq_timeout',
      tags: [{ name: 'envoy.cluster_name', value: 'foo_cluster' }],
    });
    expect(
      producer.produceTags('http.connection_manager_1.user_agent.ios.downstream_cx_total'),
    ).toEqual({
      tagExtractedName: 'http.connection_manager_1.user_agent.downstream_cx_total',
      tags: [{ name: 'envoy.http_user_agent', value: 'ios' }],
    });
  });

  it('adds fixed tags to every stat and turns on single default extractors by name', () => {
    const producer = new TagProducer({
      useAllDefaultTags: false,
      statsTags: [{ tagName: 'envoy.cluster_name' }, { tagName: 'region', fixedValue: 'eu-1' }],
    });
    expect(producer.produceTags('cluster.a.upstream_rq_200')).toEqual({
      tagExtractedName: 'cluster.upstream_rq_200',
      tags: [
        { name: 'region', value: 'eu-1' },
        { name: 'envoy.cluster_name', value: 'a' },
      ],
    });
  });

  it('rejects malformed specifiers naming the field', () => {
    expect(() => new TagProducer({ statsTags: [{ tagName: '' }] })).toThrow(
      expect.objectContaining({
        code: 'NUNCIO_ERR_STATS_INVALID_CONFIG',
        message: expect.stringContaining('stats_tags[0].tag_name'),
      }),
    );
    expect(() => new TagProducer({ statsTags: [{ tagName: 'x', regex: '(' }] })).toThrow(
      /stats_tags\[0\]\.regex: invalid regex/,
    );
    expect(() => new TagProducer({ statsTags: [{ tagName: 'no_such_default' }] })).toThrow(
      /no default extractor/,
    );
    expect(
      () => new TagProducer({ statsTags: [{ tagName: 'x', regex: 'a', fixedValue: 'b' }] }),
    ).toThrow(/exclusive/);
  });
});
