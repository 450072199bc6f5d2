/**
 * What a connection tells its {@link ConnectionCallbacks} (Envoy's `Network::ConnectionEvent`).
 * A connection raises exactly one of `RemoteClose` or `LocalClose`, once, when it closes.
 */
export const ConnectionEvent = {
  /** The peer closed (FIN with half-close disabled, both directions done, a reset, an error). */
  RemoteClose: 0,
  /** This side closed it (`close()`, a timeout, both directions done by a local end last). */
  LocalClose: 1,
  /** A client connection finished connecting (never raised by server connections). */
  Connected: 2,
} as const;

/** One of the {@link ConnectionEvent} values. */
export type ConnectionEvent = (typeof ConnectionEvent)[keyof typeof ConnectionEvent];

/** The name of a {@link ConnectionEvent} value, for logs and diagnostics. */
export function connectionEventName(event: ConnectionEvent): string {
  switch (event) {
    case ConnectionEvent.RemoteClose:
      return 'RemoteClose';
    case ConnectionEvent.LocalClose:
      return 'LocalClose';
    case ConnectionEvent.Connected:
      return 'Connected';
    default:
      return `unknown(${String(event)})`;
  }
}
