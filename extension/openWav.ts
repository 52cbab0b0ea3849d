/**
 * Open WAV File in Notebook…: writes NAME.lungnb beside the WAV (or, when that folder is read-only,
 * where the user says) with the analysis cells for that file, opens it and runs all cells unless
 * `lungcam.runOnOpen` is false.
 */
import { accessSync, constants, existsSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isModelFamilyFolder, readModelFamily } from '../kernels/engine/formats';
import { analysisNotebookText, notebookPathFor } from './analysisNotebook';
import { requireModel } from './selectModel';
import { pickWav } from './wavInput';
import { controllerId, NOTEBOOK_TYPE } from '../kernels/shared/notebook';

const COMMAND = 'Open WAV File in Notebook';
const KERNEL_ID = controllerId(NOTEBOOK_TYPE);
const EXTENSION_ID = 'lungcam.lungcam';

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Writes through a temp file in the same folder, so an interrupted write leaves no partial notebook. */
function writeAtomically(file: string, text: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

export async function openWavInNotebook(uri?: vscode.Uri): Promise<vscode.NotebookEditor | undefined> {
  const wav = await pickWav(uri, COMMAND);
  if (!wav) return undefined;
  const modelDir = requireModel();
  if (!modelDir) return undefined;
  let target = notebookPathFor(wav, existsSync);
  if (!writable(path.dirname(target))) {
    const chosen = await vscode.window.showSaveDialog({ title: `${path.dirname(target)} is read-only: save the notebook where?`, filters: { 'LungCAM notebook': ['lungnb'] } });
    if (!chosen) {
      void vscode.window.showInformationMessage(`LungCAM: ${COMMAND} cancelled: no notebook written.`);
      return undefined;
    }
    target = chosen.fsPath;
  }
  const method = vscode.workspace.getConfiguration('lungcam').get<string>('method', 'gradcam');
  // A family: the log-mel and classify cells use its widest member, the Grad-CAM cell the whole family.
  const family = isModelFamilyFolder(modelDir) ? readModelFamily(modelDir) : undefined;
  const cells = family ? { modelDir: family.members[family.members.length - 1].dir, familyDir: family.dir } : { modelDir };
  writeAtomically(target, analysisNotebookText({ wavPath: wav, notebookPath: target, ...cells, method }));
  const doc = await vscode.workspace.openNotebookDocument(vscode.Uri.file(target));
  const editor = await vscode.window.showNotebookDocument(doc);
  if (vscode.workspace.getConfiguration('lungcam').get<boolean>('runOnOpen', true)) {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showInformationMessage('LungCAM: the notebook was not run: the workspace is not trusted.');
    } else {
      await vscode.commands.executeCommand('notebook.selectKernel', { id: KERNEL_ID, extension: EXTENSION_ID });
      // not awaited: the command resolves when every cell has run
      void vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start: 0, end: doc.cellCount }], document: doc.uri });
    }
  }
  return editor;
}

export function registerOpenWav(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.commands.registerCommand('lungcam.openWavInNotebook', openWavInNotebook));
}
