import { InvalidConfigError } from '@nuncio/config';
import { parseComponentLogLevel } from '@nuncio/log';
import type { CommandLine } from './cli/command-line.ts';
import {
  formatConfigProblems,
  loadProxyConfig,
  type ProxyConfig,
} from './config/load-proxy-config.ts';
import { startServer } from './server/server-impl.ts';

/** Where `runCommandLine` writes what is not a log line. */
export interface CommandOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

const processOutput: CommandOutput = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/**
 * Runs a parsed command line (`--help` and `--version` are the caller's): `--mode validate` loads
 * the configuration, prints every problem and Envoy's `configuration '<path>' OK`; `--mode serve`
 * starts the server with signal handling and resolves once it has shut down. Resolves with the
 * process's exit code: 0, or 1 for an invalid configuration or a failed start.
 */
export async function runCommandLine(
  commandLine: CommandLine,
  output: CommandOutput = processOutput,
): Promise<number> {
  let config: ProxyConfig;
  try {
    config = loadProxyConfig(commandLine);
  } catch (error) {
    output.stderr(`nuncio: ${(error as Error).message}\n`);
    return 1;
  }
  const problems = formatConfigProblems(config);
  if (commandLine.mode === 'validate') {
    // As Envoy's validation mode, the parts are also built (without starting anything), so that
    // what only building finds (ambiguous filter chains, a filter's bad config) is reported too.
    if (config.ok && config.config !== undefined) {
      const { checkServing } = await import('./config/check-serving.ts');
      for (const problem of await checkServing(config.config)) {
        problems.push(`${config.sourceName}: ${problem.path}: ${problem.message}`);
      }
    }
    for (const line of problems) output.stderr(`${line}\n`);
    if (problems.length === 0) output.stdout(`configuration '${config.sourceName}' OK\n`);
    else output.stderr(`configuration '${config.sourceName}': ${countOf(problems.length)}\n`);
    return problems.length === 0 ? 0 : 1;
  }
  if (!config.ok || config.config === undefined) {
    for (const line of problems) output.stderr(`${line}\n`);
    output.stderr(
      `error initializing configuration '${config.sourceName}': ${countOf(problems.length)}\n`,
    );
    return 1;
  }
  try {
    parseComponentLogLevel(commandLine.componentLogLevel ?? '');
  } catch (error) {
    output.stderr(`nuncio: --component-log-level: ${(error as Error).message}\n`);
    return 1;
  }
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({
      bootstrap: config.config,
      concurrency: commandLine.concurrency,
      logLevel: commandLine.logLevel,
      componentLogLevel: commandLine.componentLogLevel,
      logPath: commandLine.logPath,
      drainTimeS: commandLine.drainTimeS,
      drainStrategy: commandLine.drainStrategy,
      fileFlushIntervalMs: commandLine.fileFlushIntervalMs,
      adminAddressPath: commandLine.adminAddressPath,
      handleSignals: true,
      commandLineOptions: commandLineOptions(commandLine),
    });
  } catch (error) {
    const reason = error instanceof InvalidConfigError ? error.message : (error as Error).message;
    output.stderr(`nuncio: ${reason}\n`);
    return 1;
  }
  return server.exited;
}

function countOf(n: number): string {
  return n === 1 ? '1 problem' : `${n} problems`;
}

/** Envoy's `CommandLineOptions` in proto3 JSON (snake_case), for `/server_info`. */
function commandLineOptions(commandLine: CommandLine): Record<string, unknown> {
  const capitalised = (s: string) => `${s.charAt(0).toUpperCase()}${s.slice(1)}`;
  return {
    concurrency: commandLine.concurrency,
    config_path: commandLine.configPath ?? '',
    config_yaml: commandLine.configYaml ?? '',
    mode: capitalised(commandLine.mode),
    log_level: commandLine.logLevel,
    component_log_level: commandLine.componentLogLevel ?? '',
    log_path: commandLine.logPath ?? '',
    drain_time: `${commandLine.drainTimeS}s`,
    drain_strategy: capitalised(commandLine.drainStrategy),
    service_node: commandLine.serviceNode ?? '',
    service_cluster: commandLine.serviceCluster ?? '',
    service_zone: commandLine.serviceZone ?? '',
    file_flush_interval: `${commandLine.fileFlushIntervalMs / 1000}s`,
    admin_address_path: commandLine.adminAddressPath ?? '',
  };
}
