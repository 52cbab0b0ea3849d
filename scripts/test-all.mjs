// `npm test`: builds once, lints, runs every suite in turn, then prints one line `N passed, N failed`
// summed over all suites (each suite writes .test-results/<suite>.json). Exit code 1 on any failure.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { root } from './lib/node-suite.mjs';

const suites = ['unit', 'kernel', 'renderer', 'integration', 'e2e'];
const results = path.join(root, '.test-results');
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });

const total = { passed: 0, failed: 0, skipped: 0 };
const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  console.log('build failed');
  total.failed++;
}
// The lint (typescript-eslint, the layering of scripts/lib/layers.mjs, the line limit) counts as one test.
console.log('\n=== lint ===');
const lint = spawnSync(process.execPath, [path.join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'), '.'], { cwd: root, stdio: 'inherit' });
if (lint.status === 0) {
  console.log('=== lint: clean');
  total.passed++;
} else {
  console.log('=== lint: failed');
  total.failed++;
}
for (const suite of suites) {
  const script = path.join(root, 'scripts', `test-${suite}.mjs`);
  if (!existsSync(script) || build.status !== 0) continue;
  const started = Date.now();
  console.log(`\n=== ${suite} ===`);
  const r = spawnSync(process.execPath, [script], { cwd: root, stdio: 'inherit' });
  let counts;
  try {
    counts = JSON.parse(readFileSync(path.join(results, `${suite}.json`), 'utf8'));
  } catch {
    counts = { passed: 0, failed: 1, skipped: 0 };
    console.log(`${suite}: no results written (exit ${r.status}); counted as one failure`);
  }
  if (r.status !== 0 && !counts.failed) counts.failed = 1;
  console.log(`=== ${suite}: ${counts.passed} passed, ${counts.failed} failed (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  total.passed += counts.passed;
  total.failed += counts.failed;
  total.skipped += counts.skipped ?? 0;
}
console.log(`${total.passed} passed, ${total.failed} failed`);
process.exitCode = total.failed > 0 ? 1 : 0;
