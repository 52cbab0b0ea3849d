/**
 * The "LungCAM (TypeScript)" notebook controller: TypeScript cells run by tslab in its own process,
 * for LungCAM notebooks and, when the Jupyter extension is installed, for Jupyter notebooks too.
 * Also the kernel commands (restart, interrupt, status) and the status bar. No cell runs in an
 * untrusted workspace.
 */
import * as vscode from 'vscode';
import { KernelSession } from './kernelSession';
import { KernelStatusBar } from './statusBar';
import { controllerId, KERNELSPEC, NOTEBOOK_TYPE } from '../kernels/shared/notebook';

const JUPYTER_NOTEBOOK = 'jupyter-notebook';
const JUPYTER_EXTENSION = 'ms-toolsai.jupyter';
export const CONTROLLER_LABEL = KERNELSPEC.display_name;

export const UNTRUSTED_MESSAGE =
  'LungCAM runs no code in an untrusted workspace: notebook cells could run anything on this machine. ' +
  'Trust the workspace (Workspaces: Manage Workspace Trust) to run cells.';

export function registerController(context: vscode.ExtensionContext): void {
  const sessions = new Map<string, KernelSession>();
  const statusBar = new KernelStatusBar();
  context.subscriptions.push(statusBar);

  const activeNotebook = () => vscode.window.activeNotebookEditor?.notebook;
  const refreshStatus = () => {
    const nb = activeNotebook();
    statusBar.show(nb ? sessions.get(nb.uri.toString())?.state : undefined);
  };

  const sessionFor = (notebook: vscode.NotebookDocument): KernelSession => {
    const key = notebook.uri.toString();
    let s = sessions.get(key);
    if (!s) {
      s = new KernelSession(notebook);
      s.onDidChange(refreshStatus);
      sessions.set(key, s);
    }
    return s;
  };

  const createController = (notebookType: string) => {
    const controller = vscode.notebooks.createNotebookController(controllerId(notebookType), notebookType, CONTROLLER_LABEL);
    controller.supportedLanguages = ['typescript'];
    controller.supportsExecutionOrder = true;
    controller.description = 'tslab, in its own process';
    controller.detail = 'import * as lc from "lungcam" in cells';
    controller.executeHandler = (cells, notebook, ctrl) => {
      if (!vscode.workspace.isTrusted) return refuseUntrusted(cells, ctrl);
      sessionFor(notebook).run(cells, ctrl);
    };
    controller.interruptHandler = async (notebook) => {
      await sessions.get(notebook.uri.toString())?.interrupt();
    };
    context.subscriptions.push(controller);
    return controller;
  };

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
      const pick = await vscode.window.showQuickPick(['Restart Kernel', 'Interrupt Kernel'], { title: 'LungCAM kernel' });
      if (pick === 'Restart Kernel') await vscode.commands.executeCommand('lungcam.restartKernel');
      if (pick === 'Interrupt Kernel') await vscode.commands.executeCommand('lungcam.interruptKernel');
    }),
    { dispose: () => sessions.forEach((s) => s.dispose()) },
  );
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
