/**
 * Export Heatmap… on a notebook's Grad-CAM output: from the cell's "…" menu, or from the palette while a
 * cell with a CAM output is selected. The output already holds every layer × class map, so nothing is
 * recomputed: format → (layer × class when there are several) → Save dialog → one atomic write through
 * the CLI's writers (camOutputExport.ts). Any cancel says so and writes nothing.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { MIME, type CamOutput } from '../kernels/shared/outputTypes';
import { atomicWriteFile } from '../kernels/engine/formats';
import { EXPORT_FORMATS, exportCamOutput, exportableMaps, type LayerClass } from './camOutputExport';
import { colormapSetting } from './rendererMessaging';

const COMMAND = 'Export Heatmap';


function isNotebookCell(arg: unknown): arg is vscode.NotebookCell {
  return !!arg && typeof arg === 'object' && 'outputs' in arg && 'notebook' in arg && 'kind' in arg;
}

/**
 * The cell whose output to export: the one a cell menu passed, else (palette, no argument) the selected
 * cell of the active LungCAM notebook when it has a CAM output. Undefined: not an output export.
 */
export function targetCell(arg: unknown): vscode.NotebookCell | undefined {
  if (isNotebookCell(arg)) return arg;
  if (arg !== undefined) return undefined;
  const editor = vscode.window.activeNotebookEditor;
  if (!editor) return undefined;
  const selected = editor.selections.flatMap((r) => editor.notebook.getCells(r));
  return selected.reverse().find((c) => camOutputsOf(c).length > 0);
}

/** The CAM outputs of a cell, in output order. */
export function camOutputsOf(cell: vscode.NotebookCell): CamOutput[] {
  const found: CamOutput[] = [];
  for (const output of cell.outputs) {
    for (const item of output.items) {
      if (item.mime !== MIME.cam) continue;
      try {
        // An in-memory (untitled) notebook can hand the bytes back as a JSON'd Buffer {type, data}.
        const raw = item.data as Uint8Array | { data?: number[] };
        const bytes = raw instanceof Uint8Array ? raw : Uint8Array.from(raw?.data ?? []);
        found.push(JSON.parse(new TextDecoder().decode(bytes)) as CamOutput);
      } catch {
        /* not readable: not offered */
      }
    }
  }
  return found;
}

const safe = (s: string) => s.replace(/[^\w.+-]+/g, '_');

export async function exportOutput(cell: vscode.NotebookCell): Promise<string | undefined> {
  const outputs = camOutputsOf(cell);
  if (outputs.length === 0) {
    void vscode.window.showErrorMessage(`LungCAM: this cell has no Grad-CAM output to export: run it first (a cell ending in lc.show(…) of a Grad-CAM result shows one).`);
    return undefined;
  }
  const out = outputs[outputs.length - 1]; // the cell's latest view
  const name = out.source.fileName;
  const format = await vscode.window.showQuickPick(EXPORT_FORMATS.map((f) => ({ ...f, description: `.${f.ext}` })), { title: `LungCAM: Export Heatmap of ${name} (notebook output)`, placeHolder: 'Format' });
  if (!format) {
    void vscode.window.showInformationMessage(`LungCAM: ${COMMAND} cancelled: no format chosen.`);
    return undefined;
  }
  const maps = exportableMaps(out);
  let pick: LayerClass = maps[0];
  if (maps.length > 1) {
    const chosen = await vscode.window.showQuickPick(
      maps.map((m, i) => ({ label: `${m.layer} · ${m.className}`, description: i === 0 ? 'shown first' : undefined, pick: m })),
      { title: `LungCAM: which map of ${name}`, placeHolder: 'Layer · class' },
    );
    if (!chosen) {
      void vscode.window.showInformationMessage(`LungCAM: ${COMMAND} cancelled: no layer and class chosen.`);
      return undefined;
    }
    pick = chosen.pick;
  }
  const folder = cell.notebook.uri.scheme === 'file' ? path.dirname(cell.notebook.uri.fsPath) : vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
  const stem = `${path.basename(name, path.extname(name))}.${safe(pick.layer)}.${safe(pick.className)}.${out.method}.${format.ext}`;
  const target = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(path.join(folder, stem)), filters: { [format.label]: [format.ext] }, title: `Save the heatmap as ${format.label}` });
  if (!target) {
    void vscode.window.showInformationMessage(`LungCAM: ${COMMAND} cancelled: nothing written.`);
    return undefined;
  }
  const file = target.fsPath;
  try {
    await atomicWriteFile(file, exportCamOutput(out, pick, format.ext, colormapSetting()));
  } catch (e) {
    void vscode.window.showErrorMessage(`LungCAM: could not export the heatmap: ${(e as Error).message}`);
    return undefined;
  }
  const choice = await vscode.window.showInformationMessage(`LungCAM: heatmap (${pick.layer}, ${pick.className}) saved to ${file}`, 'Open');
  if (choice === 'Open') await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(file));
  return file;
}
