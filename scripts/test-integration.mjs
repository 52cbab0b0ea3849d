// `npm run test:integration [-- grep]`: the mocha suites of test/integration, inside a real VS Code
// extension host, offline: code-server 4.100.3 (VS Code 1.100.3) opened by Debian's Chromium with the
// extension under development and the bundled tests as payload. The host writes
// .test-results/integration.json; this launcher streams its log and always stops both processes.
// (scripts/test-integration-electron.mjs runs the same bundle in desktop VS Code where it can be downloaded.)
import { existsSync, readFileSync, writeFileSync, mkdirSync, statSync, openSync, readSync, closeSync, rmSync } from 'node:fs';
import path from 'node:path';
import { root } from './lib/node-suite.mjs';
import { ensureCodeServer } from './setup-code-server.mjs';
import { startCodeServer, launchChromium } from './lib/code-server.mjs';
import { freshRunDir, copyWorkspace, build, removeRunDir } from './lib/run-dirs.mjs';

// Hang guards, not test timeouts (mocha's per-test timeout is 60 s): give up when the host has printed
// nothing for idleMs (a test that sets a long this.timeout() prints nothing meanwhile), or after timeoutMs.
const timeoutMs = Number(process.env.LUNGCAM_INTEGRATION_TIMEOUT_S ?? 1200) * 1000;
const idleMs = Number(process.env.LUNGCAM_INTEGRATION_IDLE_S ?? 600) * 1000;
const resultsFile = path.join(root, '.test-results', 'integration.json');
const grep = process.argv[2];

/** Prints what the extension host appended to its log since the last call. */
function tailer(file) {
  let offset = 0;
  return () => {
    if (!existsSync(file)) return false;
    const size = statSync(file).size;
    if (size <= offset) return false;
    const fd = openSync(file, 'r');
    const buf = Buffer.alloc(size - offset);
    readSync(fd, buf, 0, buf.length, offset);
    closeSync(fd);
    offset = size;
    process.stdout.write(buf.toString('utf8'));
    return true;
  };
}

async function main() {
  mkdirSync(path.dirname(resultsFile), { recursive: true });
  rmSync(resultsFile, { force: true });
  if (!(await build())) throw new Error('build failed');
  const bin = ensureCodeServer();
  const runDir = freshRunDir('integration');
  const workspace = copyWorkspace(runDir, 'test/integration/fixtures');
  const logFile = path.join(runDir, 'integration.log');
  const browserLog = path.join(runDir, 'browser-console.log');
  // The host writes into this run's folder (another run in the same tree cannot end our wait early);
  // the counts are copied to .test-results/integration.json at the end.
  const hostResults = path.join(runDir, 'results.json');
  const env = { LUNGCAM_INTEGRATION_RESULTS: hostResults, LUNGCAM_INTEGRATION_LOG: logFile, ...(grep ? { LUNGCAM_INTEGRATION_GREP: grep } : {}) };

  let server, chromium;
  try {
    server = await startCodeServer({ bin, dir: runDir, workspace, env });
    console.log(`integration: code-server pid ${server.pid} on ${server.base}`);
    chromium = await launchChromium();
    console.log(`integration: chromium pid ${chromium.pid}`);
    const page = await chromium.browser.newPage();
    const consoleLines = [];
    page.on('console', (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e.message}`));
    const payload = [
      ['extensionDevelopmentPath', server.remoteUri(root)],
      ['extensionTestsPath', server.remoteUri(path.join(root, 'dist', 'test', 'integration', 'index'))],
    ];
    // the workbench page can take more than Playwright's default 30 s to load on a loaded machine
    await page.goto(server.url(workspace, payload), { timeout: 180_000 });
    const tail = tailer(logFile);
    const deadline = Date.now() + timeoutMs;
    let lastOutput = Date.now();
    while (!existsSync(hostResults) && Date.now() < deadline && Date.now() - lastOutput < idleMs) {
      if (tail()) lastOutput = Date.now();
      await new Promise((r) => setTimeout(r, 500));
    }
    tail();
    writeFileSync(browserLog, consoleLines.join('\n') + '\n');
    if (!existsSync(hostResults)) {
      const why = Date.now() >= deadline ? `within ${timeoutMs / 1000} s` : `and no output for ${idleMs / 1000} s`;
      throw new Error(`no results from the extension host ${why} (browser console: ${path.relative(root, browserLog)}, server log: ${path.relative(root, server.logFile)})`);
    }
  } finally {
    await chromium?.stop();
    await server?.stop();
  }
  const counts = JSON.parse(readFileSync(hostResults, 'utf8'));
  writeFileSync(resultsFile, JSON.stringify(counts) + '\n');
  if (counts.failed === 0) removeRunDir(runDir);
  else console.log(`integration: logs kept in ${path.relative(root, runDir)}`);
  return counts;
}

let counts;
try {
  counts = await main();
} catch (e) {
  console.error(`integration: ${e.message}`);
  counts = { passed: 0, failed: 1, skipped: 0, failures: [e.message] };
  writeFileSync(resultsFile, JSON.stringify(counts) + '\n');
}
console.log(`integration: ${counts.passed} passed, ${counts.failed} failed${counts.vscodeVersion ? ` (inside VS Code ${counts.vscodeVersion})` : ''}`);
process.exitCode = counts.failed > 0 ? 1 : 0;
