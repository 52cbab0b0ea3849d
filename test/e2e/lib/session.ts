/**
 * One e2e session's lifecycle, shared by the e2e files: a fresh run folder (state dir), a workspace in
 * it, code-server (the working tree linked in, or whatever was installed into <runDir>/extensions),
 * Chromium with one page on the workspace, screenshots into test-artifacts/e2e/, and shutdown by pid
 * (the run folder is kept, with code-server.log and the extension host logs, when a test failed).
 */
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
// @ts-expect-error: plain ESM helpers shared with the launcher scripts (no type declarations)
import { launchChromium, startCodeServer } from '../../../scripts/lib/code-server.mjs';
// @ts-expect-error: plain ESM helper (no type declarations)
import { startDevServer } from '../../../scripts/lib/dev-server.mjs';
// @ts-expect-error: plain ESM helper (no type declarations)
import { ensureCodeServer } from '../../../scripts/setup-code-server.mjs';
// @ts-expect-error: plain ESM helper (no type declarations)
import { freshRunDir, removeRunDir } from '../../../scripts/lib/run-dirs.mjs';
import { waitForWorkbench } from '../vscode';
import { recordBrowserLog, type LogLine } from './hostLog';

export const root = path.resolve(__dirname, '..', '..', '..');
export const artifacts = path.join(root, 'test-artifacts', 'e2e');

export interface CodeServer {
  pid: number;
  url: (folder: string) => string;
  stop: () => Promise<void>;
  logFile: string;
}

export interface SessionOptions {
  /** Names the run folder (.vscode-test/runs/<name>-<pid>). */
  name: string;
  /** Fills the run folder before the server starts (workspace, installed extensions); returns the workspace folder. */
  prepare: (runDir: string) => string | Promise<string>;
  /**
   * 'dev': the working tree linked in as the extension; 'installed': only what prepare() installed
   * into <runDir>/extensions (e.g. the .vsix).
   */
  extension: 'dev' | 'installed';
  /** User settings on top of the quiet defaults. */
  settings?: Record<string, unknown>;
  viewport?: { width: number; height: number };
  /** Screenshot names get this prefix (e.g. "product-"). */
  shotPrefix?: string;
}

export interface Session {
  runDir: string;
  workspace: string;
  server: CodeServer;
  browser: Browser;
  page: Page;
  /** Browser console warnings/errors, page errors and failed loads since the page opened (hostLog.ts). */
  browserLog: LogLine[];
  /** Saves test-artifacts/e2e/<prefix><name>.png and prints its path; returns the file. */
  shot(name: string, page?: Page): Promise<string>;
  /** Runs a test body; on failure takes a screenshot, keeps the run folder and rethrows. */
  guard<T>(body: () => Promise<T>): Promise<T>;
  /** Stops Chromium and code-server; removes the run folder unless a test failed. */
  close(): Promise<void>;
}

export async function startSession(opts: SessionOptions): Promise<Session> {
  mkdirSync(artifacts, { recursive: true });
  const runDir: string = freshRunDir(opts.name);
  let failed = false;
  let server: CodeServer | undefined;
  let chromium: { pid: number; browser: Browser; stop: () => Promise<void> } | undefined;
  const close = async () => {
    await chromium?.stop();
    await server?.stop();
    if (!failed) removeRunDir(runDir);
    else console.log(`# kept ${path.relative(root, runDir)} (code-server.log, user-data/logs) for the failure`);
  };
  try {
    const workspace = await opts.prepare(runDir);
    server = opts.extension === 'dev'
      ? await startDevServer({ dir: runDir, workspace, settings: opts.settings })
      : await startCodeServer({ bin: ensureCodeServer(), dir: runDir, workspace, settings: opts.settings });
    chromium = await launchChromium();
    console.log(`# code-server pid ${server!.pid}, chromium pid ${chromium!.pid}`);
    const page = await chromium!.browser.newPage({ viewport: opts.viewport ?? { width: 1400, height: 900 } });
    const browserLog = recordBrowserLog(page);
    const shot = async (name: string, p: Page = page) => {
      const file = path.join(artifacts, `${opts.shotPrefix ?? ''}${name}.png`);
      await p.screenshot({ path: file });
      console.log(`# screenshot: ${path.relative(root, file)}`);
      return file;
    };
    const guard = async <T>(body: () => Promise<T>) => {
      try {
        return await body();
      } catch (e) {
        failed = true;
        await shot(`failed-${Date.now()}`).catch(() => {});
        // what the user saw, in the log: the screenshot stays on the machine that ran the tests
        const toasts = await page.locator('.notifications-toasts .notification-list-item').allInnerTexts().catch(() => []);
        for (const t of toasts) console.log(`# notification on screen: ${t.replace(/\s+/g, ' ').trim()}`);
        throw e;
      }
    };
    await page.goto(server!.url(workspace));
    await waitForWorkbench(page);
    return { runDir, workspace, server: server!, browser: chromium!.browser, page, browserLog, shot, guard, close };
  } catch (e) {
    failed = true;
    await close();
    throw e;
  }
}
