/** Cycle-level evaluation (ICBHI protocol): a cycle's class = argmax of the mean probabilities of its patches. */
import * as tf from '@tensorflow/tfjs';
import { predictProbabilities } from '../model/classify';
import { classificationMetrics, type ClassificationMetrics } from '../model/metrics';
import type { StudySet } from './data';
import type { DatasetEvaluation } from '../model/dataset';

export interface StudyEvaluation {
  cycles: ClassificationMetrics;
  patches: ClassificationMetrics;
  /** The cycle-level evaluation as `lungcam evaluate` makes it (per cycle, with database and patient). */
  recordings?: DatasetEvaluation;
}

export function evaluateCycles(model: tf.LayersModel, set: StudySet, classes: string[]): StudyEvaluation {
  const k = classes.length;
  const probs = predictProbabilities(model, set.x, set.count, set.bands);
  const sums = set.cycles.map(() => new Float64Array(k));
  const patchPred: number[] = [];
  for (let p = 0; p < set.count; p++) {
    let best = 0;
    for (let c = 0; c < k; c++) {
      sums[set.cycle[p]][c] += probs[p * k + c];
      if (probs[p * k + c] > probs[p * k + best]) best = c;
    }
    patchPred.push(best);
  }
  const cyclePred = sums.map((s) => s.indexOf(Math.max(...s)));
  return {
    cycles: classificationMetrics(set.cycles.map((c) => c.label), cyclePred, classes),
    patches: classificationMetrics(set.labels, patchPred, classes),
  };
}
