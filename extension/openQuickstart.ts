/**
 * Open the Quickstart Notebook: the walkthrough's first step. Copies the shipped quickstart into the
 * extension's storage (quickstartCopy.ts) and opens it, outputs and all; running it is the next step.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { copyQuickstart } from './quickstartCopy';

async function openQuickstart(context: vscode.ExtensionContext): Promise<vscode.NotebookEditor | undefined> {
  const dest = path.join(context.globalStorageUri.fsPath, 'quickstart');
  let notebook: string;
  try {
    notebook = copyQuickstart(path.join(context.extensionPath, 'samples'), dest);
  } catch (e) {
    void vscode.window.showErrorMessage(`LungCAM: could not copy the quickstart to ${dest}: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
  const doc = await vscode.workspace.openNotebookDocument(vscode.Uri.file(notebook));
  return vscode.window.showNotebookDocument(doc);
}

export function registerOpenQuickstart(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.commands.registerCommand('lungcam.openQuickstart', () => openQuickstart(context)));
}
