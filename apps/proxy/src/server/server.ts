import type { ServerState } from '@nuncio/admin';
import type { Bootstrap } from '@nuncio/config';
import type { WorkerPool } from '@nuncio/dispatcher';
import type { DrainStrategy } from '../cli/command-line.ts';

/** Options of `startServer`: Envoy's command-line settings, with their defaults. */
export interface ServerOptions {
  /** The loaded bootstrap (see `loadProxyConfig`). */
  readonly bootstrap: Bootstrap;
  /** Worker threads (default: the number of cores). */
  readonly concurrency?: number;
  /** Level of every component (default `info`). */
  readonly logLevel?: string;
  /** `--component-log-level`'s text: `upstream:debug,connection:trace`. */
  readonly componentLogLevel?: string | null;
  /** The log file (default: stderr). */
  readonly logPath?: string | null;
  /** How long connections get to finish when draining, in seconds (default 600). */
  readonly drainTimeS?: number;
  /** `gradual` (default) or `immediate`. */
  readonly drainStrategy?: DrainStrategy;
  /** Longest wait of an access-log line before it is written, in ms (default 10000). */
  readonly fileFlushIntervalMs?: number;
  /** Where to write the admin's bound address once it listens (`--admin-address-path`). */
  readonly adminAddressPath?: string | null;
  /**
   * Handle SIGTERM and SIGINT (drain, then exit), a second one (exit at once) and SIGUSR1 (reopen
   * the log files). Default false: the `nuncio` binary turns it on.
   */
  readonly handleSignals?: boolean;
  /** What `/server_info` reports as the command line (Envoy's `CommandLineOptions`, snake_case). */
  readonly commandLineOptions?: Readonly<Record<string, unknown>>;
}

/** What `drainListeners` does (the admin's `/drain_listeners` parameters). */
export interface DrainOptions {
  /**
   * `?graceful`: connections get the drain time to finish, then the rest are closed. Without it,
   * the listeners stop accepting and connections go on.
   */
  readonly graceful?: boolean;
}

/**
 * A running proxy (Envoy's `Server::Instance`): the main thread's managers, the workers, the admin.
 * Use it on the main thread.
 */
export interface Server {
  /** The bootstrap it runs. */
  readonly bootstrap: Bootstrap;
  /** The worker threads. */
  readonly pool: WorkerPool;
  /** `http://host:port` of the admin. */
  readonly adminUrl: string;
  /** What `/ready` says: `LIVE` once started, `DRAINING` from the start of a drain or shutdown. */
  state(): ServerState;
  /** Starts a drain of every listener; resolves when it is over. */
  drainListeners(options?: DrainOptions): Promise<void>;
  /**
   * Graceful shutdown: `DRAINING`, listeners stop accepting, connections get the drain time to
   * finish (then are closed), workers stop, access logs and stats are flushed, the admin closes.
   * Resolves with the exit code (0). Idempotent: every call gets the same promise.
   */
  shutdown(reason?: string): Promise<number>;
  /** Resolves with the exit code once the server has shut down, whoever asked for it. */
  readonly exited: Promise<number>;
}
