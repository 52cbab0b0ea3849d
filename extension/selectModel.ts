/**
 * Select Model…: a quick pick of the shipped models and model families (samples/models/*), the models you
 * trained (setting `lungcam.models`) and "Browse…"; the choice is stored in `lungcam.model`. A family (a
 * folder with family.json: models trained at a ladder of band cutoffs) is selected whole: the views then
 * switch between its members' cutoffs. Also the one place that resolves which folder the commands use.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { describeFamily, isModelFamilyFolder, readModelFamily } from '../kernels/engine/formats';

let shippedRoot = '';

export const DEFAULT_MODEL_NAME = 'baseline';

export function shippedModels(): string[] {
  const dir = path.join(shippedRoot, 'samples', 'models');
  try {
    return readdirSync(dir).map((n) => path.join(dir, n)).filter(isModelFolder).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  } catch {
    return [];
  }
}
// The default model first, then the families, then the other models.
const rank = (dir: string) => (path.basename(dir) === DEFAULT_MODEL_NAME ? 0 : isModelFamilyFolder(dir) ? 1 : 2);

/** A model folder (model.json + metadata.json) or a model family folder (family.json). */
export function isModelFolder(dir: string): boolean {
  return (existsSync(path.join(dir, 'model.json')) && existsSync(path.join(dir, 'metadata.json'))) || isModelFamilyFolder(dir);
}

/** One line about a model folder from its metadata (bands, range, cutoff), or about a family; '' when unreadable. */
export function describeModel(dir: string): string {
  if (isModelFamilyFolder(dir)) {
    try {
      const family = readModelFamily(dir);
      return `family of ${family.members.length} models by band cutoff (${describeFamily(family).replace(/^[^:]*: /, '')}), ${family.featureParams.fmin}–${family.featureParams.fmax} Hz`;
    } catch (e) {
      return `family that cannot be used: ${(e as Error).message}`;
    }
  }
  try {
    const meta = JSON.parse(readFileSync(path.join(dir, 'metadata.json'), 'utf8'));
    const fp = meta.featureParams ?? {};
    const cut = fp.bandCutoffHz ?? fp.cutoffHz;
    return `${meta.inputBands ?? '?'} bands, ${fp.fmin}–${fp.fmax} Hz${cut ? `, cut at ${cut} Hz` : ''}`;
  } catch {
    return '';
  }
}

function resolveSetting(value: string): string {
  if (path.isAbsolute(value)) return value;
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder ? path.join(folder.uri.fsPath, value) : path.resolve(value);
}

/** The model folder the commands use: `lungcam.model`, else the shipped baseline (else any shipped model). */
export function currentModelDir(): string | undefined {
  const setting = vscode.workspace.getConfiguration('lungcam').get<string>('model', '').trim();
  if (setting) return resolveSetting(setting);
  return shippedModels()[0];
}

export function trainedModels(): string[] {
  return vscode.workspace.getConfiguration('lungcam').get<string[]>('models', []).filter((d) => typeof d === 'string');
}

/** Adds a trained model to `lungcam.models` (user settings), newest first. */
export async function registerModel(dir: string): Promise<void> {
  const list = [dir, ...trainedModels().filter((d) => d !== dir)];
  await vscode.workspace.getConfiguration('lungcam').update('models', list, vscode.ConfigurationTarget.Global);
}

export async function setModel(dir: string): Promise<void> {
  await vscode.workspace.getConfiguration('lungcam').update('model', dir, vscode.ConfigurationTarget.Global);
}

interface ModelItem extends vscode.QuickPickItem {
  dir?: string;
}

export async function selectModel(): Promise<string | undefined> {
  const current = currentModelDir();
  const item = (dir: string, kind: string): ModelItem => ({
    label: `${dir === current ? '$(check) ' : ''}${path.basename(dir)}`,
    description: `${isModelFamilyFolder(dir) ? `${kind} family` : kind}${isModelFolder(dir) ? ` · ${describeModel(dir)}` : ' · missing'}`,
    detail: dir,
    dir,
  });
  const items: ModelItem[] = [
    ...shippedModels().map((d) => item(d, 'shipped')),
    ...trainedModels().map((d) => item(d, 'trained')),
    { label: '$(folder-opened) Browse…', description: 'a model folder made by `lungcam train`, or a model family folder (family.json)' },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'LungCAM: Select Model', placeHolder: 'Model used by Quick Analysis, Open WAV File in Notebook and Export Heatmap', matchOnDetail: true });
  if (!picked) {
    void vscode.window.showInformationMessage('LungCAM: Select Model cancelled: the model is unchanged.');
    return undefined;
  }
  let dir = picked.dir;
  if (!dir) {
    const chosen = await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, canSelectMany: false, openLabel: 'Select Model' });
    if (!chosen?.[0]) {
      void vscode.window.showInformationMessage('LungCAM: Select Model cancelled: the model is unchanged.');
      return undefined;
    }
    dir = chosen[0].fsPath;
  }
  if (!isModelFolder(dir)) {
    void vscode.window.showErrorMessage(`LungCAM: ${dir} is not a LungCAM model folder (model.json + metadata.json) or model family (family.json): train one with LungCAM: Train Model on Folder….`);
    return undefined;
  }
  if (isModelFamilyFolder(dir)) {
    try {
      readModelFamily(dir);
    } catch (e) {
      void vscode.window.showErrorMessage(`LungCAM: the model family in ${dir} cannot be used: ${(e as Error).message}`);
      return undefined;
    }
  }
  await setModel(dir);
  void vscode.window.showInformationMessage(`LungCAM: ${isModelFamilyFolder(dir) ? 'model family' : 'model'} ${path.basename(dir)} selected.`);
  return dir;
}

export function registerSelectModel(context: vscode.ExtensionContext): void {
  shippedRoot = context.extensionPath;
  context.subscriptions.push(vscode.commands.registerCommand('lungcam.selectModel', selectModel));
}

/** The model to use, or undefined after telling the user there is none. */
export function requireModel(): string | undefined {
  const dir = currentModelDir();
  if (!dir || !isModelFolder(dir)) {
    void vscode.window.showErrorMessage(`LungCAM: no model found${dir ? ` at ${dir}` : ''}: choose one with LungCAM: Select Model… or train one with LungCAM: Train Model on Folder….`);
    return undefined;
  }
  return dir;
}
