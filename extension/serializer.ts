/**
 * The `lungcam-notebook` serializer: *.lungnb files are nbformat 4 JSON. The round trip is lossless:
 * every nbformat field VS Code has no place for (cell ids, metadata, attachments, unknown cell keys) is
 * kept in the VS Code cell/notebook metadata, and each output keeps its original nbformat form in its
 * metadata, written back verbatim as long as its items are unchanged (so unknown MIME types, text split
 * into lines and base64 line breaks survive exactly).
 */
import * as vscode from 'vscode';
import {
  NbCell, NbNotebook, NbOutput, JsonObject, parseNotebook, stringifyNotebook, joinSource, splitLines,
  notebookLanguage, defaultNotebookMetadata, mimeValueToBytes, bytesToMimeValue, newCellId, NotebookFormatError,
} from './nbformat';

import { NOTEBOOK_TYPE } from '../kernels/shared/notebook';
/** Code cells whose nbformat cell_type is "raw" use this language id (as VS Code's ipynb support does). */
const RAW_LANGUAGE = 'raw';
const STDOUT = 'application/vnd.code.notebook.stdout';
const STDERR = 'application/vnd.code.notebook.stderr';
const ERROR = 'application/vnd.code.notebook.error';

/** What a VS Code output's metadata carries for the nbformat side. */
export interface OutputMetadata {
  outputType?: string;
  executionCount?: number | null;
  /** nbformat's own output metadata (display_data / execute_result). */
  metadata?: JsonObject;
  /** The output exactly as read from the file. */
  nbformat?: NbOutput;
}

export function registerSerializer(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.workspace.registerNotebookSerializer(NOTEBOOK_TYPE, new LungcamSerializer(), { transientOutputs: false }),
  );
}

export class LungcamSerializer implements vscode.NotebookSerializer {
  deserializeNotebook(content: Uint8Array): vscode.NotebookData {
    try {
      return notebookToData(parseNotebook(new TextDecoder().decode(content)));
    } catch (e) {
      // The error propagates, so VS Code opens no notebook and nothing can be saved over the file.
      // Its editor placeholder only says "unexpected error", so the reason is shown as a notification.
      if (e instanceof NotebookFormatError) reportOnce(e.message);
      throw e;
    }
  }

  serializeNotebook(data: vscode.NotebookData): Uint8Array {
    return new TextEncoder().encode(stringifyNotebook(dataToNotebook(data)));
  }
}

let lastReport = { message: '', at: 0 };
/** VS Code may deserialize the same file twice in a row (open, then restore): one notification is enough. */
function reportOnce(message: string): void {
  const now = Date.now();
  if (message === lastReport.message && now - lastReport.at < 5000) return;
  lastReport = { message, at: now };
  void vscode.window.showErrorMessage(message);
}

export function notebookToData(nb: NbNotebook): vscode.NotebookData {
  const { cells, ...rest } = nb;
  const language = notebookLanguage(nb.metadata);
  const data = new vscode.NotebookData(cells.map((c) => cellToData(c, language)));
  data.metadata = rest;
  return data;
}

export function dataToNotebook(data: vscode.NotebookData): NbNotebook {
  const rest = (data.metadata ?? {}) as JsonObject;
  const nbformatMinor = typeof rest.nbformat_minor === 'number' ? rest.nbformat_minor : 5;
  return {
    ...rest,
    nbformat: 4,
    nbformat_minor: nbformatMinor,
    metadata: (rest.metadata as JsonObject | undefined) ?? defaultNotebookMetadata(),
    // nbformat 4.5 requires an id on every cell; older minors forbid it, so only add one there.
    cells: data.cells.map((c) => dataToCell(c, nbformatMinor >= 5)),
  };
}

function cellToData(cell: NbCell, language: string): vscode.NotebookCellData {
  const { cell_type, source, outputs, execution_count, ...rest } = cell;
  const text = joinSource(source);
  let data: vscode.NotebookCellData;
  if (cell_type === 'markdown') {
    data = new vscode.NotebookCellData(vscode.NotebookCellKind.Markup, text, 'markdown');
  } else if (cell_type === 'raw') {
    data = new vscode.NotebookCellData(vscode.NotebookCellKind.Code, text, RAW_LANGUAGE);
  } else {
    data = new vscode.NotebookCellData(vscode.NotebookCellKind.Code, text, language);
    data.outputs = (outputs ?? []).map(outputToCellOutput);
    if (typeof execution_count === 'number') data.executionSummary = { executionOrder: execution_count };
  }
  data.metadata = rest;
  return data;
}

