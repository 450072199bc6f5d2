// Shared by the tests: temporary log files and reading the JSON lines back.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One line as pino writes it, with the fields the tests look at. */
export interface LogLine {
  level: number;
  time: number;
  pid: number;
  thread: string;
  component: string;
  msg?: string;
  [field: string]: unknown;
}

export class TempDir {
  readonly path: string;
  #count = 0;

  constructor() {
    this.path = mkdtempSync(join(tmpdir(), 'nuncio-log-'));
  }

  /** A fresh file path in its own sub-directory. */
  file(name = 'envoy.log'): string {
    const sub = join(this.path, String(this.#count++));
    mkdirSync(sub);
    return join(sub, name);
  }

  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

/** Every line of the file, parsed; [] when the file does not exist. */
export function readLines(path: string): LogLine[] {
  if (!existsSync(path)) return [];
  return parseLines(readFileSync(path, 'utf8'));
}

export function parseLines(text: string): LogLine[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as LogLine);
}
