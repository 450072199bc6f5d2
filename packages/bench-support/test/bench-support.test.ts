import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { measureOpsPerSecond, percentile, reportBench, summarizeLatencies } from '../src/index.ts';

describe('reportBench', () => {
  it('computes ratios, prints a table and writes JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nuncio-bench-'));
    const lines: string[] = [];
    const { report, file } = reportBench(
      'demo',
      [
        { name: 'fast', unit: 'ops/s', value: 300, baseline: 100, baselineName: 'slow' },
        { name: 'alone', unit: 'ms', value: 5, baseline: null },
      ],
      { resultsDir: dir, print: (l) => lines.push(l) },
    );
    expect(report.figures[0]?.ratio).toBe(3);
    expect(report.figures[1]?.ratio).toBeNull();
    expect(lines.join('\n')).toContain('3.00x');
    const written = JSON.parse(readFileSync(file, 'utf8'));
    expect(written.bench).toBe('demo');
    expect(written.figures).toHaveLength(2);
    expect(typeof written.machineLoad).toBe('number');
    rmSync(dir, { recursive: true });
  });
});

describe('measureOpsPerSecond', () => {
  it('counts operations over the measured time', async () => {
    let calls = 0;
    const rate = await measureOpsPerSecond(
      () => {
        calls++;
        const end = performance.now() + 1;
        while (performance.now() < end) {
          // about one millisecond per batch
        }
      },
      { durationMs: 100, warmupMs: 0, opsPerBatch: 10 },
    );
    // At least 1 ms per batch of 10 ops: never more than 10,000 ops/s, however idle the machine;
    // a loaded machine only makes it slower.
    expect(rate).toBeLessThanOrEqual(10_000);
    expect(rate).toBeGreaterThan(0);
    expect(calls).toBeGreaterThan(0);
  });
});

describe('percentiles', () => {
  it('uses nearest rank', () => {
    const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(sorted, 50)).toBe(5);
    expect(percentile(sorted, 99)).toBe(10);
    expect(percentile(sorted, 0)).toBe(1);
    const summary = summarizeLatencies([3, 1, 2]);
    expect(summary).toMatchObject({ count: 3, p50: 2, max: 3, mean: 2 });
  });
});
