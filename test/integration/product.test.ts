/**
 * The product commands on bad input, in the extension host: a file that is not a WAV, an empty folder,
 * a cancelled dialog and a cancelled training each end with one clear message and leave nothing
 * half-written. Dialogs and notifications are replaced by recorders (the extension shares this `vscode`).
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { workspaceUri } from './helpers';
import { MIME } from '../../kernels/shared/outputTypes';
import { makeCamOutput } from '../renderer/fixtures';

type Win = typeof vscode.window;
const win = vscode.window as { -readonly [K in keyof Win]: Win[K] };

/** A tiny synthetic corpus (8 short recordings) made by the installed extension's own CLI. */
function tinyCorpus(corpus: string): string {
  const root = vscode.extensions.getExtension('lungcam.lungcam')!.extensionPath;
  const synth = spawnSync('node', [path.join(root, 'bin', 'lungcam.js'), 'synth', corpus, '--count', '8', '--seconds', '4-6', '--quiet'], { encoding: 'utf8' });
  assert.strictEqual(synth.status, 0, synth.stderr);
  return corpus;
}

describe('LungCAM product commands on bad input', () => {
  const saved = { error: win.showErrorMessage, info: win.showInformationMessage, open: win.showOpenDialog, progress: win.withProgress, pick: win.showQuickPick, save: win.showSaveDialog };
  let errors: string[];
  let infos: string[];
  let dir: string;

  before(async () => {
    await vscode.extensions.getExtension('lungcam.lungcam')!.activate();
  });

  beforeEach(() => {
    errors = [];
    infos = [];
    win.showErrorMessage = (async (m: string) => void errors.push(m)) as Win['showErrorMessage'];
    win.showInformationMessage = (async (m: string) => void infos.push(m)) as Win['showInformationMessage'];
    dir = workspaceUri(`product-${Date.now()}`).fsPath;
    mkdirSync(dir, { recursive: true });
  });

  afterEach(async () => {
    Object.assign(win, { showErrorMessage: saved.error, showInformationMessage: saved.info, showOpenDialog: saved.open, withProgress: saved.progress, showQuickPick: saved.pick, showSaveDialog: saved.save });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('every product command is registered under the LungCAM category', async () => {
    const ext = vscode.extensions.getExtension('lungcam.lungcam')!;
    const registered = await vscode.commands.getCommands(true);
    for (const id of ['lungcam.openWavInNotebook', 'lungcam.quickAnalysis', 'lungcam.trainOnFolder', 'lungcam.runBandCutoffStudy', 'lungcam.selectModel', 'lungcam.exportHeatmap']) {
      assert.ok(registered.includes(id), `${id} is registered`);
      const c = ext.packageJSON.contributes.commands.find((x: { command: string }) => x.command === id);
      assert.strictEqual(c?.category, 'LungCAM', `${id} is in the LungCAM category`);
    }
  });

  it('a text file named .wav: Open in Notebook, Quick Analysis and Export say it is not a WAV and write nothing', async () => {
    const fake = path.join(dir, 'notes.wav');
    writeFileSync(fake, 'these are my notes, not a recording\n');
    for (const command of ['lungcam.openWavInNotebook', 'lungcam.quickAnalysis', 'lungcam.exportHeatmap']) {
      await vscode.commands.executeCommand(command, vscode.Uri.file(fake));
    }
    assert.strictEqual(errors.length, 3, `one message per command: ${JSON.stringify(errors)}`);
    for (const e of errors) assert.match(e, /^LungCAM: notes\.wav is not a WAV file \(no RIFF\/WAVE header\): choose a \.wav recording\.$/);
    assert.deepStrictEqual(readdirSync(dir), ['notes.wav'], 'no notebook or export written');
    assert.strictEqual(vscode.window.activeNotebookEditor, undefined, 'no notebook opened');
  });

  it('an empty folder: Train and Study say it holds no recordings and write nothing', async () => {
    const empty = path.join(dir, 'empty');
    mkdirSync(empty);
    await vscode.commands.executeCommand('lungcam.trainOnFolder', vscode.Uri.file(empty));
    await vscode.commands.executeCommand('lungcam.runBandCutoffStudy', vscode.Uri.file(empty));
    assert.strictEqual(errors.length, 2, JSON.stringify(errors));
    for (const e of errors) assert.match(e, /empty holds no \.wav recordings: choose a folder of NAME\.wav \+ NAME\.txt files/);
    assert.deepStrictEqual(readdirSync(dir), ['empty']);
  });

  it('a cancelled Open dialog ends each command with a "cancelled" message', async () => {
    win.showOpenDialog = async () => undefined;
    for (const command of ['lungcam.openWavInNotebook', 'lungcam.quickAnalysis', 'lungcam.exportHeatmap', 'lungcam.trainOnFolder', 'lungcam.runBandCutoffStudy']) {
      await vscode.commands.executeCommand(command);
    }
    assert.deepStrictEqual(errors, []);
    assert.deepStrictEqual(infos, [
      'LungCAM: Open WAV File in Notebook cancelled: no WAV file chosen.',
      'LungCAM: Quick Analysis of WAV File cancelled: no WAV file chosen.',
      'LungCAM: Export Heatmap cancelled: no WAV file chosen.',
      'LungCAM: Train Model on Folder cancelled: no folder chosen.',
      'LungCAM: Run Band-Cutoff Study cancelled: no folder chosen.',
    ]);
  });

  it('a training cancelled from its progress notification stops the process and leaves no model folder', async function () {
    this.timeout(180_000);
    const corpus = tinyCorpus(path.join(dir, 'corpus'));
    const reports: string[] = [];
    // The notification's Cancel button: cancel as soon as training reports its first line.
    win.withProgress = (async (_o: vscode.ProgressOptions, task: (p: vscode.Progress<{ message?: string }>, t: vscode.CancellationToken) => Thenable<unknown>) => {
      const cts = new vscode.CancellationTokenSource();
      return task({ report: (v) => { reports.push(v.message ?? ''); cts.cancel(); } }, cts.token);
    }) as Win['withProgress'];
    const result = await vscode.commands.executeCommand('lungcam.trainOnFolder', vscode.Uri.file(corpus));
    assert.strictEqual(result, undefined);
    assert.ok(reports.length >= 1, 'progress was reported before the cancel');
    assert.deepStrictEqual(errors, []);
    assert.deepStrictEqual(infos, ['LungCAM: training cancelled; no model was written.']);
    const left = readdirSync(dir);
    assert.deepStrictEqual(left, ['corpus'], `nothing beside the corpus (no model folder, no temp folder): ${left.join(', ')}`);
    assert.ok(!existsSync(path.join(dir, 'corpus-model')));
    const models = vscode.workspace.getConfiguration('lungcam').get<string[]>('models', []);
    assert.ok(!models.some((m) => m.startsWith(dir)), 'the cancelled model is not registered');
  });

  /** A saved LungCAM notebook (dir/cam.lungnb) whose one code cell carries a CAM output, as a run leaves it; shown in an editor. */
  async function notebookWithCamOutput(): Promise<vscode.NotebookEditor> {
    const file = path.join(dir, 'cam.lungnb');
    const cell = {
      cell_type: 'code', id: 'cam-cell', metadata: {}, execution_count: 1, source: 'lc.show(cam)',
      outputs: [{ output_type: 'display_data', metadata: {}, data: { [MIME.cam]: makeCamOutput({ durationSeconds: 6 }) } }],
    };
    writeFileSync(file, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [cell] }));
    const doc = await vscode.workspace.openNotebookDocument(vscode.Uri.file(file));
    return vscode.window.showNotebookDocument(doc);
  }

  /** Answers the format pick with `ext` and the layer × class pick with its first (default) entry. */
  function pickFormat(ext: string | undefined): string[] {
    const titles: string[] = [];
    win.showQuickPick = (async (items: readonly { ext?: string }[], o?: vscode.QuickPickOptions) => {
      titles.push(o?.title ?? '');
      const list = await items;
      return titles.length === 1 ? list.find((i) => i.ext === ext) : list[0];
    }) as unknown as Win['showQuickPick'];
    return titles;
  }

  it('Export Heatmap of a notebook CAM output: a cancelled pick or Save dialog writes nothing; a chosen file is written whole', async () => {
    const editor = await notebookWithCamOutput();
    const cell = editor.notebook.cellAt(0);
    pickFormat(undefined);
    await vscode.commands.executeCommand('lungcam.exportHeatmap', cell);
    win.showSaveDialog = async () => undefined;
    const titles = pickFormat('png');
    await vscode.commands.executeCommand('lungcam.exportHeatmap', cell);
    assert.deepStrictEqual(errors, []);
    assert.deepStrictEqual(infos, ['LungCAM: Export Heatmap cancelled: no format chosen.', 'LungCAM: Export Heatmap cancelled: nothing written.']);
    assert.match(titles[0], /Export Heatmap of synthetic_1b1_Al_sc_Meditron\.wav \(notebook output\)/);
    assert.deepStrictEqual(readdirSync(dir), ['cam.lungnb']);

    // From the palette: the selected cell's output (no argument), saved where the user chose.
    infos = [];
    const target = path.join(dir, 'map.npy');
    win.showSaveDialog = async () => vscode.Uri.file(target);
    editor.selections = [new vscode.NotebookRange(0, 1)];
    pickFormat('npy');
    const written = await vscode.commands.executeCommand('lungcam.exportHeatmap');
    assert.strictEqual(written, target);
    assert.deepStrictEqual(readdirSync(dir).sort(), ['cam.lungnb', 'map.npy'], 'the file and no temp file');
    const head = readFileSync(target);
    assert.strictEqual(head.subarray(1, 6).toString('latin1'), 'NUMPY');
    assert.match(head.subarray(0, 128).toString('latin1'), /'shape': \(598, 64\)/);
    assert.match(infos[0], /^LungCAM: heatmap \(.+\) saved to .*map\.npy$/);
  });

  it('Export Heatmap on a cell with no CAM output says so and writes nothing', async () => {
    const file = path.join(dir, 'plain.lungnb');
    const cell = { cell_type: 'code', id: 'plain', metadata: {}, execution_count: 1, source: '1 + 1', outputs: [{ output_type: 'stream', name: 'stdout', text: '2\n' }] };
    writeFileSync(file, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [cell] }));
    const doc = await vscode.workspace.openNotebookDocument(vscode.Uri.file(file));
    await vscode.window.showNotebookDocument(doc);
    await vscode.commands.executeCommand('lungcam.exportHeatmap', doc.cellAt(0));
    assert.deepStrictEqual(errors, ['LungCAM: this cell has no Grad-CAM output to export: run it first (a cell ending in lc.show(…) of a Grad-CAM result shows one).']);
    assert.deepStrictEqual(readdirSync(dir), ['plain.lungnb']);
  });

  it('Open With… LungCAM Quick Analysis on a text file named .wav: the editor and a message say it is not a WAV', async () => {
    const fake = path.join(dir, 'notes.wav');
    writeFileSync(fake, 'not a recording\n');
    await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(fake), 'lungcam.wavAnalysis');
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(tab?.input instanceof vscode.TabInputCustom && tab.input.viewType === 'lungcam.wavAnalysis', 'the custom editor opened');
    for (let i = 0; i < 50 && errors.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepStrictEqual(errors, ['LungCAM: notes.wav is not a WAV file (no RIFF/WAVE header): choose a .wav recording.']);
    assert.deepStrictEqual(readdirSync(dir), ['notes.wav']);
  });

  /** The notification's Cancel button, pressed as soon as the task reports its first progress line. */
  function cancelOnFirstReport(reports: string[]): void {
    win.withProgress = (async (_o: vscode.ProgressOptions, task: (p: vscode.Progress<{ message?: string }>, t: vscode.CancellationToken) => Thenable<unknown>) => {
      const cts = new vscode.CancellationTokenSource();
      return task({ report: (v) => { reports.push(v.message ?? ''); cts.cancel(); } }, cts.token);
    }) as Win['withProgress'];
  }

  /** Runs `command` on `target`, cancelling at its first progress report: no result, no error, one notice. */
  async function runCancelledFromProgress(command: string, target: string, notice: string): Promise<void> {
    const reports: string[] = [];
    cancelOnFirstReport(reports);
    const result = await vscode.commands.executeCommand(command, vscode.Uri.file(target));
    assert.strictEqual(result, undefined);
    assert.ok(reports.length >= 1, 'progress was reported before the cancel');
    assert.deepStrictEqual(errors, []);
    assert.deepStrictEqual(infos, [notice]);
  }

  const sampleWav = () => path.join(vscode.extensions.getExtension('lungcam.lungcam')!.extensionPath, 'samples', 'wav', 'S003_1b1_Lr_sc_SYNTH.wav');

  it('Export Heatmap of a WAV: a cancelled format pick or Save dialog says so and writes nothing', async () => {
    const wav = path.join(dir, 'rec.wav');
    copyFileSync(sampleWav(), wav);
    pickFormat(undefined);
    await vscode.commands.executeCommand('lungcam.exportHeatmap', vscode.Uri.file(wav));
    pickFormat('csv');
    win.showSaveDialog = async () => undefined;
    await vscode.commands.executeCommand('lungcam.exportHeatmap', vscode.Uri.file(wav));
    assert.deepStrictEqual(errors, []);
    assert.deepStrictEqual(infos, ['LungCAM: Export Heatmap cancelled: no format chosen.', 'LungCAM: Export Heatmap cancelled: nothing written.']);
    assert.deepStrictEqual(readdirSync(dir), ['rec.wav']);
  });

  it('Quick Analysis cancelled from its progress notification closes the panel, says so and writes nothing', async function () {
    this.timeout(120_000);
    const wav = path.join(dir, 'rec.wav');
    copyFileSync(sampleWav(), wav);
    await runCancelledFromProgress('lungcam.quickAnalysis', wav, 'LungCAM: Quick Analysis of WAV File cancelled.');
    const panelOpen = () => vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.label === 'LungCAM: rec.wav'));
    for (let i = 0; i < 50 && panelOpen(); i++) await new Promise((r) => setTimeout(r, 100)); // the tab list follows the dispose
    assert.ok(!panelOpen(), 'the panel is closed');
    assert.deepStrictEqual(readdirSync(dir), ['rec.wav']);
  });

  it('Train and Study given a file instead of a folder say so and write nothing', async () => {
    const file = path.join(dir, 'notes.txt');
    writeFileSync(file, 'x');
    await vscode.commands.executeCommand('lungcam.trainOnFolder', vscode.Uri.file(file));
    await vscode.commands.executeCommand('lungcam.runBandCutoffStudy', vscode.Uri.file(file));
    assert.strictEqual(errors.length, 2, JSON.stringify(errors));
    for (const e of errors) assert.match(e, /^LungCAM: notes\.txt is not a folder: choose a folder of NAME\.wav \+ NAME\.txt recordings/);
    assert.deepStrictEqual(readdirSync(dir), ['notes.txt']);
  });

  it('a study cancelled from its progress notification leaves no report folder', async function () {
    this.timeout(180_000);
    const corpus = tinyCorpus(path.join(dir, 'corpus'));
    const offered: string[] = [];
    win.showQuickPick = (async (items: readonly { label: string }[]) => {
      offered.push(...(await items).map((i) => i.label));
      return (await items).find((i) => i.label.startsWith('One cutoff'));
    }) as unknown as Win['showQuickPick'];
    await runCancelledFromProgress('lungcam.runBandCutoffStudy', corpus, 'LungCAM: study cancelled; no report was written.');
    assert.deepStrictEqual(offered, ['One cutoff: 1500 Hz', 'Sweep: 1000, 1250, 1500, 1750 Hz', 'Sweep over other cutoffs…'], 'one cutoff or a sweep');
    assert.deepStrictEqual(readdirSync(dir), ['corpus'], `nothing beside the corpus: ${readdirSync(dir).join(', ')}`);
  });

  it('Select Model: a cancelled pick, a cancelled Browse dialog and a folder that is not a model leave the model unchanged', async () => {
    const before = vscode.workspace.getConfiguration('lungcam').get<string>('model');
    const picks: (string | undefined)[] = [undefined, 'Browse', 'Browse'];
    win.showQuickPick = (async (items: readonly { label: string }[]) => {
      const want = picks.shift();
      return want ? (await items).find((i) => i.label.includes(want)) : undefined;
    }) as unknown as Win['showQuickPick'];
    const notModel = path.join(dir, 'not-a-model');
    mkdirSync(notModel);
    const dialogs: (vscode.Uri[] | undefined)[] = [undefined, [vscode.Uri.file(notModel)]];
    win.showOpenDialog = async () => dialogs.shift();
    for (let i = 0; i < 3; i++) assert.strictEqual(await vscode.commands.executeCommand('lungcam.selectModel'), undefined);
    assert.deepStrictEqual(infos, ['LungCAM: Select Model cancelled: the model is unchanged.', 'LungCAM: Select Model cancelled: the model is unchanged.']);
    assert.strictEqual(errors.length, 1);
    assert.match(errors[0], /not-a-model is not a LungCAM model folder \(model\.json \+ metadata\.json\)/);
    assert.strictEqual(vscode.workspace.getConfiguration('lungcam').get<string>('model'), before);
    assert.deepStrictEqual(readdirSync(notModel), [], 'nothing written into the folder');
  });
});
