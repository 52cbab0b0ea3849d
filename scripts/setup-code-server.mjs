// Sets up code-server 4.100.3 (VS Code 1.100.3's server build) offline, under .vscode-test/, following
// the recipe in the project notes: code-server's own postinstall downloads ripgrep and refuses root, so
// its steps are done here by hand. Idempotent: a stamp file marks a completed setup and later runs return
// at once. `node scripts/setup-code-server.mjs [--force]`; other scripts import `ensureCodeServer()`.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, chmodSync, lstatSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensurePackages, harnessPackages } from './lib/debian-deps.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CODE_SERVER_VERSION = '4.100.3';
export const VSCODE_VERSION = '1.100.3';
export const cacheDir = path.join(root, '.vscode-test', `code-server-${CODE_SERVER_VERSION}`);
export const codeServerBin = path.join(cacheDir, 'node_modules', '.bin', 'code-server');
const stampFile = path.join(cacheDir, '.setup-complete');
const vscodeDir = path.join(cacheDir, 'node_modules', 'code-server', 'lib', 'vscode');

const log = (msg) => console.log(`[setup-code-server] ${msg}`);

function run(cmd, args, cwd, extraEnv = {}) {
  log(`$ (cd ${path.relative(root, cwd) || '.'}) ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit', env: { ...process.env, ...extraEnv } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd} (exit ${r.status ?? r.signal})`);
}

/** Replaces `link` with a symlink to `target` (relative), like `ln -sfn`. */
function lnSfn(target, link) {
  try { if (lstatSync(link)) unlinkSync(link); } catch { /* absent */ }
  symlinkSync(target, link);
}

export function isSetUp() {
  return existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === CODE_SERVER_VERSION && existsSync(codeServerBin);
}

/** The recipe, step by step; every step is safe to repeat. */
function setUp() {
  const started = Date.now();
  ensurePackages(harnessPackages, log);
  mkdirSync(cacheDir, { recursive: true });
  // npm_config_yes answers npm's prompts; the user's own npm config otherwise applies (registry, cache).
  const npmEnv = { npm_config_yes: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
  writeFileSync(path.join(cacheDir, 'package.json'), JSON.stringify({ name: 'lungcam-code-server-cache', private: true }, null, 2));

  log(`1/6 code-server@${CODE_SERVER_VERSION} without its install scripts`);
  run('npm', ['install', '--no-save', '--ignore-scripts', `code-server@${CODE_SERVER_VERSION}`], cacheDir, npmEnv);

  log('2/6 VS Code server dependencies; rebuild the native modules that need it (kerberos, node-pty)');
  run('npm', ['install', '--omit=dev', '--ignore-scripts'], vscodeDir, npmEnv);
  run('npm', ['rebuild', 'kerberos', 'node-pty'], vscodeDir, npmEnv);

  log("3/6 Debian's ripgrep in place of the one @vscode/ripgrep would download");
  const rgDir = path.join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
  mkdirSync(rgDir, { recursive: true });
  copyFileSync('/usr/bin/rg', path.join(rgDir, 'rg'));
  chmodSync(path.join(rgDir, 'rg'), 0o755);

  log('4/6 the links code-server expects from its own packaging');
  lnSfn('node_modules', path.join(vscodeDir, 'node_modules.asar'));
  lnSfn('code-linux.sh', path.join(vscodeDir, 'bin', 'remote-cli', 'code-server'));
  lnSfn('browser-linux.sh', path.join(vscodeDir, 'bin', 'helpers', 'browser.sh'));

  log('5/6 dependencies of the built-in extensions');
  run('npm', ['install', '--omit=dev', '--ignore-scripts'], path.join(vscodeDir, 'extensions'), npmEnv);

  log('6/6 argon2 (password hashing; code-server loads it at start)');
  run('npm', ['rebuild', 'argon2'], cacheDir, npmEnv);

  const version = codeServerVersion();
  if (!version.includes(CODE_SERVER_VERSION) || !version.includes(VSCODE_VERSION)) {
    throw new Error(`code-server --version printed "${version}", expected ${CODE_SERVER_VERSION} with Code ${VSCODE_VERSION}`);
  }
  writeFileSync(stampFile, CODE_SERVER_VERSION + '\n');
  log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s: ${version}`);
}

export function codeServerVersion() {
  // Its own config folder, so asking the version never writes into the user's ~/.config.
  const env = { ...process.env, XDG_CONFIG_HOME: path.join(cacheDir, 'config'), XDG_DATA_HOME: path.join(cacheDir, 'data') };
  const r = spawnSync(codeServerBin, ['--version'], { encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`code-server --version failed: ${r.stderr || r.error}`);
  return r.stdout.split('\n').find((l) => /^\d+\.\d+\.\d+ /.test(l))?.trim() ?? r.stdout.trim();
}

/** Returns the code-server executable, setting it up first if needed. Throws with a clear message. */
export function ensureCodeServer({ force = false } = {}) {
  if (force) rmSync(stampFile, { force: true });
  if (isSetUp()) {
    // Debian packages can disappear between runs (Chromium is needed by every caller).
    ensurePackages(harnessPackages, log);
    return codeServerBin;
  }
  log(`setting up code-server ${CODE_SERVER_VERSION} in ${path.relative(root, cacheDir)} (first run; takes a few minutes)`);
  setUp();
  return codeServerBin;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const bin = ensureCodeServer({ force: process.argv.includes('--force') });
    log(`ready: ${path.relative(root, bin)} (${codeServerVersion()})`);
  } catch (e) {
    console.error(`[setup-code-server] ${e.message}`);
    process.exitCode = 1;
  }
}
