/**
 * Run Band-Cutoff Study…: `lungcam study` in a child process behind a progress notification with Cancel,
 * for one cutoff (train full band → Grad-CAM attention by band → cut at `lungcam.bandCutoffHz`, 1500 Hz
 * by default → retrain → compare) or a sweep (`--sweep` over `lungcam.study.sweepHz`, `lungcam.study.seeds`
 * seeds each: score with intervals, attention, the masked what-if against retraining); opens report.md
 * when done. The report folder is written atomically.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { runWithProgress } from './progressTask';
import { parseCutoffList, studyArgs, studyFraction, type StudyChoice } from './studyArgs';
import { pickDatasetFolder } from './wavInput';

const COMMAND = 'Run Band-Cutoff Study';

export function studyDirFor(datasetDir: string, exists: (p: string) => boolean = existsSync): string {
  const base = `${datasetDir.replace(/[\\/]+$/, '')}-study`;
  for (let i = 1; ; i++) {
    const candidate = i === 1 ? base : `${base}-${i}`;
    if (!exists(candidate)) return candidate;
  }
}

interface ChoiceItem extends vscode.QuickPickItem {
  choice?: StudyChoice;
  custom?: boolean;
}

/** One cutoff or a sweep, as the user picks it (undefined: cancelled). */
async function pickStudy(config: vscode.WorkspaceConfiguration): Promise<StudyChoice | undefined> {
  const one = config.get<number | null>('bandCutoffHz', null) ?? 1500;
  const ladder = config.get<number[]>('study.sweepHz', [1000, 1250, 1500, 1750]);
  const seeds = Math.max(1, Math.round(config.get<number>('study.seeds', 3)));
  const items: ChoiceItem[] = [
    { label: `One cutoff: ${one} Hz`, description: 'full band → attention by band → cut → retrain → compare', choice: { kind: 'one', cutoffHz: one } },
    { label: `Sweep: ${ladder.join(', ')} Hz`, description: `${seeds} seeds each: score with intervals, attention, the what-if against retraining`, choice: { kind: 'sweep', cutoffsHz: ladder, seeds } },
    { label: 'Sweep over other cutoffs…', description: `${seeds} seeds each (lungcam.study.seeds)`, custom: true },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: `LungCAM: ${COMMAND}`, placeHolder: 'One cutoff, or a sweep over a ladder of cutoffs' });
  if (!picked?.custom) return picked?.choice;
  const text = await vscode.window.showInputBox({
    title: `LungCAM: ${COMMAND}`, prompt: 'Cutoffs in Hz, comma-separated', value: ladder.join(', '),
    validateInput: (t) => { const r = parseCutoffList(t); return typeof r === 'string' ? r : undefined; },
  });
  const list = text === undefined ? undefined : parseCutoffList(text);
  return Array.isArray(list) ? { kind: 'sweep', cutoffsHz: list, seeds } : undefined;
}

export async function runBandCutoffStudy(uri?: vscode.Uri): Promise<string | undefined> {
  const dataset = await pickDatasetFolder(uri, COMMAND);
  if (!dataset) return undefined;
  const config = vscode.workspace.getConfiguration('lungcam');
  const choice = await pickStudy(config);
  if (!choice) {
    void vscode.window.showInformationMessage(`LungCAM: ${COMMAND} cancelled: nothing run.`);
    return undefined;
  }
  const out = studyDirFor(dataset);
  const args = studyArgs(dataset, out, choice, config.get<number>('study.epochs', 12));
  const what = choice.kind === 'one' ? `at ${choice.cutoffHz} Hz` : `sweep ${choice.cutoffsHz.join(', ')} Hz × ${choice.seeds} seeds`;
  const result = await runWithProgress({ title: `LungCAM: band-cutoff study ${what} on ${path.basename(dataset)}`, args, fraction: studyFraction });
  if (result.cancelled) {
    void vscode.window.showInformationMessage('LungCAM: study cancelled; no report was written.');
    return undefined;
  }
  if (result.code !== 0) {
    void vscode.window.showErrorMessage(`LungCAM: the study failed: ${result.message}`);
    return undefined;
  }
  const report = vscode.Uri.file(path.join(out, 'report.md'));
  await vscode.commands.executeCommand('markdown.showPreview', report).then(undefined, () => vscode.window.showTextDocument(report));
  void vscode.window.showInformationMessage(`LungCAM: ${result.stdout.trim().replace(/^.*?: /, '')}`);
  return out;
}

export function registerStudyCommand(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.commands.registerCommand('lungcam.runBandCutoffStudy', runBandCutoffStudy));
}
