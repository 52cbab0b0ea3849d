/**
 * The extension-host side of `npm run test:integration`: VS Code (code-server or desktop, via
 * test-electron) requires this module and awaits run(). It runs every bundled
 * test/integration/**\/*.test.ts suite with mocha (BDD: describe/it), mirrors the spec report into a
 * log file the launcher prints, and writes {passed, failed, skipped} for the summed test total.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as util from 'util';
import Mocha from 'mocha';
import * as vscode from 'vscode';
import suites from 'lungcam:integration-suites';

const repoRoot = path.resolve(__dirname, '..', '..', '..');

function writeAtomically(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

export async function run(): Promise<void> {
  const resultsFile = process.env.LUNGCAM_INTEGRATION_RESULTS ?? path.join(repoRoot, '.test-results', 'integration.json');
  const logFile = process.env.LUNGCAM_INTEGRATION_LOG ?? path.join(repoRoot, '.test-results', 'integration.log');
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  fs.writeFileSync(logFile, '');
  const say = (...args: unknown[]) => {
    const line = util.format(...args);
    fs.appendFileSync(logFile, line + '\n');
    console.log(line);
  };
  // The spec reporter prints through Base.consoleLog: send it to the log too.
  (Mocha.reporters.Base as unknown as { consoleLog: (...a: unknown[]) => void }).consoleLog = say;

  say(`integration: running inside VS Code ${vscode.version} (${vscode.env.appName}, ${vscode.env.appHost}), extension host Node ${process.versions.node}`);
  const counts = { passed: 0, failed: 0, skipped: 0, failures: [] as string[], vscodeVersion: vscode.version };
  const grep = process.env.LUNGCAM_INTEGRATION_GREP;
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec', ...(grep ? { grep } : {}) });
  try {
    for (const suite of suites) {
      // What mocha.loadFiles() does for each file, for files that are bundled rather than on disk.
      mocha.suite.emit('pre-require', globalThis, suite.file, mocha);
      suite.load();
      mocha.suite.emit('post-require', globalThis, suite.file, mocha);
    }
    say(`integration: ${suites.length} suite file(s): ${suites.map((s) => s.file).join(', ')}`);
    await new Promise<void>((resolve) => {
      const runner = mocha.run(() => resolve());
      runner.on('pass', () => counts.passed++);
      runner.on('pending', () => counts.skipped++);
      runner.on('fail', (test) => {
        counts.failed++;
        counts.failures.push(test.fullTitle());
      });
    });
  } catch (e) {
    counts.failed++;
    counts.failures.push(`loading the suites: ${(e as Error).stack ?? e}`);
    say(`integration: could not run the suites: ${(e as Error).stack ?? e}`);
  }
  say(`integration: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped (VS Code ${vscode.version})`);
  writeAtomically(resultsFile, JSON.stringify(counts) + '\n');
  if (counts.failed > 0) throw new Error(`${counts.failed} integration test(s) failed`);
}
