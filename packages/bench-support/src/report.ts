import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One measured figure and the baseline it is compared with, measured in the same run. */
export interface BenchFigure {
  /** What was measured, e.g. `post() same thread`. */
  name: string;
  /** Unit of `value` and `baseline`, e.g. `ops/s`, `ms`, `MiB/s`. */
  unit: string;
  value: number;
  /** The baseline's figure in the same unit, or null when there is none for this row. */
  baseline: number | null;
  /** Name of the baseline, e.g. `queueMicrotask`. */
  baselineName?: string;
  /**
   * value / baseline. Above 1 is better for rates (`ops/s`); for times (`ms`) below 1 is better.
   * Null when there is no baseline.
   */
  ratio?: number | null;
  /** Optional target, in words, e.g. `>= 0.9x of bare pipe`. */
  target?: string;
}

/** What {@link reportBench} writes to `bench/results/<name>-<time>.json`. */
export interface BenchReport {
  bench: string;
  time: string;
  node: string;
  cpus: number;
  cpuModel: string;
  /** One-minute load average at the end of the run: a loaded machine makes figures unreliable. */
  machineLoad: number;
  figures: (BenchFigure & { ratio: number | null })[];
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function format(value: number | null): string {
  if (value === null || Number.isNaN(value)) return '-';
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return value.toPrecision(4);
}

/**
 * Prints `figures` as a table (with ratios to their baselines) and writes them as JSON to the
 * repository's `bench/results/` (git-ignored). Returns the report and the file written.
 */
export function reportBench(
  bench: string,
  figures: BenchFigure[],
  options: { resultsDir?: string; print?: (line: string) => void } = {},
): { report: BenchReport; file: string } {
  const print = options.print ?? ((line: string) => console.log(line));
  const rows = figures.map((figure) => ({
    ...figure,
    ratio:
      figure.ratio !== undefined
        ? figure.ratio
        : figure.baseline === null || figure.baseline === 0
          ? null
          : figure.value / figure.baseline,
  }));
  const report: BenchReport = {
    bench,
    time: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    machineLoad: loadavg()[0] ?? 0,
    figures: rows,
  };
  const header = ['figure', 'unit', 'value', 'baseline', 'ratio', 'target'];
  const table = rows.map((row) => [
    row.name,
    row.unit,
    format(row.value),
    row.baseline === null ? '-' : `${format(row.baseline)} (${row.baselineName ?? 'baseline'})`,
    row.ratio === null ? '-' : `${row.ratio.toFixed(2)}x`,
    row.target ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  print(`\n${bench} (node ${report.node}, load ${report.machineLoad.toFixed(2)})`);
  print(line(header));
  print(line(widths.map((w) => '-'.repeat(w))));
  for (const row of table) print(line(row));
  const dir = options.resultsDir ?? join(repoRoot, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(
    dir,
    `${bench.replace(/[^a-zA-Z0-9_.-]+/g, '_')}-${report.time.replace(/[:.]/g, '-')}.json`,
  );
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  print(`figures written to ${file}`);
  return { report, file };
}
