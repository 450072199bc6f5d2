/**
 * Nuncio's benchmark convention. Every benchmark measures its subject and a baseline in the same
 * run (absolute figures drift on shared machines; ratios do not), prints a table, and writes its
 * figures as JSON to `bench/results/` at the repository root so runs can be compared by tools.
 * @packageDocumentation
 */

export { measureOpsPerSecond, type OpsPerSecondOptions } from './measure.ts';
export { type BenchFigure, type BenchReport, reportBench } from './report.ts';
export { type LatencySummary, percentile, summarizeLatencies } from './stats.ts';
