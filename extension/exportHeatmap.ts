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
import { atomicWriteFile } from '../kernels/engine/io/atomicWrite';
import { decodeNpy } from '../kernels/engine/io/npy';
import { runWithProgress } from './progressTask';
import { requireModel } from './selectModel';
import { pickWav } from './wavInput';

const COMMAND = 'Export Heatmap';
export const EXPORT_FORMATS = [
  { ext: 'png', label: 'PNG', detail: 'figure: spectrogram with the heatmap over it, axes in s and Hz' },
  { ext: 'svg', label: 'SVG', detail: 'the same figure as vector graphics' },
  { ext: 'json', label: 'JSON', detail: 'the map with its axes, parameters, probabilities and summaries' },
  { ext: 'npy', label: 'NPY', detail: '[frames, bands] float32 for numpy' },
  { ext: 'csv', label: 'CSV', detail: 'one row per 10 ms frame: time (s), then one column per mel band' },
] as const;

/** CSV of a [frames, bands] map: header `time_s,band_0,…`, one row per frame (10 ms hop). */
export function mapCsv(data: ArrayLike<number>, frames: number, bands: number, hopSeconds = 0.01): string {
  const lines = [['time_s', ...Array.from({ length: bands }, (_, b) => `band_${b}`)].join(',')];
  for (let f = 0; f < frames; f++) {
    const row = [(f * hopSeconds).toFixed(2)];
    for (let b = 0; b < bands; b++) row.push(String(Number(data[f * bands + b].toPrecision(6))));
    lines.push(row.join(','));
  }
  return lines.join('\n') + '\n';
}

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
    const args = ['gradcam', wav, '--out', cliOut, '--model', model, '--method', config.get<string>('method', 'gradcam')];
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
  context.subscriptions.push(vscode.commands.registerCommand('lungcam.exportHeatmap', exportHeatmap));
}
