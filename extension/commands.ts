/** Command palette entries. `LungCAM: New Notebook` opens an untitled notebook with a starter cell. */
import * as vscode from 'vscode';
import { NOTEBOOK_TYPE } from '../kernels/shared/notebook';
import { defaultNotebookMetadata, newCellId } from './nbformat';

export function registerCommands(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.commands.registerCommand('lungcam.newNotebook', newNotebook));
}

export const starterSource = [
  '// LungCAM: log-mel features, a CNN and Grad-CAM on breath-sound recordings.',
  'import * as lc from "lungcam";',
  '',
].join('\n');

async function newNotebook(): Promise<vscode.NotebookEditor> {
  const intro = new vscode.NotebookCellData(vscode.NotebookCellKind.Markup, '# LungCAM notebook\n\nRun the cell below to load the LungCAM engine.', 'markdown');
  const code = new vscode.NotebookCellData(vscode.NotebookCellKind.Code, starterSource, 'typescript');
  for (const cell of [intro, code]) cell.metadata = { id: newCellId(), metadata: {} };
  const data = new vscode.NotebookData([intro, code]);
  data.metadata = { nbformat: 4, nbformat_minor: 5, metadata: defaultNotebookMetadata() };
  const doc = await vscode.workspace.openNotebookDocument(NOTEBOOK_TYPE, data);
  return vscode.window.showNotebookDocument(doc);
}
