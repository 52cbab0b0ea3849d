/** The extension's activation and its commands, run through VS Code's command service. */
import * as assert from 'assert';
import * as vscode from 'vscode';

describe('LungCAM extension and commands', () => {
  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('activates and contributes LungCAM: New Notebook', async () => {
    const ext = vscode.extensions.getExtension('lungcam.lungcam');
    assert.ok(ext, 'the extension under development is loaded');
    await ext.activate();
    assert.ok(ext.isActive);
    const contributed = ext.packageJSON.contributes.commands.map((c: { command: string }) => c.command);
    assert.ok(contributed.includes('lungcam.newNotebook'));
    assert.ok((await vscode.commands.getCommands(true)).includes('lungcam.newNotebook'), 'the command is registered');
  });

  it('LungCAM: New Notebook opens an untitled lungcam-notebook with a TypeScript starter cell', async () => {
    await vscode.commands.executeCommand('lungcam.newNotebook');
    const editor = vscode.window.activeNotebookEditor;
    assert.ok(editor, 'a notebook editor is active');
    const doc = editor.notebook;
    assert.strictEqual(doc.notebookType, 'lungcam-notebook');
    assert.ok(doc.isUntitled);
    const code = doc.getCells().find((c) => c.kind === vscode.NotebookCellKind.Code);
    assert.ok(code, 'a code cell');
    assert.strictEqual(code.document.languageId, 'typescript');
    assert.match(code.document.getText(), /import \* as lc from "lungcam"/);
    assert.strictEqual((doc.metadata as any).metadata.kernelspec.name, 'lungcam', 'the kernelspec `lungcam jupyter-install` registers');
  });
});
