/**
 * Which WAV (or folder) a command works on: the explorer's selection, else an Open dialog. A cancelled
 * dialog, a file that is not a WAV or an empty folder ends the command with a one-line message.
 */
import { closeSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

/** Why `file` is not a WAV LungCAM can read, or null (cheap: the RIFF/RF64 header only). */
export function notWavReason(file: string): string | null {
  let st;
  try {
    st = statSync(file);
  } catch {
    return `${path.basename(file)} does not exist`;
  }
  if (st.isDirectory()) return `${path.basename(file)} is a folder, not a WAV file`;
  const head = Buffer.alloc(12);
  const fd = openSync(file, 'r');
  let n = 0;
  try {
    n = readSync(fd, head, 0, 12, 0);
  } finally {
    closeSync(fd);
  }
  const riff = head.toString('latin1', 0, 4);
  if (n < 12 || !['RIFF', 'RF64'].includes(riff) || head.toString('latin1', 8, 12) !== 'WAVE') {
    return `${path.basename(file)} is not a WAV file (no RIFF/WAVE header): choose a .wav recording`;
  }
  return null;
}

export async function pickWav(uri: vscode.Uri | undefined, command: string): Promise<string | undefined> {
  let target = uri;
  if (!(target instanceof vscode.Uri)) {
    const chosen = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'WAV recordings': ['wav', 'WAV'] }, openLabel: command });
    target = chosen?.[0];
    if (!target) {
      void vscode.window.showInformationMessage(`LungCAM: ${command} cancelled: no WAV file chosen.`);
      return undefined;
    }
  }
  const reason = target.scheme === 'file' ? notWavReason(target.fsPath) : `${target.toString()} is not a local file`;
  if (reason) {
    void vscode.window.showErrorMessage(`LungCAM: ${reason}.`);
    return undefined;
  }
  return target.fsPath;
}

/** True when the folder holds at least one .wav (top level), the ICBHI layout the CLI reads. */
export function hasWavFiles(dir: string): boolean {
  try {
    return readdirSync(dir).some((f) => f.toLowerCase().endsWith('.wav'));
  } catch {
    return false;
  }
}

export async function pickDatasetFolder(uri: vscode.Uri | undefined, command: string): Promise<string | undefined> {
  let target = uri;
  if (!(target instanceof vscode.Uri)) {
    const chosen = await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, canSelectMany: false, openLabel: command });
    target = chosen?.[0];
    if (!target) {
      void vscode.window.showInformationMessage(`LungCAM: ${command} cancelled: no folder chosen.`);
      return undefined;
    }
  }
  const dir = target.fsPath;
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    /* missing */
  }
  if (!isDir) {
    void vscode.window.showErrorMessage(`LungCAM: ${path.basename(dir)} is not a folder: choose a folder of NAME.wav + NAME.txt recordings (ICBHI 2017 layout).`);
    return undefined;
  }
  if (!hasWavFiles(dir)) {
    void vscode.window.showErrorMessage(`LungCAM: ${path.basename(dir)} holds no .wav recordings: choose a folder of NAME.wav + NAME.txt files (ICBHI 2017 layout, e.g. made by \`lungcam synth\`).`);
    return undefined;
  }
  return dir;
}
