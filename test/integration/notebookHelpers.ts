/**
 * Notebooks in the test workspace bound to a LungCAM controller, run and awaited: shared by the local
 * and the remote (Jupyter Server) kernel suites.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { text, workspaceUri } from './helpers';

export const CONTROLLER_ID = 'lungcam-kernel-lungcam-notebook';
export const EXTENSION_ID = 'lungcam.lungcam';
export const repoRoot = path.resolve(__dirname, '..', '..', '..');

export interface KernelState {
  status: string;
  pid?: number;
  queued: number;
  running: boolean;
  runningCell?: number;
  deathReason?: string;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const status = (doc: vscode.NotebookDocument) => vscode.commands.executeCommand<KernelState>('lungcam.kernelStatus', doc.uri);

let made = 0;
/** A .lungnb in the test workspace with these TypeScript cells, opened and bound to the LungCAM controller. */
export async function notebookWith(cells: string[], controllerId = CONTROLLER_ID): Promise<vscode.NotebookDocument> {
  const uri = workspaceUri(`kernel-${Date.now()}-${made++}.lungnb`);
  const nb = {
    cells: cells.map((source, i) => ({ cell_type: 'code', id: `c${i}`, metadata: {}, execution_count: null, outputs: [], source })),
    metadata: { kernelspec: { name: 'lungcam', display_name: 'LungCAM (TypeScript)', language: 'typescript' }, language_info: { name: 'typescript' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  await vscode.workspace.fs.writeFile(uri, Buffer.from(JSON.stringify(nb)));
  return open(uri, controllerId);
}

export async function open(uri: vscode.Uri, controllerId = CONTROLLER_ID): Promise<vscode.NotebookDocument> {
  await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
  const doc = await vscode.workspace.openNotebookDocument(uri);
  await vscode.window.showNotebookDocument(doc);
  await vscode.commands.executeCommand('notebook.selectKernel', { id: controllerId, extension: EXTENSION_ID });
  return doc;
}

/**
 * The shipped quickstart, copied into the test workspace with its relative paths (../wav, ../models)
 * linked to the repository's samples, so nothing the test does can touch the sample itself.
 */
export function quickstartCopy(): vscode.Uri {
  const dir = workspaceUri(`quickstart-${Date.now()}`).fsPath;
  fs.mkdirSync(path.join(dir, 'notebooks'), { recursive: true });
  for (const linked of ['wav', 'models']) fs.symlinkSync(path.join(repoRoot, 'samples', linked), path.join(dir, linked));
  const copy = path.join(dir, 'notebooks', 'quickstart.lungnb');
  fs.copyFileSync(path.join(repoRoot, 'samples', 'notebooks', 'quickstart.lungnb'), copy);
  return vscode.Uri.file(copy);
}

/** Reverts (outputs are edits) and closes the notebook: its kernel stops with it. */
export async function closeWithoutSaving(doc: vscode.NotebookDocument): Promise<void> {
  await vscode.window.showNotebookDocument(doc);
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
}

/** Starts running cells [start, end) without waiting for them. */
export function runCells(doc: vscode.NotebookDocument, start = 0, end = doc.cellCount): Thenable<unknown> {
  return vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start, end }], document: doc.uri });
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

export const endTime = (c: vscode.NotebookCell) => c.executionSummary?.timing?.endTime;

/**
 * Runs cells [start, end) and waits until the first of them has ended anew and the kernel session
 * has nothing running or queued (cells after a failure are cancelled, so they never end).
 */
export async function runAndWait(doc: vscode.NotebookDocument, start = 0, end = doc.cellCount, timeoutMs = 90_000): Promise<void> {
  const first = doc.getCells().slice(start, end).find((c) => c.kind === vscode.NotebookCellKind.Code)!;
  const before = endTime(first);
  await runCells(doc, start, end);
  await waitFor('the cells to finish', async () => {
    if (endTime(first) === undefined || endTime(first) === before) return undefined;
    const s = await status(doc);
    return !s.running && s.queued === 0 ? true : undefined;
  }, timeoutMs);
  // the cells' execution summaries reach this side a moment after the kernel session is done
  const snapshot = () => JSON.stringify(doc.getCells().map((c) => [c.executionSummary, c.outputs.length]));
  let last = snapshot();
  for (let stable = 0; stable < 3; ) {
    await sleep(150);
    const now = snapshot();
    stable = now === last ? stable + 1 : 0;
    last = now;
  }
}

export const mimes = (cell: vscode.NotebookCell) => cell.outputs.flatMap((o) => o.items.map((i) => i.mime));
export const stdoutOf = (cell: vscode.NotebookCell) =>
  cell.outputs.flatMap((o) => o.items.filter((i) => i.mime === 'application/vnd.code.notebook.stdout').map(text)).join('');
export const errorOf = (cell: vscode.NotebookCell) => {
  const item = cell.outputs.flatMap((o) => o.items).find((i) => i.mime === 'application/vnd.code.notebook.error');
  return item ? (JSON.parse(text(item)) as { name: string; message: string; stack: string }) : undefined;
};
