/**
 * The lungcam-notebook serializer as VS Code itself uses it: open a .lungnb written by Jupyter, check
 * what VS Code shows, edit and save through VS Code, and read the file back.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { applyEdit, freshCopy, nbformatValidate, readBytes, readJson, text, workspaceUri } from './helpers';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47];

describe('lungcam-notebook serializer', () => {
  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('opens a Jupyter-written .lungnb with its cells, outputs and metadata', async () => {
    const doc = await vscode.workspace.openNotebookDocument(workspaceUri('roundtrip.lungnb'));
    assert.strictEqual(doc.notebookType, 'lungcam-notebook');
    assert.deepStrictEqual(doc.getCells().map((c) => [c.kind, c.document.languageId]), [
      [vscode.NotebookCellKind.Markup, 'markdown'],
      [vscode.NotebookCellKind.Code, 'typescript'],
      [vscode.NotebookCellKind.Code, 'typescript'],
      [vscode.NotebookCellKind.Code, 'typescript'],
      [vscode.NotebookCellKind.Code, 'raw'],
      [vscode.NotebookCellKind.Code, 'typescript'],
    ]);
    const meta = doc.metadata as any;
    assert.strictEqual(meta.metadata.kernelspec.name, 'tslab');
    assert.strictEqual(meta.metadata.lungcam.cutoffHz, 1500);

    const [intro, stream, rich, error] = doc.getCells();
    assert.strictEqual(intro.document.getText(), '# Round trip\n\nAn attached image: ![dot](attachment:dot.png)');
    assert.ok((intro.metadata as any).attachments['dot.png']['image/png'], 'markdown attachments kept');
    assert.strictEqual((stream.metadata as any).id, 'code-stream');
    assert.deepStrictEqual((stream.metadata as any).metadata.custom, { nested: [1, 2, { deep: true }] });
    assert.strictEqual(stream.executionSummary?.executionOrder, 3);
    assert.strictEqual(stream.outputs[0].items[0].mime, 'application/vnd.code.notebook.stdout');
    assert.strictEqual(text(stream.outputs[0].items[0]), 'breath\nsecond line\n');
    assert.strictEqual(text(stream.outputs[1].items[0]), '2');

    const items = new Map(rich.outputs[0].items.map((i) => [i.mime, i]));
    assert.deepStrictEqual(JSON.parse(text(items.get('application/vnd.lungcam.cam+json')!)), { layer: 'conv3', class: 'wheeze', frames: 2, values: [0.1, 0.9] });
    assert.deepStrictEqual(Array.from(items.get('image/png')!.data.slice(0, 4)), PNG_SIGNATURE, 'image/png decoded from base64');
    assert.strictEqual(text(items.get('text/plain')!), 'line one\nline two');
    assert.strictEqual(text(items.get('application/vnd.other.tool')!), 'opaque text payload\nwith two lines');
    assert.strictEqual(rich.outputs[1].items[0].mime, 'application/vnd.code.notebook.stderr');

    const err = JSON.parse(text(error.outputs[0].items[0]));
    assert.strictEqual(error.outputs[0].items[0].mime, 'application/vnd.code.notebook.error');
    assert.deepStrictEqual([err.name, err.message], ['Error', 'boom']);
  });

  it('an edit saved by VS Code keeps every other cell, output and metadata field verbatim', async () => {
    const original = await readJson(workspaceUri('roundtrip.lungnb'));
    const uri = await freshCopy('roundtrip.lungnb');
    const doc = await vscode.workspace.openNotebookDocument(uri);
    await applyEdit(uri, [vscode.NotebookEdit.insertCells(2, [new vscode.NotebookCellData(vscode.NotebookCellKind.Code, 'const added = 1;\nadded', 'typescript')])]);
    assert.ok(doc.isDirty);
    assert.ok(await doc.save(), 'save failed');

    const saved = await readJson(uri);
    assert.strictEqual(saved.cells.length, original.cells.length + 1);
    const added = saved.cells.splice(2, 1)[0];
    assert.deepStrictEqual(saved, original, 'all original content survives the edit unchanged');
    assert.strictEqual(added.cell_type, 'code');
    assert.deepStrictEqual(added.source, ['const added = 1;\n', 'added']);
    assert.deepStrictEqual([added.outputs, added.execution_count, added.metadata], [[], null, {}]);
    assert.match(added.id, /^[0-9a-f]{8}$/, 'new cells get an nbformat 4.5 id');
  });

  it('undoing the edit and saving again writes back the original bytes (Jupyter-identical JSON)', async () => {
    const uri = await freshCopy('roundtrip.lungnb');
    const before = await readBytes(uri);
    const doc = await vscode.workspace.openNotebookDocument(uri);
    await applyEdit(uri, [vscode.NotebookEdit.insertCells(0, [new vscode.NotebookCellData(vscode.NotebookCellKind.Markup, 'temporary', 'markdown')])]);
    assert.ok(await doc.save());
    assert.notDeepStrictEqual(await readBytes(uri), before);
    await applyEdit(uri, [vscode.NotebookEdit.deleteCells(new vscode.NotebookRange(0, 1))]);
    assert.ok(await doc.save());
    assert.strictEqual(new TextDecoder().decode(await readBytes(uri)), new TextDecoder().decode(before));
  });

  it('outputs made in VS Code are saved as nbformat: JSON MIME as objects, images as base64, text as lines', async () => {
    const uri = await freshCopy('roundtrip.lungnb');
    const doc = await vscode.workspace.openNotebookDocument(uri);
    const png = (await readJson(uri)).cells[0].attachments['dot.png']['image/png'];
    const cell = new vscode.NotebookCellData(vscode.NotebookCellKind.Code, 'lc.show(cam)', 'typescript');
    cell.outputs = [
      new vscode.NotebookCellOutput([
        vscode.NotebookCellOutputItem.json({ layer: 'conv2', values: [1, 2] }, 'application/vnd.lungcam.cam+json'),
        new vscode.NotebookCellOutputItem(Uint8Array.from(Buffer.from(png, 'base64')), 'image/png'),
        vscode.NotebookCellOutputItem.text('first\nsecond', 'text/plain'),
        vscode.NotebookCellOutputItem.text('custom payload', 'application/x-never-seen'),
      ]),
      new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.stdout('progress 1\nprogress 2\n')]),
      new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.error({ name: 'LungcamInputError', message: 'bad wav', stack: 'LungcamInputError: bad wav\n    at cell' })]),
    ];
    cell.executionSummary = { executionOrder: 12 };
    await applyEdit(uri, [vscode.NotebookEdit.replaceCells(new vscode.NotebookRange(5, 6), [cell])]);
    assert.ok(await doc.save());

    const saved = (await readJson(uri)).cells[5];
    assert.strictEqual(saved.execution_count, 12);
    assert.deepStrictEqual(saved.outputs, [
      {
        output_type: 'display_data',
        metadata: {},
        data: {
          'application/vnd.lungcam.cam+json': { layer: 'conv2', values: [1, 2] },
          'image/png': png,
          'text/plain': ['first\n', 'second'],
          'application/x-never-seen': ['custom payload'],
        },
      },
      { output_type: 'stream', name: 'stdout', text: ['progress 1\n', 'progress 2\n'] },
      { output_type: 'error', ename: 'LungcamInputError', evalue: 'bad wav', traceback: ['LungcamInputError: bad wav', '    at cell'] },
    ]);
    assert.strictEqual(nbformatValidate(uri.fsPath), '', 'the saved notebook is valid nbformat 4');
  });

  it('a .lungnb saved after edits validates against the nbformat v4 schema (python3-nbformat)', async () => {
    const uri = await freshCopy('roundtrip.lungnb');
    const doc = await vscode.workspace.openNotebookDocument(uri);
    await applyEdit(uri, [
      vscode.NotebookEdit.insertCells(1, [
        new vscode.NotebookCellData(vscode.NotebookCellKind.Markup, '## Added heading', 'markdown'),
        new vscode.NotebookCellData(vscode.NotebookCellKind.Code, 'raw again', 'raw'),
      ]),
      vscode.NotebookEdit.updateNotebookMetadata({ ...doc.metadata, metadata: { ...(doc.metadata as any).metadata, edited: true } }),
    ]);
    assert.ok(await doc.save());
    assert.strictEqual((await readJson(uri)).metadata.edited, true);
    assert.strictEqual(nbformatValidate(uri.fsPath), '');
    // The validator must be able to fail: a cell without its required "source" is rejected.
    const broken = await readJson(uri);
    delete broken.cells[1].source;
    const brokenUri = workspaceUri(`broken-${Date.now()}.lungnb`);
    await vscode.workspace.fs.writeFile(brokenUri, new TextEncoder().encode(JSON.stringify(broken)));
    assert.match(nbformatValidate(brokenUri.fsPath), /NotebookValidationError: data\.cells\[1\]/);
  });
});

describe('corrupt .lungnb files', () => {
  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  const cases: [string, RegExp][] = [
    ['not-json.lungnb', /not valid JSON/],
    ['nbformat3.lungnb', /nbformat 3.*nbformat 4 only/],
    ['no-cells.lungnb', /no "cells" list/],
  ];
  for (const [fixture, message] of cases) {
    it(`${fixture}: opening fails with a clear message and the file stays byte-identical`, async () => {
      const uri = await freshCopy(fixture);
      const before = await readBytes(uri);
      await assert.rejects(Promise.resolve(vscode.workspace.openNotebookDocument(uri)), (e: Error) => {
        assert.match(e.message, message);
        assert.match(e.message, /file on disk was not changed/);
        return true;
      });
      // Opening it in an editor (as a user does) and saving everything must not touch it either.
      await Promise.resolve(vscode.commands.executeCommand('vscode.openWith', uri, 'lungcam-notebook')).catch(() => undefined);
      await vscode.commands.executeCommand('workbench.action.files.saveAll');
      assert.deepStrictEqual(Array.from(await readBytes(uri)), Array.from(before));
    });
  }
});
