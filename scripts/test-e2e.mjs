// `npm run test:e2e [-- filter]`: Playwright (playwright-core + Debian Chromium) drives the VS Code UI
// served by code-server with LungCAM loaded; screenshots go to test-artifacts/e2e/. node:test files in
// test/e2e start and stop their own server and browser (by pid, also on failure).
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { runNodeSuite, exitWith, root } from './lib/node-suite.mjs';
import { ensureCodeServer } from './setup-code-server.mjs';
import { build } from './lib/run-dirs.mjs';

const resultFile = path.join(root, '.test-results', 'e2e.json');
function fail(message) {
  console.error(`e2e: ${message}`);
  mkdirSync(path.dirname(resultFile), { recursive: true });
  writeFileSync(resultFile, JSON.stringify({ passed: 0, failed: 1, skipped: 0, failures: [message] }) + '\n');
  process.exitCode = 1;
}

try {
  if (!(await build())) throw new Error('build failed');
  ensureCodeServer();
  exitWith(runNodeSuite('e2e', 'test/e2e', { filter: process.argv[2] }));
} catch (e) {
  fail(e.message);
}
