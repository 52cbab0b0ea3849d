/**
 * "Open With… → LungCAM Quick Analysis" for .wav files: a read-only custom editor (priority "option",
 * so the default audio preview stays the default) whose panel is the Quick Analysis view itself
 * (quickAnalysis.ts showAnalysis): the same renderer views, progress and renderer messaging.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { showAnalysis, showProblem } from './quickAnalysis';
import { requireModel } from './selectModel';
import { notWavReason } from './wavInput';
import { UNTRUSTED_CLI_MESSAGE } from './cliRunner';

export const WAV_EDITOR_VIEW = 'lungcam.wavAnalysis';

class WavAnalysisEditor implements vscode.CustomReadonlyEditorProvider {
  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => {} };
  }

  async resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): Promise<void> {
    const uri = document.uri;
    const title = `Quick analysis: ${path.basename(uri.path)}`;
    if (!vscode.workspace.isTrusted) {
      showProblem(panel, title, `${UNTRUSTED_CLI_MESSAGE}; then reopen this file.`);
      return;
    }
    const problem = uri.scheme === 'file' ? notWavReason(uri.fsPath) : `${uri.toString()} is not a local file`;
    if (problem) {
      showProblem(panel, title, `${problem}.`);
      void vscode.window.showErrorMessage(`LungCAM: ${problem}.`);
      return;
    }
    const model = requireModel();
    if (!model) {
      showProblem(panel, title, 'No model: choose one with LungCAM: Select Model… (or train one), then reopen this file.');
      return;
    }
    // Not awaited: the editor opens at once and fills in as the analysis arrives.
    void showAnalysis(panel, uri.fsPath, model);
  }
}

export function registerWavEditor(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.window.registerCustomEditorProvider(WAV_EDITOR_VIEW, new WavAnalysisEditor(), {
      webviewOptions: { retainContextWhenHidden: true },
      supportsMultipleEditorsPerDocument: true,
    }),
  );
}
