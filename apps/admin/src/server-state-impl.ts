import type { CommandLineOptions, ServerInfoProvider } from './server-state.ts';
import { ServerState } from './server-state.ts';

/** Where the server is in its start-up, Envoy's `Init::Manager::State`. */
export type InitState = 'Uninitialized' | 'Initializing' | 'Initialized';

/** Options of {@link createServerInfo}. */
export interface ServerInfoOptions {
  /** Default: `nuncio/<admin package version>/Clean/RELEASE/Node.js <version>`. */
  readonly version?: string;
  /** Default `disabled`: Nuncio has no hot restart. */
  readonly hotRestartVersion?: string;
  /** Default: now. */
  readonly startTimeMs?: number;
  /** What `/server_info` reports under `command_line_options`. */
  readonly commandLineOptions?: CommandLineOptions;
  /** The bootstrap's `node` in proto3 JSON. */
  readonly node?: Readonly<Record<string, unknown>>;
  /** Default `Initialized`: the server is `LIVE` unless health checks are failed. */
  readonly initState?: InitState;
}

/**
 * A {@link ServerInfoProvider} that keeps Envoy's two inputs to the server state: the init
 * manager's state and the "health check failed" flag. What a server built from Nuncio's packages
 * hands the admin; the server moves `initState` and the admin's `/healthcheck/fail` and
 * `/healthcheck/ok` flip `healthCheckFailed` (through a `LifecycleControl` that calls
 * `failHealthcheck`).
 */
export class ServerInfo implements ServerInfoProvider {
  /** Envoy's `Init::Manager::State`. */
  initState: InitState;
  /** Envoy's `healthCheckFailed()`: set by `/healthcheck/fail`, cleared by `/healthcheck/ok`. */
  healthCheckFailed: boolean;
  private readonly versionString: string;
  private readonly hotRestart: string;
  private readonly startTime: number;
  private readonly options: CommandLineOptions;
  private readonly nodeJson: Readonly<Record<string, unknown>>;

  constructor(options: ServerInfoOptions = {}) {
    this.initState = options.initState ?? 'Initialized';
    this.healthCheckFailed = false;
    this.versionString =
      options.version ?? `nuncio/0.0.0/Clean/RELEASE/Node.js ${process.versions.node}`;
    this.hotRestart = options.hotRestartVersion ?? 'disabled';
    this.startTime = options.startTimeMs ?? Date.now();
    this.options = options.commandLineOptions ?? {};
    this.nodeJson = options.node ?? {};
  }

  /** Envoy's `Utility::serverState`: a failed health check wins over the init state. */
  state(): ServerState {
    if (this.healthCheckFailed) return ServerState.Draining;
    switch (this.initState) {
      case 'Uninitialized':
        return ServerState.PreInitializing;
      case 'Initializing':
        return ServerState.Initializing;
      default:
        return ServerState.Live;
    }
  }

  /** Envoy's `failHealthcheck(fail)`. */
  failHealthcheck(fail: boolean): void {
    this.healthCheckFailed = fail;
  }

  version(): string {
    return this.versionString;
  }

  hotRestartVersion(): string {
    return this.hotRestart;
  }

  startTimeCurrentEpochMs(): number {
    return this.startTime;
  }

  startTimeFirstEpochMs(): number {
    return this.startTime;
  }

  commandLineOptions(): CommandLineOptions {
    return this.options;
  }

  node(): Readonly<Record<string, unknown>> {
    return this.nodeJson;
  }
}

/** A {@link ServerInfo} with `options`. */
export function createServerInfo(options: ServerInfoOptions = {}): ServerInfo {
  return new ServerInfo(options);
}
