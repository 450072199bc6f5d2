import type { AccessLogConfig } from '@nuncio/access-log';
import type { ListenerInput } from '@nuncio/network-filter';
import { parseTcpProxyConfig } from './tcp-proxy-config.ts';
import { TCP_PROXY_TYPE_NAME } from './tcp-proxy-extension.ts';
import type { TcpProxyInput } from './tcp-proxy-input.ts';

/**
 * Every `access_log` entry of every TCP proxy in `listeners` (as the access-log package reads
 * them): what the main thread passes to `prepareAccessLogs` before the workers build the listeners.
 */
export function tcpProxyAccessLogConfigs(listeners: readonly ListenerInput[]): AccessLogConfig[] {
  const out: AccessLogConfig[] = [];
  for (const listener of listeners) {
    const chains = [...(listener.filterChains ?? [])];
    if (listener.defaultFilterChain !== undefined) chains.push(listener.defaultFilterChain);
    for (const chain of chains) {
      for (const filter of chain.filters ?? []) {
        const url = filter.typedConfig?.typeUrl ?? '';
        if (url.slice(url.lastIndexOf('/') + 1) !== TCP_PROXY_TYPE_NAME) continue;
        out.push(...parseTcpProxyConfig(filter.typedConfig?.value as TcpProxyInput).accessLog);
      }
    }
  }
  return out;
}
