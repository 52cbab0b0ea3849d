/**
 * Run Band-Cutoff Study…: `lungcam study` in a child process (train full band → Grad-CAM attention by
 * band → cut at `lungcam.bandCutoffHz` (1500 Hz by default) → retrain → compare) behind a progress
 * notification with Cancel; opens report.md when done. The report folder is written atomically.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { runWithProgress } from './progressTask';
import { pickDatasetFolder } from './wavInput';

const COMMAND = 'Run Band-Cutoff Study';

export function studyDirFor(datasetDir: string, exists: (p: string) => boolean = existsSync): string {
  const base = `${datasetDir.replace(/[\\/]+$/, '')}-study`;
  for (let i = 1; ; i++) {
    const candidate = i === 1 ? base : `${base}-${i}`;
    if (!exists(candidate)) return candidate;
  }
}

export async function runBandCutoffStudy(uri?: vscode.Uri): Promise<string | undefined> {
  const dataset = await pickDatasetFolder(uri, COMMAND);
  if (!dataset) return undefined;
  const config = vscode.workspace.getConfiguration('lungcam');
  const cutoff = config.get<number | null>('bandCutoffHz', null) ?? 1500;
  const out = studyDirFor(dataset);
  const args = ['study', dataset, '--cutoff', String(cutoff), '--out', out, '--epochs', String(config.get<number>('study.epochs', 12))];
  const result = await runWithProgress({ title: `LungCAM: band-cutoff study at ${cutoff} Hz on ${path.basename(dataset)}`, args });
  if (result.cancelled) {
    void vscode.window.showInformationMessage('LungCAM: study cancelled; no report was written.');
    return undefined;
  }
  if (result.code !== 0) {
    void vscode.window.showErrorMessage(`LungCAM: the study failed: ${result.message}`);
    return undefined;
  }
  const report = vscode.Uri.file(path.join(out, 'report.md'));
  await vscode.commands.executeCommand('markdown.showPreview', report).then(undefined, () => vscode.window.showTextDocument(report));
  void vscode.window.showInformationMessage(`LungCAM: ${result.stdout.trim().replace(/^.*?: /, '')}`);
  return out;
}

export function registerStudyCommand(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.commands.registerCommand('lungcam.runBandCutoffStudy', runBandCutoffStudy));
}
