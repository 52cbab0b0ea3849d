/**
 * Export Heatmap…: the Grad-CAM map of a WAV (the selected model, `lungcam.method`, `lungcam.layer`) as
 * PNG or SVG (figure), JSON (map, axes and numbers), NPY ([frames, bands] float32) or CSV (one row per
 * frame: time, then one column per band centre), computed by `lungcam gradcam --out` in a child process.
 * CSV is made from the NPY. Every file is written through a temp file, so a cancel leaves nothing.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { atomicWriteFile, decodeNpy } from '../kernels/engine/formats';
import { mapCsv } from './heatmapCsv';
import { exportOutput, targetCell } from './exportOutput';
import { EXPORT_FORMATS } from './camOutputExport';
import { runWithProgress } from './progressTask';
import { requireModel } from './selectModel';
import { pickWav } from './wavInput';
import { colormapSetting } from './rendererMessaging';

const COMMAND = 'Export Heatmap';
export { EXPORT_FORMATS };

export { mapCsv };

export async function exportHeatmap(uri?: vscode.Uri): Promise<string | undefined> {
  const wav = await pickWav(uri, COMMAND);
  if (!wav) return undefined;
  const model = requireModel();
  if (!model) return undefined;
  const format = await vscode.window.showQuickPick(EXPORT_FORMATS.map((f) => ({ ...f, description: `.${f.ext}` })), { title: `LungCAM: Export Heatmap of ${path.basename(wav)}`, placeHolder: 'Format' });
  if (!format) {
    void vscode.window.showInformationMessage(`LungCAM: ${COMMAND} cancelled: no format chosen.`);
    return undefined;
  }
  const stem = path.join(path.dirname(wav), `${path.basename(wav, path.extname(wav))}.gradcam.${format.ext}`);
  const target = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(stem), filters: { [format.label]: [format.ext] }, title: `Save the heatmap as ${format.label}` });
  if (!target) {
    void vscode.window.showInformationMessage(`LungCAM: ${COMMAND} cancelled: nothing written.`);
    return undefined;
  }
  const out = target.fsPath;
  const tmpDir = format.ext === 'csv' ? mkdtempSync(path.join(os.tmpdir(), 'lungcam-export-')) : undefined;
  try {
    const cliOut = tmpDir ? path.join(tmpDir, 'map.npy') : out;
    const config = vscode.workspace.getConfiguration('lungcam');
    const args = ['gradcam', wav, '--out', cliOut, '--model', model, '--method', config.get<string>('method', 'gradcam'), '--colormap', colormapSetting()];
    const layer = config.get<string>('layer', '').trim();
    if (layer) args.push('--layer', layer);
    const r = await runWithProgress({ title: `LungCAM: exporting the heatmap of ${path.basename(wav)}`, args });
    if (r.cancelled) {
      void vscode.window.showInformationMessage(`LungCAM: ${COMMAND} cancelled: nothing written.`);
      return undefined;
    }
    if (r.code !== 0) {
      void vscode.window.showErrorMessage(`LungCAM: could not export the heatmap: ${r.message}`);
      return undefined;
    }
    if (tmpDir) {
      const npy = decodeNpy(readFileSync(cliOut), 'map.npy');
      const [frames, bands] = npy.shape;
      await atomicWriteFile(out, mapCsv(npy.data as ArrayLike<number>, frames, bands));
    }
    const choice = await vscode.window.showInformationMessage(`LungCAM: heatmap saved to ${out}`, 'Open');
    if (choice === 'Open') await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(out));
    return out;
  } finally {
    if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
  }
}

export function registerExportHeatmap(context: vscode.ExtensionContext): void {
  // A notebook cell (its "…" menu, or selected with a CAM output): export that output; else a WAV.
  const run = (arg?: unknown) => {
    const cell = targetCell(arg);
    return cell ? exportOutput(cell) : exportHeatmap(arg as vscode.Uri | undefined);
  };
  context.subscriptions.push(vscode.commands.registerCommand('lungcam.exportHeatmap', run));
}
