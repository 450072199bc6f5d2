// The fields of Envoy's config dump wrapper messages (envoy.admin.v3.*ConfigDump and their
// entries), so that resource= and mask= can be checked as Envoy checks them against descriptors.
// The resources inside the `Any` fields (clusters, listeners, the bootstrap) are not described
// here: a mask path inside them is accepted and keeps whatever matches.

const ADMIN = 'type.googleapis.com/envoy.admin.v3.';

/** What kind of field a wrapper field is. */
export type FieldKind = 'scalar' | 'message' | 'any' | 'repeated';

/** Wrapper message `@type` → its fields → kind; `elementType` gives a repeated field's entries. */
export const DUMP_FIELDS: Readonly<Record<string, Readonly<Record<string, FieldKind>>>> = {
  [`${ADMIN}BootstrapConfigDump`]: { bootstrap: 'message', last_updated: 'scalar' },
  [`${ADMIN}ClustersConfigDump`]: {
    version_info: 'scalar',
    static_clusters: 'repeated',
    dynamic_active_clusters: 'repeated',
    dynamic_warming_clusters: 'repeated',
  },
  [`${ADMIN}ClustersConfigDump.StaticCluster`]: { cluster: 'any', last_updated: 'scalar' },
  [`${ADMIN}ClustersConfigDump.DynamicCluster`]: {
    version_info: 'scalar',
    cluster: 'any',
    last_updated: 'scalar',
    error_state: 'message',
    client_status: 'scalar',
  },
  [`${ADMIN}ListenersConfigDump`]: {
    version_info: 'scalar',
    static_listeners: 'repeated',
    dynamic_listeners: 'repeated',
  },
  [`${ADMIN}ListenersConfigDump.StaticListener`]: { listener: 'any', last_updated: 'scalar' },
  [`${ADMIN}ListenersConfigDump.DynamicListener`]: {
    name: 'scalar',
    active_state: 'message',
    warming_state: 'message',
    draining_state: 'message',
    error_state: 'message',
    client_status: 'scalar',
  },
  [`${ADMIN}EndpointsConfigDump`]: {
    static_endpoint_configs: 'repeated',
    dynamic_endpoint_configs: 'repeated',
  },
  [`${ADMIN}EndpointsConfigDump.StaticEndpointConfig`]: {
    endpoint_config: 'any',
    last_updated: 'scalar',
  },
  [`${ADMIN}EndpointsConfigDump.DynamicEndpointConfig`]: {
    version_info: 'scalar',
    endpoint_config: 'any',
    last_updated: 'scalar',
    error_state: 'message',
    client_status: 'scalar',
  },
};

/** The `@type` of the entries of the repeated field `field` of the message typed `type`. */
export function elementTypeOf(type: string, field: string): string | null {
  switch (`${type}#${field}`) {
    case `${ADMIN}ClustersConfigDump#static_clusters`:
      return `${ADMIN}ClustersConfigDump.StaticCluster`;
    case `${ADMIN}ClustersConfigDump#dynamic_active_clusters`:
    case `${ADMIN}ClustersConfigDump#dynamic_warming_clusters`:
      return `${ADMIN}ClustersConfigDump.DynamicCluster`;
    case `${ADMIN}ListenersConfigDump#static_listeners`:
      return `${ADMIN}ListenersConfigDump.StaticListener`;
    case `${ADMIN}ListenersConfigDump#dynamic_listeners`:
      return `${ADMIN}ListenersConfigDump.DynamicListener`;
    case `${ADMIN}EndpointsConfigDump#static_endpoint_configs`:
      return `${ADMIN}EndpointsConfigDump.StaticEndpointConfig`;
    case `${ADMIN}EndpointsConfigDump#dynamic_endpoint_configs`:
      return `${ADMIN}EndpointsConfigDump.DynamicEndpointConfig`;
    default:
      return null;
  }
}
