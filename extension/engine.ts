/**
 * The window's warm engine (engineClient.ts): one client, its process run by the kernel's Node
 * (`lungcam.kernel.runtime`), started on the first request and stopped with the extension.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { resolveRuntime } from '../kernels/client/kernelProcess';
import { EngineClient } from './engineClient';
import { engineEnv } from './cliRunner';

let client: EngineClient | undefined;
let root = '';
let log: vscode.OutputChannel | undefined;

export function engine(): EngineClient {
  if (!client) {
    const runtime = resolveRuntime(vscode.workspace.getConfiguration('lungcam.kernel').get<string>('runtime', 'auto'));
    const env: NodeJS.ProcessEnv = { ...process.env, ...engineEnv() };
    if (runtime.electronRunAsNode) env.ELECTRON_RUN_AS_NODE = '1';
    else delete env.ELECTRON_RUN_AS_NODE;
    client = new EngineClient({
      script: path.join(root, 'dist', 'kernels', 'engineServer.js'), execPath: runtime.executable, env,
      onLog: (line) => (log ??= vscode.window.createOutputChannel('LungCAM Engine')).appendLine(line),
    });
  }
  return client;
}

/** An AbortSignal that follows a VS Code cancellation token. */
export function abortSignalOf(token: vscode.CancellationToken | undefined): AbortSignal | undefined {
  if (!token) return undefined;
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  else token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}

export function registerEngine(context: vscode.ExtensionContext): void {
  root = context.extensionPath;
  context.subscriptions.push(
    { dispose: () => { client?.dispose(); client = undefined; log?.dispose(); } },
    // A new runtime or backend applies to the next engine process.
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('lungcam.kernel.runtime') || e.affectsConfiguration('lungcam.backend')) {
        client?.dispose();
        client = undefined;
      }
    }),
  );
}
