/**
 * Runs the LungCAM CLI (dist/kernels/cli.js) in a child process for the commands that do heavy work
 * (quick analysis, training, the study, export, recomputation), so the extension host never freezes.
 * The Node that runs it is the kernel's choice (`lungcam.kernel.runtime`, resolveRuntime). Cancelling
 * kills the process; the CLI writes its outputs atomically, so nothing half-written is left behind.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { resolveRuntime } from '../kernels/client/kernelProcess';

export interface CliResult {
  code: number | null;
  stdout: string;
  /** The CLI's last error line without the `lungcam: ` prefix (its one-line message for bad input). */
  message: string;
  cancelled: boolean;
}

export interface CliRunOptions {
  cwd?: string;
  /** Each line the CLI writes to stderr (progress). */
  onLine?: (line: string) => void;
  token?: vscode.CancellationToken;
}

let extensionRoot = '';
/** Called once from activate(): where dist/kernels/cli.js is. */
export function setExtensionRoot(root: string): void {
  extensionRoot = root;
}
export function cliScript(): string {
  return path.join(extensionRoot, 'dist', 'kernels', 'cli.js');
}

/**
 * What every engine process the extension starts (CLI commands, the notebook kernel) is told: the
 * `lungcam.backend` setting as LUNGCAM_BACKEND, which the engine takes when no --backend is given.
 */
export function engineEnv(): NodeJS.ProcessEnv {
  return { LUNGCAM_BACKEND: backendSetting() };
}

/** The `lungcam.backend` setting as the CLI's --backend value. */
export function backendSetting(): string {
  return vscode.workspace.getConfiguration('lungcam').get<string>('backend', 'auto');
}

/** The last `lungcam: …` line of stderr, which the CLI's error policy makes the whole message. */
export function errorMessage(stderr: string): string {
  const lines = stderr.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const errors = lines.filter((l) => l.startsWith('lungcam: ') && !l.startsWith('lungcam: warning:'));
  const last = errors[errors.length - 1] ?? lines[lines.length - 1] ?? '';
  return last.replace(/^lungcam: /, '');
}

export const UNTRUSTED_CLI_MESSAGE = 'LungCAM runs nothing in an untrusted workspace (a recording or notebook there could make it run code): trust the workspace first (Workspaces: Manage Workspace Trust)';

/** Runs the CLI; in an untrusted workspace it runs nothing and says why (every command that computes comes here). */
export function runCli(args: string[], options: CliRunOptions = {}): Promise<CliResult> {
  if (!vscode.workspace.isTrusted) return Promise.resolve({ code: null, stdout: '', message: UNTRUSTED_CLI_MESSAGE, cancelled: false });
  const runtime = resolveRuntime(vscode.workspace.getConfiguration('lungcam.kernel').get<string>('runtime', 'auto'));
  const env: NodeJS.ProcessEnv = { ...process.env, ...engineEnv() };
  if (runtime.electronRunAsNode) env.ELECTRON_RUN_AS_NODE = '1';
  else delete env.ELECTRON_RUN_AS_NODE;
  return new Promise((resolve) => {
    const child = spawn(runtime.executable, [cliScript(), ...args], { cwd: options.cwd ?? extensionRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let partial = '';
    let cancelled = false;
    const sub = options.token?.onCancellationRequested(() => {
      cancelled = true;
      child.kill('SIGTERM');
      // a process busy in native code may not leave on SIGTERM
      setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), 2000).unref();
    });
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      const text = d.toString();
      stderr += text;
      partial += text;
      const lines = partial.split(/\r?\n|\r/);
      partial = lines.pop() ?? '';
      for (const l of lines) if (l.trim()) options.onLine?.(l);
    });
    const finish = (code: number | null, spawnError?: Error) => {
      sub?.dispose();
      const message = spawnError ? `cannot start ${runtime.executable}: ${spawnError.message} (setting lungcam.kernel.runtime)` : errorMessage(stderr);
      resolve({ code, stdout, message, cancelled });
    };
    child.on('error', (e) => finish(null, e));
    child.on('close', (code) => finish(code));
  });
}
