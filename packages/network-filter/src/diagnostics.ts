// Named diagnostics channels (as undici has): publishing costs one property read when nobody
// subscribes, and the message object is only built when someone does.
import { channel } from 'node:diagnostics_channel';

/**
 * `nuncio:network:connection:new`, published when a connection is created (before its filters
 * start), with `{ connection }`.
 */
export const connectionNewChannel = channel('nuncio:network:connection:new');

/**
 * `nuncio:network:connection:close`, published when a connection has closed, with
 * `{ connection, event, details }` (`event` a `ConnectionEvent`, `details` the local close reason
 * or the transport failure, possibly `''`).
 */
export const connectionCloseChannel = channel('nuncio:network:connection:close');

/**
 * `nuncio:network:listener:reject`, published when a listener closes an accepted socket without
 * making a connection, with `{ listener, reason, remoteAddress }` (`reason` one of
 * `overflow`, `no_filter_chain_match`, `listener_filter_timeout`, `listener_filter_error`,
 * `listener_filter_remote_close`, `draining`).
 */
export const listenerRejectChannel = channel('nuncio:network:listener:reject');
