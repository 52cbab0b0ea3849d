/**
 * Runs the real `lungcam` CLI in a child process for tests: kernels/cli.ts is bundled once per test file
 * with esbuild (as scripts/build.mjs does, npm packages external) into a fresh folder under dist/test/, so
 * each run costs a plain node start rather than a TypeScript loader, and the bundle finds the built files
 * beside it as the shipped one does (dist/webview/page.js for HTML pages).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { buildSync } from 'esbuild';

export const repoRoot = path.resolve(__dirname, '../..');
let bundle: string | undefined;
let bundleDir: string | undefined;

function cliBundle(): string {
  if (bundle) return bundle;
  mkdirSync(path.join(repoRoot, 'dist', 'test'), { recursive: true });
  bundleDir = mkdtempSync(path.join(repoRoot, 'dist', 'test', 'cli-'));
  bundle = path.join(bundleDir, 'cli.js');
  buildSync({
    absWorkingDir: repoRoot, entryPoints: ['kernels/cli.ts'], outfile: bundle, bundle: true,
    platform: 'node', target: 'node20', format: 'cjs', packages: 'external', external: ['vscode'], logLevel: 'error',
    // Resolve npm packages from the repo, not from the temp folder.
    nodePaths: [path.join(repoRoot, 'node_modules')],
  });
  process.on('exit', () => { if (bundleDir) rmSync(bundleDir, { recursive: true, force: true }); });
  return bundle;
}

export interface CliResult { code: number | null; stdout: string; stderr: string }

export function runLungcam(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): CliResult {
  const r = spawnSync(process.execPath, [cliBundle(), ...args], {
    cwd: opts.cwd ?? repoRoot,
    env: { ...process.env, NODE_PATH: path.join(repoRoot, 'node_modules'), LUNGCAM_DEBUG: '', ...opts.env },
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The stderr of a bad-input run must be exactly one line, without a stack trace. */
export function assertOneLineError(r: CliResult): string {
  const lines = r.stderr.split('\n').filter((l) => l.length > 0);
  if (lines.length !== 1) throw new Error(`expected one stderr line, got ${lines.length}:\n${r.stderr}`);
  if (/^\s+at\s/m.test(r.stderr) || /Error:/.test(lines[0]) && /\.ts:\d+|\.js:\d+/.test(r.stderr)) throw new Error(`stack trace in stderr:\n${r.stderr}`);
  return lines[0];
}
