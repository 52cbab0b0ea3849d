// The same integration suites (dist/test/integration/index.js) in desktop VS Code 1.100.3 through
// @vscode/test-electron, for machines that can download VS Code (this offline machine cannot: use
// `npm run test:integration`, the code-server launcher). Writes .test-results/integration.json too.
import { existsSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { root } from './lib/node-suite.mjs';
import { freshRunDir, copyWorkspace, build } from './lib/run-dirs.mjs';
import { VSCODE_VERSION } from './setup-code-server.mjs';

const resultsFile = path.join(root, '.test-results', 'integration.json');

async function main() {
  mkdirSync(path.dirname(resultsFile), { recursive: true });
  rmSync(resultsFile, { force: true });
  if (!(await build())) throw new Error('build failed');
  const runDir = freshRunDir('integration-electron');
  const workspace = copyWorkspace(runDir, 'test/integration/fixtures');
  const logFile = path.join(runDir, 'integration.log');
  await runTests({
    version: process.env.LUNGCAM_VSCODE_VERSION ?? VSCODE_VERSION,
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(root, 'dist', 'test', 'integration', 'index'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', path.join(runDir, 'user-data')],
    extensionTestsEnv: { LUNGCAM_INTEGRATION_RESULTS: resultsFile, LUNGCAM_INTEGRATION_LOG: logFile, ...(process.argv[2] ? { LUNGCAM_INTEGRATION_GREP: process.argv[2] } : {}) },
  }).catch((e) => {
    // A failing suite also rejects here; the results file (written by the host) says which.
    if (!existsSync(resultsFile)) throw new Error(`desktop VS Code could not run the tests: ${e.message ?? e}`);
  });
  if (!existsSync(resultsFile)) throw new Error('the extension host wrote no results');
  return JSON.parse(readFileSync(resultsFile, 'utf8'));
}

let counts;
try {
  counts = await main();
} catch (e) {
  console.error(`integration (electron): ${e.message}`);
  counts = { passed: 0, failed: 1, skipped: 0, failures: [e.message] };
  writeFileSync(resultsFile, JSON.stringify(counts) + '\n');
}
console.log(`integration (electron): ${counts.passed} passed, ${counts.failed} failed${counts.vscodeVersion ? ` (inside VS Code ${counts.vscodeVersion})` : ''}`);
process.exitCode = counts.failed > 0 ? 1 : 0;
