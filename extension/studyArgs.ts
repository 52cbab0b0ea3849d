/**
 * The `lungcam study` command line Run Band-Cutoff Study… runs: one cutoff (the seed's experiment) or a
 * sweep over a ladder of cutoffs with several training seeds each. Pure (no vscode), so it is tested alone.
 */
export type StudyChoice = { kind: 'one'; cutoffHz: number } | { kind: 'sweep'; cutoffsHz: number[]; seeds: number };

export function studyArgs(dataset: string, out: string, choice: StudyChoice, epochs: number): string[] {
  const what = choice.kind === 'one' ? ['--cutoff', String(choice.cutoffHz)] : ['--sweep', choice.cutoffsHz.join(','), '--seeds', String(choice.seeds)];
  return ['study', dataset, ...what, '--out', out, '--epochs', String(epochs)];
}

/** "1000, 1250, 1500" typed by the user → ascending whole Hz, or why not (one line). */
export function parseCutoffList(text: string): number[] | string {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  if (!parts.length) return 'give at least one cutoff in Hz, e.g. 1000, 1250, 1500, 1750';
  const values = parts.map(Number);
  const bad = parts.find((p, i) => !Number.isFinite(values[i]) || values[i] <= 0);
  if (bad !== undefined) return `"${bad}" is not a frequency in Hz`;
  return [...new Set(values)].sort((a, b) => a - b);
}

/** Share of the work a progress line reports ("progress: 3/20 …", "epoch 3/12"), for the progress bar. */
export function studyFraction(line: string): number | undefined {
  const m = /(\d+)\s*\/\s*(\d+)/.exec(line);
  if (!m) return undefined;
  const [done, total] = [Number(m[1]), Number(m[2])];
  return total > 0 && done <= total ? done / total : undefined;
}
