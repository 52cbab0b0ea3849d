// Starts code-server (VS Code's server build) on a free loopback port with fresh user-data and
// extensions folders, and Debian's Chromium through playwright-core; stops both by process id.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync, createWriteStream } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { track, stopGroup } from './processes.mjs';

export const chromiumPath = '/usr/bin/chromium';
export const chromiumArgs = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-dev-shm-usage',
];

/** Settings for a quiet, reproducible VS Code: no welcome page, no trust prompt, no update checks. */
export const quietSettings = {
  'workbench.startupEditor': 'none',
  'workbench.colorTheme': 'Default Dark Modern',
  'workbench.tips.enabled': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'workbench.enableExperiments': false,
  'git.openRepositoryInParentFolders': 'never',
};

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url, timeoutMs, child) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode) throw new Error(`code-server exited early (${child.exitCode ?? child.signalCode})`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
      lastError = new Error(`HTTP ${res.status}`);
    } catch (e) { lastError = e; }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`code-server did not answer ${url} within ${timeoutMs / 1000} s: ${lastError?.message}`);
}

/**
 * Starts code-server. `dir` receives user-data/, extensions/, config/ and code-server.log.
 * `env` is passed to the server and so to its extension host (tests read their output paths from it).
 * Returns { port, pid, base, url(folder, payload?), stop() }.
 */
export async function startCodeServer({ bin, dir, workspace, settings = {}, env = {}, port, host = '127.0.0.1', timeoutMs = 60000 }) {
  const userData = path.join(dir, 'user-data');
  const extensionsDir = path.join(dir, 'extensions');
  mkdirSync(path.join(userData, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({ ...quietSettings, ...settings }, null, 2));
  port ??= await freePort();
  const logFile = path.join(dir, 'code-server.log');
  const args = [
    '--auth', 'none', '--bind-addr', `${host}:${port}`, '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--disable-getting-started-override',
    '--user-data-dir', userData, '--extensions-dir', extensionsDir, workspace,
  ];
  const child = spawn(bin, args, {
    detached: true, // its own process group, so stopping it also stops its extension hosts
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own config folder: never touches the user's ~/.config/code-server.
    env: { ...process.env, XDG_CONFIG_HOME: path.join(dir, 'config'), ...env },
  });
  track(child.pid, 'code-server');
  const log = createWriteStream(logFile);
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const base = `http://${host}:${port}`;
  const stop = () => stopGroup(child.pid);
  try {
    await waitForHttp(`${base}/healthz`, timeoutMs, child);
  } catch (e) {
    await stop();
    throw new Error(`${e.message} (log: ${logFile})`, { cause: e });
  }
  const url = (folder, payload) => {
    let u = `${base}/?folder=${encodeURIComponent(folder)}`;
    if (payload) u += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    return u;
  };
  /** A path on the server as the browser's VS Code names it. */
  const remoteUri = (absPath) => `vscode-remote://${host}:${port}${absPath}`;
  return { port, pid: child.pid, base, url, remoteUri, stop, logFile };
}

/**
 * Launches Debian's Chromium (headless by default) through playwright-core as a server process we
 * hold the pid of, and connects to it. Returns { browser, pid, stop() }.
 */
export async function launchChromium({ headless = true, args = [] } = {}) {
  const { chromium } = await import('playwright-core');
  const server = await chromium.launchServer({ executablePath: chromiumPath, headless, args: [...chromiumArgs, ...args] });
  const pid = server.process().pid;
  track(pid, 'chromium');
  const browser = await chromium.connect(server.wsEndpoint());
  const stop = async () => {
    await browser.close().catch(() => {});
    await server.close().catch(() => {});
    await stopGroup(pid, 1000);
  };
  return { browser, pid, stop };
}
