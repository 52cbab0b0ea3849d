/**
 * "LungCAM: Connect to Jupyter Server…": the server's URL (kept in the extension's global state) and
 * its token (in VS Code's SecretStorage, never in settings), checked before they are kept; and the
 * kernel starter of the "LungCAM on Jupyter Server" controller, which runs cells there.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import type { ServerAddress } from '../kernels/client/jupyterServer';
import type { KernelStarter } from './kernelSession';

const URL_KEY = 'lungcam.jupyterServer.url';
const tokenKey = (baseUrl: string) => `lungcam.jupyterServer.token:${baseUrl}`;

export interface ConnectArgs {
  url?: string;
  token?: string;
}

export class JupyterServerConnection implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<string | undefined>();
  /** Fires with the new server's base URL, or undefined after a disconnect. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly context: vscode.ExtensionContext) {}

  get baseUrl(): string | undefined {
    return this.context.globalState.get<string>(URL_KEY) || undefined;
  }

  async address(): Promise<ServerAddress | undefined> {
    const baseUrl = this.baseUrl;
    if (!baseUrl) return undefined;
    return { baseUrl, token: (await this.context.secrets.get(tokenKey(baseUrl))) ?? '' };
  }

  /** Asks for what `args` does not give, checks the server, keeps it. False when cancelled or refused. */
  async connect(args: ConnectArgs = {}): Promise<boolean> {
    const { parseServerAddress, checkServer } = await import('../kernels/client/jupyterServer');
    const url =
      args.url ??
      (await vscode.window.showInputBox({
        title: 'LungCAM: Connect to Jupyter Server (1/2)',
        prompt: 'The server\'s URL, as `jupyter server list` prints it (a ?token=… in it is used). For JupyterHub: https://HUB/user/NAME/',
        placeHolder: 'http://127.0.0.1:8888/',
        value: this.baseUrl,
        ignoreFocusOut: true,
        validateInput: (v) => {
          try {
            parseServerAddress(v);
            return undefined;
          } catch (e) {
            return (e as Error).message;
          }
        },
      }));
    if (!url) return false;
    let parsed;
    try {
      parsed = parseServerAddress(url);
    } catch (e) {
      void vscode.window.showErrorMessage(`LungCAM: ${(e as Error).message}`);
      return false;
    }
    const token =
      args.token ??
      parsed.token ??
      (await vscode.window.showInputBox({
        title: 'LungCAM: Connect to Jupyter Server (2/2)',
        prompt: `The token of ${parsed.baseUrl} (\`jupyter server list\` on the server; JupyterHub: Token page). Kept in VS Code's secret storage.`,
        password: true,
        ignoreFocusOut: true,
        value: (await this.context.secrets.get(tokenKey(parsed.baseUrl))) ?? '',
      }));
    if (token === undefined) return false;
    const address = { baseUrl: parsed.baseUrl, token };
    try {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `LungCAM: connecting to ${address.baseUrl}…` },
        () => checkServer(address),
      );
    } catch (e) {
      void vscode.window.showErrorMessage(`LungCAM: ${(e as Error).message}`, 'Try Again').then((retry) => retry && this.connect({}));
      return false;
    }
    await this.context.secrets.store(tokenKey(address.baseUrl), token);
    await this.context.globalState.update(URL_KEY, address.baseUrl);
    this.changed.fire(address.baseUrl);
    return true;
  }

  async disconnect(): Promise<void> {
    const baseUrl = this.baseUrl;
    if (!baseUrl) return;
    await this.context.secrets.delete(tokenKey(baseUrl));
    await this.context.globalState.update(URL_KEY, undefined);
    this.changed.fire(undefined);
  }

  /** Starts the `lungcam` kernel on the server for a notebook: a session for its workspace-relative path. */
  readonly startKernel: KernelStarter = async (notebook) => {
    const address = await this.address();
    const { JupyterServerError } = await import('../kernels/client/jupyterServer');
    if (!address) throw new JupyterServerError('LungCAM is not connected to a Jupyter Server: run "LungCAM: Connect to Jupyter Server…" first.', 'not-connected');
    const { RemoteKernel } = await import('../kernels/client/remoteKernel');
    const kernel = await RemoteKernel.start({ server: address, notebookPath: serverPath(notebook) });
    const host = new URL(address.baseUrl).host;
    return Object.assign(kernel, { location: () => ({ server: address.baseUrl, host, folder: kernel.folder }) });
  };

  dispose(): void {
    this.changed.dispose();
  }
}

/**
 * The notebook's path on the server: its path in the workspace, so a server whose root holds a copy of
 * the workspace runs cells in the same folder (the server falls back to the nearest folder it has).
 */
export function serverPath(notebook: vscode.NotebookDocument): string {
  const relative = vscode.workspace.asRelativePath(notebook.uri, false);
  return (path.isAbsolute(relative) ? path.basename(notebook.uri.path) : relative).split(path.sep).join('/');
}
