/**
 * The "LungCAM (TypeScript)" notebook controller: TypeScript cells run by tslab in its own process,
 * for LungCAM notebooks and, when the Jupyter extension is installed, for Jupyter notebooks too; and,
 * once connected to a Jupyter Server, "LungCAM on Jupyter Server", which runs them in the `lungcam`
 * kernel there. Also the kernel commands (restart, interrupt, status, connect) and the status bar.
 * No cell runs in an untrusted workspace.
 */
import * as vscode from 'vscode';
import { JupyterServerConnection, type ConnectArgs } from './jupyterServerConnection';
import { KernelSession, startLocalKernel, type KernelStarter } from './kernelSession';
import { KernelStatusBar } from './statusBar';
import { controllerId, KERNELSPEC, NOTEBOOK_TYPE } from '../kernels/shared/notebook';

const JUPYTER_NOTEBOOK = 'jupyter-notebook';
const JUPYTER_EXTENSION = 'ms-toolsai.jupyter';
export const CONTROLLER_LABEL = KERNELSPEC.display_name;
export const REMOTE_CONTROLLER_LABEL = 'LungCAM on Jupyter Server';

export const UNTRUSTED_MESSAGE =
  'LungCAM runs no code in an untrusted workspace: notebook cells could run anything on this machine. ' +
  'Trust the workspace (Workspaces: Manage Workspace Trust) to run cells.';

/** What other parts need of the notebooks' kernels: the session running a notebook, if any. */
export interface NotebookKernels {
  sessionOf(notebook: vscode.NotebookDocument): KernelSession | undefined;
}

