/**
 * Train Model on Folder…: `lungcam train` in a child process behind a progress notification with
 * Cancel. The model goes to a new folder beside the dataset (DATASET-model, -2, …); on success it is
 * added to `lungcam.models`, so Select Model… offers it. Cancel kills the process: the CLI saves the
 * model folder atomically at the end, so a cancelled run leaves nothing.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { backendSetting } from './cliRunner';
import { runWithProgress } from './progressTask';
import { registerModel, setModel } from './selectModel';
import { pickDatasetFolder } from './wavInput';

const COMMAND = 'Train Model on Folder';

/** A folder name beside the dataset that does not exist yet. */
export function modelDirFor(datasetDir: string, exists: (p: string) => boolean = existsSync): string {
  const base = `${datasetDir.replace(/[\\/]+$/, '')}-model`;
  for (let i = 1; ; i++) {
    const candidate = i === 1 ? base : `${base}-${i}`;
    if (!exists(candidate)) return candidate;
  }
}

/** `epoch 3/30: …` → 0.1 */
export function epochFraction(line: string): number | undefined {
  const m = /^epoch (\d+)\/(\d+):/.exec(line);
  return m ? Number(m[1]) / Number(m[2]) : undefined;
}

export async function trainOnFolder(uri?: vscode.Uri): Promise<string | undefined> {
  const dataset = await pickDatasetFolder(uri, COMMAND);
  if (!dataset) return undefined;
  const out = modelDirFor(dataset);
  const config = vscode.workspace.getConfiguration('lungcam');
  const args = ['train', dataset, '--out', out, '--epochs', String(config.get<number>('train.epochs', 30)), '--backend', backendSetting()];
  // the feature settings (null: the CLI's VGGish defaults)
  for (const [key, flag] of [['fmin', '--fmin'], ['fmax', '--fmax'], ['bands', '--bands'], ['bandCutoffHz', '--cutoff']] as const) {
    const value = config.get<number | null>(key, null);
    if (typeof value === 'number') args.push(flag, String(value));
  }
  const result = await runWithProgress({ title: `LungCAM: training on ${path.basename(dataset)}`, args, fraction: epochFraction });
  if (result.cancelled) {
    void vscode.window.showInformationMessage(`LungCAM: training cancelled; no model was written.`);
    return undefined;
  }
  if (result.code !== 0) {
    void vscode.window.showErrorMessage(`LungCAM: training failed: ${result.message}`);
    return undefined;
  }
  await registerModel(out);
  const choice = await vscode.window.showInformationMessage(`LungCAM: ${result.stdout.trim().replace(/^.*?: /, `${path.basename(out)}: `)}`, 'Use This Model', 'Select Model…');
  if (choice === 'Use This Model') await setModel(out);
  else if (choice === 'Select Model…') await vscode.commands.executeCommand('lungcam.selectModel');
  return out;
}

export function registerTrainCommand(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.commands.registerCommand('lungcam.trainOnFolder', trainOnFolder));
}
