/**
 * The LungCAM notebook controller inside VS Code, against the real tslab kernel process: run all on
 * the quickstart, outputs and errors in cells, interrupt and restart through the controller, kernel
 * death, and an extension host that keeps answering while a cell spins.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { KernelState, closeWithoutSaving, errorOf, mimes, notebookWith, open, quickstartCopy, runAndWait, runCells, sleep, status, stdoutOf, waitFor } from './notebookHelpers';

describe('LungCAM kernel in VS Code', function () {
  this.timeout(180_000);

  it('runs the quickstart: every cell succeeds with the expected output MIME types', async () => {
    const doc = await open(quickstartCopy());
    try {
      const code = doc.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code);
      await runAndWait(doc, 0, doc.cellCount, 170_000);
      for (const c of code) {
        assert.strictEqual(c.executionSummary?.success, true, `cell ${c.index} failed: ${JSON.stringify(errorOf(c) ?? mimes(c))}`);
      }
      const all = new Set(code.flatMap(mimes));
      for (const kind of ['audio', 'spectrogram', 'predictions', 'cam']) {
        assert.ok(all.has(`application/vnd.lungcam.${kind}+json`), `no ${kind} output; got ${[...all].join(', ')}`);
      }
      // every LungCAM output carries its fallbacks for other frontends
      for (const o of code.flatMap((c) => c.outputs)) {
        const m = o.items.map((i) => i.mime);
        if (m.some((x) => x.startsWith('application/vnd.lungcam.'))) assert.deepStrictEqual(m.slice(1).sort(), ['image/png', 'text/plain']);
      }
      // the status bar names the TensorFlow.js backend the kernel chose
      const s = await status(doc);
      assert.strictEqual(s.status, 'idle');
      assert.match((s as KernelState & { backend?: string }).backend ?? '', /^(wasm|tensorflow|cpu)\b/);
    } finally {
      await closeWithoutSaving(doc); // never write outputs into the shipped sample
    }
  });

  describe('one notebook, one kernel, used in order', () => {
    // Cells by index: the tests below run them in turn against the same kernel.
    const CELLS = [
      'import * as lc from "lungcam";\nlet count = 2;\nconsole.log("breath", count);', // 0
      'lc.show({ samples: new Float32Array(1600).fill(0.25), sampleRate: 16000, channels: 1, durationSeconds: 0.1, warnings: [] }, { fileName: "flat.wav" });', // 1
      'const n: number = 1;\nlc.nonexistent(n);', // 2
      'count + 1', // 3
      'while (true) {}', // 4
      'console.log("must not run")', // 5
      'count * 10', // 6
      'count', // 7 (after a restart)
      'process.exit(7)', // 8
      '"back"', // 9
    ];
    let doc: vscode.NotebookDocument;
    before(async () => {
      doc = await notebookWith(CELLS);
    });
    after(() => closeWithoutSaving(doc));

    it('streams output, shows MIME bundles and points TypeScript errors at the cell line', async () => {
      await runAndWait(doc, 0, 4);
      const [first, second, third, fourth] = doc.getCells();
      assert.strictEqual(first.executionSummary?.success, true);
      assert.strictEqual(stdoutOf(first), 'breath 2\n');
      assert.ok((first.executionSummary?.executionOrder ?? 0) >= 1);
      assert.deepStrictEqual(mimes(second), ['application/vnd.lungcam.audio+json', 'image/png', 'text/plain']);
      assert.strictEqual(third.executionSummary?.success, false);
      const err = errorOf(third)!;
      assert.strictEqual(err.name, 'TypeScript');
      assert.match(err.stack, /line 2, column 4: Property 'nonexistent' does not exist/);
      assert.match(err.stack, /2 \| lc\.nonexistent\(n\);\n\s+\^/);
      // run-all stops at the failed cell: the next one was cancelled, not run
      assert.notStrictEqual(fourth.executionSummary?.success, true);
      await runAndWait(doc, 3, 4);
      assert.strictEqual(stdoutOf(fourth).trim(), '3', 'state kept across cells');
    });

    it('interrupts a synchronous loop through the controller within 2 s, cancels queued cells, and answers commands while it spins', async () => {
      await vscode.window.showNotebookDocument(doc);
      await runCells(doc, 4, 6);
      await waitFor('the loop to start', async () => ((await status(doc)).runningCell === 4 ? true : undefined));
      await sleep(1500); // let it spin (tslab type-checks the cell before it runs)

      const asked = Date.now();
      const s = await vscode.commands.executeCommand<KernelState>('lungcam.kernelStatus', doc.uri);
      const answeredMs = Date.now() - asked;
      assert.ok(answeredMs < 1000, `a command took ${answeredMs} ms while a cell spins`);
      assert.strictEqual(s.status, 'busy');
      assert.strictEqual(s.queued, 1);

      const pid = s.pid;
      const started = Date.now();
      await vscode.commands.executeCommand('notebook.cancelExecution'); // the active notebook: VS Code calls our interruptHandler
      await waitFor('the loop to stop', () => (doc.cellAt(4).executionSummary?.success === false ? true : undefined), 10_000);
      const stoppedMs = Date.now() - started;
      assert.ok(stoppedMs < 2000, `interrupt took ${stoppedMs} ms`);
      assert.strictEqual(errorOf(doc.cellAt(4))?.name, 'Interrupted');
      await waitFor('the session to settle', async () => ((await status(doc)).running ? undefined : true));
      assert.notStrictEqual(doc.cellAt(5).executionSummary?.success, true, 'a queued cell ran after the interrupt');
      assert.strictEqual(stdoutOf(doc.cellAt(5)), '');
      assert.strictEqual((await status(doc)).pid, pid, 'interrupt restarted the kernel');
      await runAndWait(doc, 6, 7);
      assert.strictEqual(stdoutOf(doc.cellAt(6)).trim(), '20', 'variables survive an interrupt');
    });

    it('restarts the kernel (LungCAM: Restart Kernel): a fresh process without the old variables', async () => {
      const pid = (await status(doc)).pid;
      await vscode.commands.executeCommand('lungcam.restartKernel', doc.uri);
      const after = await status(doc);
      assert.strictEqual(after.status, 'idle');
      assert.notStrictEqual(after.pid, pid);
      await runAndWait(doc, 7, 8);
      assert.match(errorOf(doc.cellAt(7))!.stack, /Cannot find name 'count'/);
    });

    it('reports a kernel that exits in the cell and the status, and recovers on restart', async () => {
      await runAndWait(doc, 8, 9);
      await waitFor('the death to be reported', async () => ((await status(doc)).status === 'dead' ? true : undefined));
      assert.strictEqual(doc.cellAt(8).executionSummary?.success, false);
      assert.match(errorOf(doc.cellAt(8))!.message, /exited with code 7.*Restart the kernel/);
      assert.match((await status(doc)).deathReason ?? '', /exited with code 7/);
      await vscode.commands.executeCommand('lungcam.restartKernel', doc.uri);
      await runAndWait(doc, 9, 10);
      assert.strictEqual(stdoutOf(doc.cellAt(9)).trim(), 'back');
    });
  });
});
