// JSON Schemas of the admin's JSON bodies: Fastify route schemas, the source of the OpenAPI
// document, and what the tests validate real answers against.

const str = { type: 'string' } as const;
const num = { type: 'number' } as const;
const int = { type: 'integer' } as const;
const bool = { type: 'boolean' } as const;
/** A 64-bit unsigned number in proto3 JSON: a decimal string. */
const uint64 = { type: 'string', pattern: '^[0-9]+$' } as const;
/** A `google.protobuf.Duration` in proto3 JSON. */
const duration = { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?s$' } as const;
const nullableNumber = { type: ['number', 'null'] } as const;

/** `envoy.config.core.v3.Address`: a socket address or a pipe. */
const address = {
  type: 'object',
  properties: {
    socket_address: {
      type: 'object',
      properties: { address: str, port_value: int },
    },
    pipe: { type: 'object', properties: { path: str } },
  },
} as const;

/** `envoy.admin.v3.ServerInfo`. */
export const serverInfoSchema = {
  type: 'object',
  required: [
    'version',
    'state',
    'hot_restart_version',
    'command_line_options',
    'node',
    'uptime_current_epoch',
    'uptime_all_epochs',
  ],
  properties: {
    version: str,
    state: { type: 'string', enum: ['LIVE', 'DRAINING', 'PRE_INITIALIZING', 'INITIALIZING'] },
    hot_restart_version: str,
    command_line_options: {
      type: 'object',
      required: ['concurrency'],
      properties: { concurrency: int, mode: str, log_level: str, drain_time: duration },
      additionalProperties: true,
    },
    node: { type: 'object', additionalProperties: true },
    uptime_current_epoch: duration,
    uptime_all_epochs: duration,
  },
} as const;

/** `envoy.admin.v3.Memory`, plus Nuncio's `threads`. */
export const memorySchema = {
  type: 'object',
  required: ['allocated', 'heap_size', 'total_physical_bytes', 'threads'],
  properties: {
    allocated: uint64,
    heap_size: uint64,
    pageheap_unmapped: uint64,
    pageheap_free: uint64,
    total_thread_cache: uint64,
    total_physical_bytes: uint64,
    threads: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'heap_used', 'heap_size'],
        properties: { name: str, heap_used: uint64, heap_size: uint64 },
      },
    },
  },
} as const;

/** `/stats?format=json`. */
export const statsJsonSchema = {
  type: 'object',
  required: ['stats'],
  properties: {
    stats: {
      type: 'array',
      items: {
        anyOf: [
          {
            type: 'object',
            required: ['name', 'value'],
            properties: { name: str, value: num },
          },
          {
            type: 'object',
            required: ['histograms'],
            properties: {
              histograms: {
                type: 'object',
                required: ['supported_quantiles', 'computed_quantiles'],
                properties: {
                  supported_quantiles: { type: 'array', items: num },
                  computed_quantiles: {
                    type: 'array',
                    items: {
                      type: 'object',
                      required: ['name', 'values'],
                      properties: {
                        name: str,
                        values: {
                          type: 'array',
                          items: {
                            type: 'object',
                            required: ['interval', 'cumulative'],
                            properties: { interval: nullableNumber, cumulative: nullableNumber },
                          },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
        ],
      },
    },
  },
} as const;

const thresholds = {
  type: 'object',
  properties: {
    priority: { type: 'string', enum: ['DEFAULT', 'HIGH'] },
    max_connections: int,
    max_pending_requests: int,
    max_requests: int,
    max_retries: int,
  },
} as const;

/** `envoy.admin.v3.Clusters`. */
export const clustersSchema = {
  type: 'object',
  required: ['cluster_statuses'],
  properties: {
    cluster_statuses: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name'],
        properties: {
          name: str,
          observability_name: str,
          eds_service_name: str,
          added_via_api: bool,
          success_rate_ejection_threshold: { type: 'object', properties: { value: num } },
          local_origin_success_rate_ejection_threshold: {
            type: 'object',
            properties: { value: num },
          },
          circuit_breakers: {
            type: 'object',
            properties: { thresholds: { type: 'array', items: thresholds } },
          },
          host_statuses: {
            type: 'array',
            items: {
              type: 'object',
              required: ['address', 'health_status'],
              properties: {
                address,
                hostname: str,
                locality: {
                  type: 'object',
                  properties: { region: str, zone: str, sub_zone: str },
                },
                stats: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['name'],
                    properties: {
                      name: str,
                      value: uint64,
                      type: { type: 'string', enum: ['COUNTER', 'GAUGE'] },
                    },
                  },
                },
                health_status: {
                  type: 'object',
                  properties: {
                    failed_active_health_check: bool,
                    failed_outlier_check: bool,
                    failed_active_degraded_check: bool,
                    pending_dynamic_removal: bool,
                    pending_active_hc: bool,
                    excluded_via_immediate_hc_fail: bool,
                    active_hc_timeout: bool,
                    eds_health_status: {
                      type: 'string',
                      enum: ['UNKNOWN', 'HEALTHY', 'UNHEALTHY', 'DRAINING', 'TIMEOUT', 'DEGRADED'],
                    },
                  },
                },
                success_rate: { type: 'object', properties: { value: num } },
                local_origin_success_rate: { type: 'object', properties: { value: num } },
                weight: int,
                priority: int,
              },
            },
          },
        },
      },
    },
  },
} as const;

/** `envoy.admin.v3.Listeners`. */
export const listenersSchema = {
  type: 'object',
  required: ['listener_statuses'],
  properties: {
    listener_statuses: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name'],
        properties: {
          name: str,
          local_address: address,
          additional_local_addresses: { type: 'array', items: address },
        },
      },
    },
  },
} as const;

/** `envoy.admin.v3.ConfigDump`: every entry an `Any` with its `@type`. */
export const configDumpSchema = {
  type: 'object',
  required: ['configs'],
  properties: {
    configs: {
      type: 'array',
      items: {
        type: 'object',
        required: ['@type'],
        properties: { '@type': str },
        additionalProperties: true,
      },
    },
  },
} as const;

/** `/logging?format=json` (Nuncio's): each logger's level. */
export const loggingSchema = {
  type: 'object',
  required: ['loggers'],
  properties: {
    loggers: {
      type: 'object',
      additionalProperties: {
        type: 'string',
        enum: ['trace', 'debug', 'info', 'warning', 'error', 'critical', 'off'],
      },
    },
  },
} as const;

const nullableInteger = { type: ['integer', 'null'] } as const;

/** `/threads?format=json` (Nuncio's). */
export const threadsSchema = {
  type: 'object',
  required: ['threads'],
  properties: {
    threads: {
      type: 'array',
      items: {
        type: 'object',
        required: [
          'name',
          'dispatcher',
          'tid',
          'node_thread_id',
          'role',
          'utilization',
          'loop_delay_p99_ms',
          'active_connections',
          'watchdog_miss',
          'watchdog_mega_miss',
          'heap_used_bytes',
          'heap_total_bytes',
        ],
        properties: {
          name: str,
          dispatcher: { type: ['string', 'null'] },
          tid: nullableInteger,
          node_thread_id: nullableInteger,
          role: { type: 'string', enum: ['main', 'worker', 'guard', 'other'] },
          utilization: nullableNumber,
          loop_delay_p99_ms: nullableNumber,
          active_connections: nullableInteger,
          watchdog_miss: nullableInteger,
          watchdog_mega_miss: nullableInteger,
          heap_used_bytes: nullableInteger,
          heap_total_bytes: nullableInteger,
        },
      },
    },
  },
} as const;
