/**
 * The `lungcam-notebook` serializer: *.lungnb files are nbformat 4 JSON, read and written losslessly
 * (nbformat.ts: the JSON and its number spellings; notebookData.ts: nbformat ↔ VS Code's cells). A file
 * it cannot keep is refused with a one-line reason, at open (VS Code then opens nothing that could be
 * saved over it) and at save (VS Code then writes nothing).
 */
import * as vscode from 'vscode';
import { NotebookFormatError, readNotebook, stringifyNotebook } from './nbformat';
import { notebookToPlain, plainToNotebook, type OutputMetadata, type PlainCell, type PlainNotebook, type PlainOutput } from './notebookData';
import { NOTEBOOK_TYPE } from '../kernels/shared/notebook';

export type { OutputMetadata };

export function registerSerializer(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.workspace.registerNotebookSerializer(NOTEBOOK_TYPE, new LungcamSerializer(), { transientOutputs: false }),
  );
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export class LungcamSerializer implements vscode.NotebookSerializer {
  deserializeNotebook(content: Uint8Array): vscode.NotebookData {
    try {
      let text: string;
      try {
        text = utf8.decode(content);
      } catch {
        throw new NotebookFormatError('Cannot open this LungCAM notebook: it is not valid UTF-8 text, so it could not be saved back unchanged. The file on disk was not changed; to repair it, open it in the text editor ("Open in Text Editor" or "Reopen Editor With…").');
      }
      return toVsCode(notebookToPlain(readNotebook(text)));
    } catch (e) {
      // The error propagates, so VS Code opens no notebook and nothing can be saved over the file.
      // Its editor placeholder only says "unexpected error", so the reason is shown as a notification.
      if (e instanceof NotebookFormatError) reportOnce(e.message);
      throw e;
    }
  }

  serializeNotebook(data: vscode.NotebookData): Uint8Array {
    try {
      const { notebook, numberTokens } = plainToNotebook(fromVsCode(data));
      return new TextEncoder().encode(stringifyNotebook(notebook, numberTokens));
    } catch (e) {
      // Thrown, VS Code writes nothing: the file keeps its last good contents.
      const message = e instanceof NotebookFormatError ? e.message : `Cannot save this LungCAM notebook: ${(e as Error)?.message ?? e}. The file on disk was not changed.`;
      reportOnce(message);
      throw new NotebookFormatError(message);
    }
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

function toVsCode(plain: PlainNotebook): vscode.NotebookData {
  const data = new vscode.NotebookData(plain.cells.map((c) => {
    const kind = c.kind === 'markup' ? vscode.NotebookCellKind.Markup : vscode.NotebookCellKind.Code;
    const cell = new vscode.NotebookCellData(kind, c.value, c.languageId);
    cell.metadata = c.metadata;
    if (c.kind === 'code') {
      cell.outputs = c.outputs.map((o) => new vscode.NotebookCellOutput(o.items.map((i) => new vscode.NotebookCellOutputItem(i.data, i.mime)), o.metadata as Record<string, unknown>));
      if (c.executionOrder !== undefined) cell.executionSummary = { executionOrder: c.executionOrder };
    }
    return cell;
  }));
  data.metadata = plain.metadata;
  return data;
}

function fromVsCode(data: vscode.NotebookData): PlainNotebook {
  return {
    metadata: (data.metadata ?? {}) as PlainNotebook['metadata'],
    cells: data.cells.map((c): PlainCell => ({
      kind: c.kind === vscode.NotebookCellKind.Markup ? 'markup' : 'code',
      value: c.value,
      languageId: c.languageId,
      metadata: (c.metadata ?? {}) as PlainCell['metadata'],
      outputs: (c.outputs ?? []).map((o): PlainOutput => ({ items: o.items.map((i) => ({ mime: i.mime, data: i.data })), metadata: (o.metadata ?? {}) as OutputMetadata })),
      ...(c.executionSummary?.executionOrder !== undefined ? { executionOrder: c.executionSummary.executionOrder } : {}),
    })),
  };
}