function dataToCell(data: vscode.NotebookCellData, needsId: boolean): NbCell {
  const rest = { ...((data.metadata ?? {}) as JsonObject) };
  const source = splitLines(data.value);
  const cellType = data.kind === vscode.NotebookCellKind.Markup ? 'markdown' : data.languageId === RAW_LANGUAGE ? 'raw' : 'code';
  if (typeof rest.metadata !== 'object' || rest.metadata === null) rest.metadata = {};
  if (needsId && typeof rest.id !== 'string') rest.id = newCellId();
  if (cellType === 'code') {
    delete rest.attachments; // not allowed on code cells
    return {
      ...rest,
      cell_type: 'code',
      source,
      outputs: (data.outputs ?? []).map(cellOutputToOutput),
      execution_count: data.executionSummary?.executionOrder ?? null,
    };
  }
  return { ...rest, cell_type: cellType, source };
}

/** An nbformat output as a VS Code output. Exported for the kernel controller (Jupyter messages carry the same shape). */
export function outputToCellOutput(output: NbOutput): vscode.NotebookCellOutput {
  const meta: OutputMetadata = { outputType: output.output_type, nbformat: output };
  if (output.output_type === 'execute_result') meta.executionCount = (output.execution_count as number | null) ?? null;
  if (output.metadata && typeof output.metadata === 'object') meta.metadata = output.metadata as JsonObject;
  return new vscode.NotebookCellOutput(outputItems(output), meta as JsonObject);
}

function outputItems(output: NbOutput): vscode.NotebookCellOutputItem[] {
  switch (output.output_type) {
    case 'stream': {
      const text = joinSource(output.text);
      return [output.name === 'stderr' ? vscode.NotebookCellOutputItem.stderr(text) : vscode.NotebookCellOutputItem.stdout(text)];
    }
    case 'error': {
      const traceback = Array.isArray(output.traceback) ? (output.traceback as string[]) : [];
      return [vscode.NotebookCellOutputItem.error({ name: String(output.ename ?? 'Error'), message: String(output.evalue ?? ''), stack: traceback.join('\n') })];
    }
    default: {
      const data = (output.data ?? {}) as JsonObject;
      return Object.entries(data).map(([mime, value]) => new vscode.NotebookCellOutputItem(mimeValueToBytes(mime, value), mime));
    }
  }
}

/** A VS Code output as nbformat: the original if its items are unchanged, else rebuilt from the items. */
export function cellOutputToOutput(output: vscode.NotebookCellOutput): NbOutput {
  const meta = (output.metadata ?? {}) as OutputMetadata;
  if (meta.nbformat && sameItems(outputItems(meta.nbformat), output.items)) return meta.nbformat;
  const items = output.items;
  if (items.length > 0 && items.every((i) => i.mime === STDOUT || i.mime === STDERR)) {
    const text = items.map((i) => new TextDecoder().decode(i.data)).join('');
    return { output_type: 'stream', name: items[0].mime === STDERR ? 'stderr' : 'stdout', text: splitLines(text) };
  }
  const error = items.find((i) => i.mime === ERROR);
  if (error) {
    const e = JSON.parse(new TextDecoder().decode(error.data)) as { name?: string; message?: string; stack?: string };
    return { output_type: 'error', ename: e.name ?? 'Error', evalue: e.message ?? '', traceback: e.stack ? e.stack.split('\n') : [] };
  }
  const data: JsonObject = {};
  for (const item of items) data[item.mime] = bytesToMimeValue(item.mime, item.data);
  const out: NbOutput = { output_type: meta.outputType === 'execute_result' ? 'execute_result' : 'display_data', data, metadata: meta.metadata ?? {} };
  if (out.output_type === 'execute_result') out.execution_count = meta.executionCount ?? null;
  return out;
}

function sameItems(a: readonly vscode.NotebookCellOutputItem[], b: readonly vscode.NotebookCellOutputItem[]): boolean {
  return a.length === b.length && a.every((item, i) => item.mime === b[i].mime && sameBytes(item.data, b[i].data));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}
