#!/usr/bin/env node
// The `nuncio` binary. `--help` and `--version` are answered from here, before anything heavy is
// loaded; everything else is imported on demand.
import { parseCommandLine } from './cli/command-line.ts';
import { usage } from './cli/usage.ts';
import { versionString } from './version.ts';

async function main(argv: readonly string[]): Promise<number> {
  let commandLine: ReturnType<typeof parseCommandLine>;
  try {
    commandLine = parseCommandLine(argv);
  } catch (error) {
    process.stderr.write(`nuncio: ${(error as Error).message}\nTry 'nuncio --help'.\n`);
    return 1;
  }
  if (commandLine.help) {
    process.stdout.write(usage());
    return 0;
  }
  if (commandLine.version) {
    process.stdout.write(`nuncio  version: ${versionString()}\n`);
    return 0;
  }
  const { runCommandLine } = await import('./run.ts');
  return runCommandLine(commandLine);
}

process.exit(await main(process.argv.slice(2)));
