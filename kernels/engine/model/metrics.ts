/**
 * Classification metrics of the ICBHI 2017 challenge (anchors.md): specificity = normal cycles called
 * normal / normal cycles; sensitivity = abnormal cycles given exactly their class / abnormal cycles;
 * ICBHI score = (Se + Sp) / 2. Plus accuracy, the confusion matrix and per-class precision/recall/F1.
 */
import { CLASSES } from './model';

export interface ClassMetrics {
  class: string;
  support: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
}

export interface ClassificationMetrics {
  count: number;
  accuracy: number | null;
  /** null when there are no abnormal (resp. normal) examples to measure it on. */
  sensitivity: number | null;
  specificity: number | null;
  /** (Se + Sp)/2; when one of them is undefined, the other alone (noted in `scoreNote`). */
  icbhiScore: number | null;
  scoreNote?: string;
  classes: string[];
  /** confusion[true][predicted], counts. */
  confusion: number[][];
  perClass: ClassMetrics[];
}

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

/** Metrics for integer class labels (index 0 = normal). */
export function classificationMetrics(trueLabels: ArrayLike<number>, predicted: ArrayLike<number>, classes: readonly string[] = CLASSES): ClassificationMetrics {
  const k = classes.length;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < trueLabels.length; i++) confusion[trueLabels[i]][predicted[i]]++;
  const count = trueLabels.length;
  let correct = 0;
  for (let c = 0; c < k; c++) correct += confusion[c][c];
  const normals = confusion[0].reduce((a, b) => a + b, 0);
  let abnormal = 0;
  let abnormalRight = 0;
  for (let c = 1; c < k; c++) {
    abnormal += confusion[c].reduce((a, b) => a + b, 0);
    abnormalRight += confusion[c][c];
  }
  const sensitivity = ratio(abnormalRight, abnormal);
  const specificity = ratio(confusion[0][0], normals);
  let icbhiScore: number | null = null;
  let scoreNote: string | undefined;
  if (sensitivity !== null && specificity !== null) icbhiScore = (sensitivity + specificity) / 2;
  else if (sensitivity !== null || specificity !== null) {
    icbhiScore = (sensitivity ?? specificity) as number;
    scoreNote = sensitivity === null ? 'no abnormal cycles: score = specificity' : 'no normal cycles: score = sensitivity';
  }
  const perClass = classes.map((name, c) => {
    const support = confusion[c].reduce((a, b) => a + b, 0);
    const predictedC = confusion.reduce((a, row) => a + row[c], 0);
    const precision = ratio(confusion[c][c], predictedC);
    const recall = ratio(confusion[c][c], support);
    const f1 = precision !== null && recall !== null && precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : null;
    return { class: name, support, precision, recall, f1 };
  });
  return { count, accuracy: ratio(correct, count), sensitivity, specificity, icbhiScore, scoreNote, classes: [...classes], confusion, perClass };
}

const pct = (v: number | null) => (v === null ? '   n/a' : `${(100 * v).toFixed(1).padStart(5)}%`);

/** A plain-text report: headline numbers, the confusion matrix and per-class figures. */
export function formatMetrics(m: ClassificationMetrics, what = 'cycles'): string {
  const lines = [
    `${m.count} ${what}: ICBHI score ${pct(m.icbhiScore)}  sensitivity ${pct(m.sensitivity)}  specificity ${pct(m.specificity)}  accuracy ${pct(m.accuracy)}${m.scoreNote ? `  (${m.scoreNote})` : ''}`,
    '',
    `confusion (rows: true, columns: predicted)`,
    `${''.padEnd(10)}${m.classes.map((c) => c.padStart(9)).join('')}`,
    ...m.confusion.map((row, i) => `${m.classes[i].padEnd(10)}${row.map((v) => String(v).padStart(9)).join('')}`),
    '',
    `${'class'.padEnd(10)}${'support'.padStart(9)}${'precision'.padStart(11)}${'recall'.padStart(9)}${'F1'.padStart(9)}`,
    ...m.perClass.map((c) => `${c.class.padEnd(10)}${String(c.support).padStart(9)}${pct(c.precision).padStart(11)}${pct(c.recall).padStart(9)}${pct(c.f1).padStart(9)}`),
  ];
  return lines.join('\n');
}
