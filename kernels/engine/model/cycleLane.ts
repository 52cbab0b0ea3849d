/**
 * The cycle lane of the views: a classification's annotated cycles (each with the annotated class and
 * the model's label for it) as the renderer's `Annotations`. One builder for every output that draws the
 * lane: predictions, Grad-CAM, the `view` command's JSON and the exports made from them.
 */
import type { Annotations, CycleAnnotation } from '../../shared/outputTypes';
import type { RecordingPrediction } from './classify';
import { flagsFromLabel, isCycleLabel } from '../data/labels';

export type CyclePredictionLike = Partial<Pick<RecordingPrediction, 'cycles' | 'cycleAggregation' | 'annotationSource'>>;

/** The lane of a classification made with annotated cycles; undefined when it has none. */
export function cycleLaneOf(prediction: CyclePredictionLike | undefined): Annotations | undefined {
  const cycles = prediction?.cycles;
  if (!cycles || cycles.length === 0) return undefined;
  const lane: CycleAnnotation[] = cycles.map((c) => {
    const flags = c.trueLabel && isCycleLabel(c.trueLabel) ? flagsFromLabel(c.trueLabel) : { crackles: false, wheezes: false };
    return {
      startSeconds: c.startSeconds,
      endSeconds: c.endSeconds,
      ...flags,
      ...(c.trueLabel ? { label: c.trueLabel } : {}),
      ...(c.annotatedAs ? { annotatedAs: c.annotatedAs } : {}),
      predicted: { label: c.label, probabilities: c.probabilities },
    };
  });
  const source = prediction.annotationSource;
  return { cycles: lane, ...(source ? { source } : {}) };
}
