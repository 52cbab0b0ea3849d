/** Shared helpers for the integration suites (they run inside the VS Code extension host). */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as vscode from 'vscode';

/** The test workspace: a fresh copy of test/integration/fixtures made by the launcher for each run. */
export function workspaceUri(...parts: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the integration tests need a workspace folder (the launcher opens a copy of test/integration/fixtures)');
  return vscode.Uri.joinPath(folder.uri, ...parts);
}

export async function readBytes(uri: vscode.Uri): Promise<Uint8Array> {
  return vscode.workspace.fs.readFile(uri);
}

export async function readJson(uri: vscode.Uri): Promise<any> {
  return JSON.parse(new TextDecoder().decode(await readBytes(uri)));
}

let copies = 0;
/** A copy of a fixture under a new name, so each test edits its own file. */
export async function freshCopy(fixture: string): Promise<vscode.Uri> {
  const target = workspaceUri(`tmp-${Date.now()}-${copies++}-${fixture}`);
  await vscode.workspace.fs.copy(workspaceUri(fixture), target, { overwrite: true });
  return target;
}

export async function applyEdit(uri: vscode.Uri, edits: vscode.NotebookEdit[]): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  edit.set(uri, edits);
  assert.ok(await vscode.workspace.applyEdit(edit), 'VS Code refused the notebook edit');
}

/**
 * Validates a notebook file against the nbformat v4 JSON schema with Jupyter's own validator
 * (Debian python3-nbformat). Returns the validator's error text, or '' when the file is valid.
 */
export function nbformatValidate(fsPath: string): string {
  const code = 'import nbformat,sys; nbformat.validate(nbformat.read(sys.argv[1], as_version=4)); print("valid")';
  const r = spawnSync('/usr/bin/python3', ['-c', code, fsPath], { encoding: 'utf8' });
  if (r.error) return `could not run /usr/bin/python3 (${r.error.message}); install python3-nbformat`;
  return r.status === 0 && r.stdout.includes('valid') ? '' : (r.stderr || r.stdout).trim();
}

export const text = (item: vscode.NotebookCellOutputItem) => new TextDecoder().decode(item.data);