export function registerController(context: vscode.ExtensionContext): NotebookKernels {
  const sessions = new Map<string, KernelSession>();
  const statusBar = new KernelStatusBar();
  const server = new JupyterServerConnection(context);
  context.subscriptions.push(statusBar, server);

  const activeNotebook = () => vscode.window.activeNotebookEditor?.notebook;
  const refreshStatus = () => {
    const nb = activeNotebook();
    statusBar.show(nb ? sessions.get(nb.uri.toString())?.state : undefined);
  };

  /** The notebook's session of this kind: a session of the other kind (the user switched kernels) is ended. */
  const sessionFor = (notebook: vscode.NotebookDocument, kind: 'local' | 'remote' = 'local'): KernelSession => {
    const key = notebook.uri.toString();
    let s = sessions.get(key);
    if (s && s.kind !== kind) {
      s.dispose();
      s = undefined;
    }
    if (!s) {
      const start: KernelStarter = kind === 'remote' ? server.startKernel : startLocalKernel;
      s = new KernelSession(notebook, kind, start);
      s.onDidChange(refreshStatus);
      sessions.set(key, s);
    }
    return s;
  };

  const createController = (notebookType: string, kind: 'local' | 'remote' = 'local') => {
    const controller = vscode.notebooks.createNotebookController(controllerId(notebookType, kind), notebookType, kind === 'local' ? CONTROLLER_LABEL : REMOTE_CONTROLLER_LABEL);
    controller.supportedLanguages = ['typescript'];
    controller.supportsExecutionOrder = true;
    if (kind === 'local') {
      controller.description = 'tslab, in its own process';
      controller.detail = 'import * as lc from "lungcam" in cells';
    } else {
      controller.description = server.baseUrl;
      controller.detail = 'Cells run on the server: recordings named in cells are read there';
    }
    controller.executeHandler = (cells, notebook, ctrl) => {
      if (!vscode.workspace.isTrusted) return refuseUntrusted(cells, ctrl);
      sessionFor(notebook, kind).run(cells, ctrl);
    };
    controller.interruptHandler = async (notebook) => {
      await sessions.get(notebook.uri.toString())?.interrupt();
    };
    context.subscriptions.push(controller);
    return controller;
  };

  // The remote controllers exist while a server is connected; their description names it.
  let remoteControllers: vscode.NotebookController[] = [];
  const showRemote = () => {
    remoteControllers.forEach((c) => c.dispose());
    remoteControllers = [];
    if (!server.baseUrl) return;
    remoteControllers = [createController(NOTEBOOK_TYPE, 'remote')];
    if (vscode.extensions.getExtension(JUPYTER_EXTENSION)) remoteControllers.push(createController(JUPYTER_NOTEBOOK, 'remote'));
  };
  showRemote();

  const lungcamController = createController(NOTEBOOK_TYPE);
  // LungCAM notebooks prefer this controller; Jupyter notebooks only offer it.
  const preferForLungcam = (nb: vscode.NotebookDocument) => {
    if (nb.notebookType === NOTEBOOK_TYPE) lungcamController.updateNotebookAffinity(nb, vscode.NotebookControllerAffinity.Preferred);
  };
  vscode.workspace.notebookDocuments.forEach(preferForLungcam);

  let jupyterController: vscode.NotebookController | undefined;
  const offerForJupyter = () => {
    if (!jupyterController && vscode.extensions.getExtension(JUPYTER_EXTENSION)) jupyterController = createController(JUPYTER_NOTEBOOK);
  };
  offerForJupyter();

  const withSession = (uri?: vscode.Uri) => {
    const nb = uri ? vscode.workspace.notebookDocuments.find((d) => d.uri.toString() === uri.toString()) : activeNotebook();
    return nb ? sessions.get(nb.uri.toString()) : undefined;
  };

  context.subscriptions.push(
    vscode.workspace.onDidOpenNotebookDocument(preferForLungcam),
    vscode.extensions.onDidChange(offerForJupyter),
    vscode.window.onDidChangeActiveNotebookEditor(refreshStatus),
    vscode.workspace.onDidCloseNotebookDocument((nb) => {
      const key = nb.uri.toString();
      sessions.get(key)?.dispose();
      sessions.delete(key);
      refreshStatus();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(refreshStatus),
    vscode.commands.registerCommand('lungcam.restartKernel', async (uri?: vscode.Uri) => {
      const nb = uri ? undefined : activeNotebook();
      const session = withSession(uri) ?? (nb ? sessionFor(nb) : undefined);
      if (!session) return void vscode.window.showInformationMessage('LungCAM: open a notebook to restart its kernel.');
      if (!vscode.workspace.isTrusted) return void vscode.window.showWarningMessage(UNTRUSTED_MESSAGE);
      await session.restart();
    }),
    vscode.commands.registerCommand('lungcam.interruptKernel', async (uri?: vscode.Uri) => withSession(uri)?.interrupt()),
    // Answers at once even while a cell spins (the kernel is another process): also a liveness probe.
    vscode.commands.registerCommand('lungcam.kernelStatus', (uri?: vscode.Uri) => {
      const state = withSession(uri)?.state ?? { status: 'not-started' as const, queued: 0, running: false };
      if (!uri) {
        const backend = 'backend' in state && state.backend ? `, TensorFlow.js ${state.backend}` : '';
        void vscode.window.showInformationMessage(`LungCAM kernel: ${state.status}${backend}`);
      }
      return state;
    }),
    vscode.commands.registerCommand('lungcam.kernelActions', async () => {
      const actions = ['Restart Kernel', 'Interrupt Kernel', 'Connect to Jupyter Server…', ...(server.baseUrl ? ['Disconnect from Jupyter Server'] : [])];
      const pick = await vscode.window.showQuickPick(actions, { title: 'LungCAM kernel' });
      if (pick === 'Restart Kernel') await vscode.commands.executeCommand('lungcam.restartKernel');
      if (pick === 'Interrupt Kernel') await vscode.commands.executeCommand('lungcam.interruptKernel');
      if (pick === 'Connect to Jupyter Server…') await vscode.commands.executeCommand('lungcam.connectJupyterServer');
      if (pick === 'Disconnect from Jupyter Server') await vscode.commands.executeCommand('lungcam.disconnectJupyterServer');
    }),
    vscode.commands.registerCommand('lungcam.connectJupyterServer', async (args?: ConnectArgs) => {
      if (!vscode.workspace.isTrusted) return void vscode.window.showWarningMessage(UNTRUSTED_MESSAGE);
      if (!(await server.connect(args ?? {}))) return false;
      // the active LungCAM notebook moves to the server: that is why one connects from a notebook
      const nb = activeNotebook();
      if (nb?.notebookType === NOTEBOOK_TYPE) {
        await vscode.commands.executeCommand('notebook.selectKernel', { id: controllerId(NOTEBOOK_TYPE, 'remote'), extension: context.extension.id });
      }
      void vscode.window.showInformationMessage(
        `LungCAM: connected to ${server.baseUrl}. Notebooks on the kernel "${REMOTE_CONTROLLER_LABEL}" run there: recordings named in cells are read on the server, relative to the notebook's folder there.`,
      );
      return true;
    }),
    vscode.commands.registerCommand('lungcam.disconnectJupyterServer', async () => {
      for (const [key, s] of sessions) {
        if (s.kind !== 'remote') continue;
        s.dispose();
        sessions.delete(key);
      }
      await server.disconnect();
      refreshStatus();
    }),
    server.onDidChange(showRemote),
    { dispose: () => remoteControllers.forEach((c) => c.dispose()) },
    { dispose: () => sessions.forEach((s) => s.dispose()) },
  );
  return { sessionOf: (nb) => sessions.get(nb.uri.toString()) };
}

/** Every cell ends failed with the reason; the kernel is never started. */
function refuseUntrusted(cells: readonly vscode.NotebookCell[], controller: vscode.NotebookController): void {
  for (const cell of cells) {
    const execution = controller.createNotebookCellExecution(cell);
    execution.start(Date.now());
    void execution
      .replaceOutput(new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.error({ name: 'Workspace not trusted', message: UNTRUSTED_MESSAGE, stack: '' })]))
      .then(() => execution.end(false, Date.now()));
  }
  void vscode.window.showWarningMessage(UNTRUSTED_MESSAGE, 'Manage Workspace Trust').then((choice) => {
    if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
  });
}
