/**
 * A LungCAM notebook on the `lungcam` kernel of a real Jupyter Server (Debian's jupyter-server on
 * loopback, with a token, the kernelspec installed by `lungcam jupyter-install`), started by this
 * suite with the test workspace as its root: connect, the quickstart with its Grad-CAM output,
 * interrupt, restart; a wrong token and a server that went away, told in the cell and the status.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { startJupyterServer, type TestJupyterServer } from '../lib/jupyterServer';
import { workspaceUri } from './helpers';
import { closeWithoutSaving, errorOf, KernelState, mimes, notebookWith, open, quickstartCopy, repoRoot, runAndWait, runCells, sleep, status, stdoutOf, waitFor } from './notebookHelpers';

const REMOTE_CONTROLLER_ID = 'lungcam-remote-kernel-lungcam-notebook';

interface RemoteState extends KernelState {
  location?: { server: string; host: string; folder: string };
}

describe('LungCAM notebook on a Jupyter Server', function () {
  this.timeout(240_000);
  let server: TestJupyterServer;

  before(async () => {
    server = await startJupyterServer({ packageRoot: repoRoot, rootDir: workspaceUri().fsPath });
  });
  after(async () => {
    await vscode.commands.executeCommand('lungcam.disconnectJupyterServer');
    await server?.stop();
  });

  it('refuses a wrong token with the reason, keeping no connection', async () => {
    const ok = await vscode.commands.executeCommand('lungcam.connectJupyterServer', { url: server.url, token: 'not-the-token' });
    assert.strictEqual(ok, false);
  });

  it('connects (URL with ?token=), runs the quickstart there with its Grad-CAM view, and says where cells run', async () => {
    const doc = await open(quickstartCopy());
    try {
      const ok = await vscode.commands.executeCommand('lungcam.connectJupyterServer', { url: `${server.url}?token=${server.token}` });
      assert.strictEqual(ok, true);
      await vscode.commands.executeCommand('notebook.selectKernel', { id: REMOTE_CONTROLLER_ID, extension: 'lungcam.lungcam' });
      await runAndWait(doc, 0, doc.cellCount, 220_000);
      const code = doc.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code);
      for (const c of code) assert.strictEqual(c.executionSummary?.success, true, `cell ${c.index} failed: ${JSON.stringify(errorOf(c) ?? mimes(c))}`);
      const all = new Set(code.flatMap(mimes));
      for (const kind of ['audio', 'spectrogram', 'predictions', 'cam']) assert.ok(all.has(`application/vnd.lungcam.${kind}+json`), `no ${kind} output`);
      const s = await status(doc) as RemoteState;
      assert.strictEqual(s.status, 'idle');
      assert.strictEqual(s.pid, undefined, 'the kernel ran on this machine as a child of VS Code');
      assert.strictEqual(s.location?.server, server.url);
      assert.strictEqual(s.location?.folder, fs.realpathSync(path.dirname(doc.uri.fsPath)), 'cells did not run in the notebook\'s folder on the server');
    } finally {
      await closeWithoutSaving(doc);
    }
  });

  describe('one notebook on the server kernel', () => {
    const CELLS = ['let count = 2;\nconsole.log("breath", count);', 'while (true) {}', 'count * 10', 'count'];
    let doc: vscode.NotebookDocument;
    before(async () => {
      assert.strictEqual(await vscode.commands.executeCommand('lungcam.connectJupyterServer', { url: server.url, token: server.token }), true);
      doc = await notebookWith(CELLS, REMOTE_CONTROLLER_ID);
    });
    after(() => closeWithoutSaving(doc));

    it('interrupts a loop (variables kept) and restarts (variables gone)', async () => {
      await runAndWait(doc, 0, 1, 120_000);
      assert.strictEqual(stdoutOf(doc.cellAt(0)), 'breath 2\n', JSON.stringify(errorOf(doc.cellAt(0))));
      assert.ok((await status(doc) as RemoteState).location, 'the notebook does not run on the server kernel');
      await vscode.window.showNotebookDocument(doc);
      await runCells(doc, 1, 2);
      await waitFor('the loop to start', async () => ((await status(doc)).runningCell === 1 ? true : undefined));
      await sleep(1500);
      const asked = Date.now();
      await vscode.commands.executeCommand('notebook.cancelExecution');
      await waitFor('the loop to stop', async () => (!(await status(doc)).running ? true : undefined), 30_000);
      assert.ok(Date.now() - asked < 15_000);
      assert.notStrictEqual(doc.cellAt(1).executionSummary?.success, true);
      await runAndWait(doc, 2, 3);
      assert.strictEqual(stdoutOf(doc.cellAt(2)).trim(), '20', 'variables survive an interrupt');

      await vscode.commands.executeCommand('lungcam.restartKernel', doc.uri);
      await waitFor('the kernel to be idle', async () => ((await status(doc)).status === 'idle' ? true : undefined), 60_000);
      await runAndWait(doc, 3, 4);
      assert.strictEqual(doc.cellAt(3).executionSummary?.success, false, 'a variable survived the restart');
    });

    it('a server that went away: the cell and the status say so, with what to do; nothing hangs', async () => {
      await server.stop();
      await runAndWait(doc, 0, 1, 60_000);
      const cell = doc.cellAt(0);
      assert.strictEqual(cell.executionSummary?.success, false);
      const message = JSON.stringify(cell.outputs.flatMap((o) => o.items.map((i) => new TextDecoder().decode(i.data))));
      assert.match(message, /Lost the connection to the Jupyter Server|not connected|Cannot reach the Jupyter Server/);
      const s = await status(doc);
      assert.strictEqual(s.status, 'dead');
      assert.match(s.deathReason ?? '', /Jupyter Server/);
    });
  });
});
