/**
 * What VS Code said about the extension while it ran: the extension host's log files in the state dir
 * (user-data/logs/<session>/exthost<N>/…, written only where code-server's spdlog binding exists) and
 * the browser side, where the remote extension host's console, the workbench's error log and failed
 * resource loads (webview files) all arrive. `extensionProblems` keeps the warnings and errors that
 * name LungCAM (its identifiers or its files, not merely a path that happens to hold the word, such as a
 * clone in a folder named `lungcam`) or a missing file.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';

export interface LogLine {
  source: string;
  level: 'error' | 'warning' | 'info';
  text: string;
}

/** Collects console warnings/errors, page errors and failed loads of `page` from now on. */
export function recordBrowserLog(page: Page): LogLine[] {
  const lines: LogLine[] = [];
  page.on('console', (m) => {
    const level = m.type() === 'error' ? 'error' : m.type() === 'warning' ? 'warning' : 'info';
    const at = m.location().url;
    // "Failed to load resource" names no file: add where it came from
    lines.push({ source: 'browser console', level, text: at && /Failed to load resource/.test(m.text()) ? `${m.text()} (${decodeURIComponent(at)})` : m.text() });
  });
  page.on('pageerror', (e) => lines.push({ source: 'browser page error', level: 'error', text: String(e?.stack ?? e) }));
  page.on('response', (r) => {
    if (r.status() >= 400) lines.push({ source: 'browser load', level: 'error', text: `HTTP ${r.status()} ${decodeURIComponent(r.url())}` });
  });
  page.on('requestfailed', (r) => lines.push({ source: 'browser load', level: 'error', text: `failed ${r.failure()?.errorText ?? ''} ${decodeURIComponent(r.url())}` }));
  return lines;
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** Lines of the extension host log files (exthost*, remoteexthost*) under <stateDir>/user-data/logs. */
export function extensionHostLogFiles(stateDir: string): string[] {
  const logs = path.join(stateDir, 'user-data', 'logs');
  return filesUnder(logs).filter((f) => /exthost/i.test(path.relative(logs, f)) && f.endsWith('.log'));
}

export function readExtensionHostLog(stateDir: string): LogLine[] {
  return extensionHostLogFiles(stateDir).flatMap((f) =>
    readFileSync(f, 'utf8').split('\n').filter(Boolean).map((text): LogLine => ({
      source: path.basename(f),
      level: /\[error\]/i.test(text) ? 'error' : /\[warn(ing)?\]/i.test(text) ? 'warning' : 'info',
      text,
    })),
  );
}

const MISSING = /cannot find module|ENOENT|no such file|not found|could not (load|locate)|missing|HTTP 404/i;
/**
 * code-server's own install here lacks two native addons (npm blocks their build scripts): the spdlog
 * binding (hence no log files) and the extension host watchdog; it also does not ship Microsoft's vsda
 * files its web client asks for. Those name code-server's files, not ours; the marketplace (open-vsx)
 * is unreachable offline by design; Monaco gives up colouring long lines (an editor note, not a problem).
 */
const HARNESS = /@vscode\/spdlog|spdlog\.node|Could not locate the bindings file|build\/Release\/watchdog|node_modules\/vsda\/|open-vsx\.org|ERR_NAME_NOT_RESOLVED/;
const EDITOR_NOTE = /^Time limit reached when tokenizing line/;

/**
 * LungCAM's own identifiers: the extension id and its command, setting and view ids (`lungcam.x`), the
 * notebook, renderer and kernel names (`lungcam-x`), the CLI's `lungcam:` prefix and the name `LungCAM`;
 * never as a path segment (`/work/lungcam/samples`, `/src/lungcam-main/`).
 */
const OUR_IDS = /(?<![/\\\w])(?:lungcam(?:[.-][A-Za-z]|:)|LungCAM\b(?![/\\]))/;

/** Warnings and errors about LungCAM or about a missing file (minus the known code-server install gaps). */
export function extensionProblems(lines: LogLine[], extensionFolder: string): LogLine[] {
  // The extension's own files, not anything under its folder (the opened workspace is inside it).
  const folder = extensionFolder.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\/+$/, '');
  const ownFiles = new RegExp(`${folder}/(?:dist|extension|kernels|webview|media|package\\.json)\\b`);
  const ours = { test: (text: string) => OUR_IDS.test(text) || ownFiles.test(text) };
  return lines.filter((l) => l.level !== 'info' && !EDITOR_NOTE.test(l.text) && (ours.test(l.text) || MISSING.test(l.text)) && !(HARNESS.test(l.text) && !ours.test(l.text)));
}
