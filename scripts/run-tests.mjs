#!/usr/bin/env node
// `npm test`: build, type-check, lint and test every package through turbo, then print the totals
// from each package's own vitest JSON report as the last line: `N passed, N failed[, N skipped]`.
// Runs under Node 24 with pnpm on PATH (scripts/setup.mjs sees to that).

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const REPORT = 'test-results.json';

function workspaceDirs() {
  const dirs = [];
  for (const group of ['packages', 'apps', 'bench']) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) dirs.push(join(dir, entry.name));
    }
  }
  return dirs;
}

// Reports from an earlier run must not be counted again: turbo restores a package's report from its
// cache when the package's tests are a cache hit, and writes a new one when they run.
for (const dir of workspaceDirs()) rmSync(join(dir, REPORT), { force: true });

// Build, type-check and lint in parallel; then run the packages' test suites one package at a
// time. Each suite already runs its files in parallel and many start worker threads and time
// real sockets: several suites at once on a two-core machine starve each other into timeouts.
function turboRun(args) {
  const result = spawnSync(
    'pnpm',
    ['exec', 'turbo', 'run', ...args, '--output-logs=errors-only', '--continue'],
    { stdio: 'inherit', cwd: root },
  );
  if (result.error) {
    console.error(`could not run turbo: ${result.error.message}`);
    process.exit(1);
  }
  return result.status ?? 1;
}
const checksStatus = turboRun(['build', 'typecheck', 'lint']);
const testStatus = turboRun(['test', '--concurrency=1']);
const turbo = { status: checksStatus !== 0 ? checksStatus : testStatus };

let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
for (const dir of workspaceDirs()) {
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) continue;
  const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
  if (!pkg.scripts?.test) continue;
  const reportPath = join(dir, REPORT);
  if (!existsSync(reportPath)) {
    missing.push(pkg.name);
    continue;
  }
  const report = JSON.parse(readFileSync(reportPath, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
  // A test file that fails to load has no failed test in it but is a failure all the same.
  if (report.numFailedTests === 0 && report.numFailedTestSuites > 0) {
    failed += report.numFailedTestSuites;
  }
}
if (missing.length > 0) {
  console.error(`no test report from: ${missing.join(', ')} (their tests did not run)`);
}
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(turbo.status !== 0 || failed > 0 || missing.length > 0 ? 1 : 0);
