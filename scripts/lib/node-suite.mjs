// Runs one node:test suite (TypeScript via tsx) over the files under a folder, streaming the spec
// report and writing .test-results/<suite>.json for the summary.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function findTests(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return findTests(p);
    return /\.test\.ts$/.test(name) ? [p] : [];
  }).sort();
}

export function runNodeSuite(suite, folder, { concurrency = 1, extraArgs = [], filter } = {}) {
  let files = findTests(path.join(root, folder));
  if (filter) files = files.filter((f) => f.includes(filter));
  const resultFile = path.join(root, '.test-results', `${suite}.json`);
  mkdirSync(path.dirname(resultFile), { recursive: true });
  if (files.length === 0) {
    console.log(`${suite}: no test files under ${folder}`);
    return { passed: 0, failed: 0, skipped: 0 };
  }
  const args = [
    '--import', 'tsx',
    '--test',
    `--test-concurrency=${concurrency}`,
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    `--test-reporter=${path.join(root, 'scripts/lib/count-reporter.mjs')}`, `--test-reporter-destination=${resultFile}`,
    ...extraArgs,
    ...files.map((f) => path.relative(root, f)),
  ];
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  let counts = { passed: 0, failed: 1, skipped: 0 };
  try { counts = JSON.parse(readFileSync(resultFile, 'utf8')); } catch { /* runner died: counted as a failure */ }
  if (r.status !== 0 && counts.failed === 0) counts.failed = 1;
  console.log(`${suite}: ${counts.passed} passed, ${counts.failed} failed`);
  return counts;
}

export function exitWith(counts) {
  process.exitCode = counts.failed > 0 ? 1 : 0;
}
