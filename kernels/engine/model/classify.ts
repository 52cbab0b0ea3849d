/**
 * Classification with a LungCAM model: softmax probabilities per 0.96 s patch (cut by the one patching
 * rule, audio/patches.ts, as Grad-CAM and every view cut them), a recording label (the mean over patches,
 * shared/view/recordingLabel.ts) and, when the cycles are known (ICBHI NAME.txt, SPRSound NAME.json), one
 * label per cycle from the patches cut within that cycle, as training and evaluation cut them.
 */
import * as tf from '@tensorflow/tfjs';
import { basename } from 'node:path';
import { PATCH_FRAMES, type LogMel } from '../types';
import { cutPatches, patchLayout } from '../audio/patches';
import { argmax, recordingProbabilities } from '../../shared/view/recordingLabel';
import type { LoadedModel } from './modelIO';
import { cyclePatches, type Cycle } from '../data/cycles';
import { DEFAULT_FLAG_THRESHOLDS, cycleFlagScores, flagLabel, type FlagThresholds } from './calibrate';
import { inferLogits } from './inference';
import type { RecordingAnnotations } from '../data/annotations';
import type { AnnotationSource } from '../../shared/outputTypes';
import { checkModelInput } from '../audio/audioCheck';

/**
 * Softmax probabilities [count, classes] for patches [count, 96, bands], batched and tidy; conv + ReLU
 * pairs run fused (inference.ts: the same numbers as model.predict).
 */
export function predictProbabilities(model: tf.LayersModel, data: Float32Array, count: number, bands: number, batchSize = 64): Float32Array {
  const k = model.outputs[0].shape[1] as number;
  const out = new Float32Array(count * k);
  const size = PATCH_FRAMES * bands;
  for (let start = 0; start < count; start += batchSize) {
    const n = Math.min(batchSize, count - start);
    const probs = tf.tidy(() => {
      const x = tf.tensor4d(data.subarray(start * size, (start + n) * size), [n, PATCH_FRAMES, bands, 1]);
      return tf.softmax(inferLogits(model, x) as tf.Tensor2D);
    });
    out.set(probs.dataSync() as Float32Array, start * k);
    probs.dispose();
  }
  return out;
}

export interface PatchPrediction {
  startSeconds: number;
  endSeconds: number;
  padded: boolean;
  label: string;
  probabilities: number[];
}

export interface CyclePrediction {
  startSeconds: number;
  endSeconds: number;
  /** The annotated label, when the annotation gave one. */
  trueLabel?: string;
  /** The annotator's own words when they are not one of the classes (SPRSound "Fine Crackle", …). */
  annotatedAs?: string;
  label: string;
  probabilities: number[];
  patches: number;
}

export interface RecordingPrediction {
  file: string;
  durationSeconds: number;
  sampleRate: number;
  model: string;
  classes: string[];
  label: string;
  probabilities: number[];
  patches: PatchPrediction[];
  cycles?: CyclePrediction[];
  /** How the cycles' labels were made from their patches (present with `cycles`). */
  cycleAggregation?: CycleAggregation;
  /** The annotation file the cycles came from, when classify was given a recording's annotations. */
  annotationSource?: AnnotationSource;
}

/** Mean of rows [r, k] of a probability array. */
export function meanRows(probs: Float32Array, rows: number[], k: number): number[] {
  const mean = new Array<number>(k).fill(0);
  for (const r of rows) for (let c = 0; c < k; c++) mean[c] += probs[r * k + c];
  return mean.map((v) => (rows.length ? v / rows.length : 0));
}

export { argmax };

const round4 = (v: number) => Math.round(v * 1e4) / 1e4;

/**
 * How patch probabilities become one cycle label:
 * - 'mean': the class with the highest mean probability over the cycle's patches;
 * - 'max-flags': crackles present if some patch gives crackle+both above a threshold (the model's calibrated
 *   `flagThresholds`, else 0.5), wheezes likewise (wheeze+both): an adventitious sound needs to show in only
 *   one part of the cycle (it is a multiple-instance label).
 */
export type CycleAggregation = 'mean' | 'max-flags';
export const CYCLE_AGGREGATIONS: readonly CycleAggregation[] = ['mean', 'max-flags'];

/** Cycle probabilities (for display) and label from rows of [count, 4] probabilities. */
export function aggregateCycle(
  probs: Float32Array, rows: number[], classes: readonly string[], method: CycleAggregation = 'mean',
  thresholds: FlagThresholds = DEFAULT_FLAG_THRESHOLDS,
): { label: string; probabilities: number[] } {
  const k = classes.length;
  const mean = meanRows(probs, rows, k);
  if (rows.length === 0) return { label: 'none', probabilities: mean };
  if (method === 'mean' || k !== 4) return { label: classes[argmax(mean)], probabilities: mean };
  return { label: classes[flagLabel(cycleFlagScores(probs, rows), thresholds)], probabilities: mean };
}

/** A cycle as annotated: start/end in seconds and optionally its label. */
export interface CycleSpan {
  startSeconds: number;
  endSeconds: number;
  label?: string;
  /** The annotator's own words when they are not one of the classes (SPRSound "Fine Crackle", …). */
  annotatedAs?: string;
}

/** Patches per pass over a long recording: bounds the wasm heap (it never shrinks) and the patch copies. */
export const PATCHES_PER_PASS = 16;

/**
 * Softmax probabilities [patches, classes] of the windows at `startFrame` of a log-mel, cut a pass at a
 * time (cutPatches), so a long recording's patches never all exist at once.
 */
export function logMelProbabilities(model: tf.LayersModel, logMel: LogMel, startFrame: number[]): Float32Array {
  const k = model.outputs[0].shape[1] as number;
  const out = new Float32Array(startFrame.length * k);
  for (let i = 0; i < startFrame.length; i += PATCHES_PER_PASS) {
    const n = Math.min(PATCHES_PER_PASS, startFrame.length - i);
    out.set(predictProbabilities(model, cutPatches(logMel, startFrame, i, n), n, logMel.bands, PATCHES_PER_PASS), i * k);
  }
  return out;
}

const FRAMES_PER_SECOND = 100; // hop 10 ms

function isRecordingAnnotations(v: CycleSpan[] | RecordingAnnotations): v is RecordingAnnotations {
  return !Array.isArray(v) && typeof v === 'object' && Array.isArray(v.cycles) && typeof v.format === 'string';
}

/**
 * Each annotated cycle's label from the patches cut within it: the same cut as training and evaluation
 * (short cycles repeat their frames), aggregated by `method` (default: the model's).
 */
export function classifyCycles(loaded: LoadedModel, logMel: LogMel, cycles: readonly CycleSpan[], method: CycleAggregation = loaded.meta.cycleAggregation ?? 'mean'): CyclePrediction[] {
  const { model, meta } = loaded;
  const asCycles: Cycle[] = cycles.map((c, i) => ({
    startSeconds: c.startSeconds, endSeconds: c.endSeconds, crackles: false, wheezes: false, label: 'normal', line: i + 1,
  }));
  const cp = cyclePatches(logMel, asCycles);
  const cprobs = predictProbabilities(model, cp.data, cp.count, cp.bands);
  return cycles.map((c, ci) => {
    const rows = cp.cycleIndex.flatMap((idx, row) => (idx === ci ? [row] : []));
    const { label, probabilities } = aggregateCycle(cprobs, rows, meta.classes, method, meta.flagThresholds);
    return {
      startSeconds: c.startSeconds, endSeconds: c.endSeconds, ...(c.label ? { trueLabel: c.label } : {}),
      ...(c.annotatedAs ? { annotatedAs: c.annotatedAs } : {}), label, probabilities: probabilities.map(round4), patches: rows.length,
    };
  });
}

/**
 * Classifies one log-mel (computed with the model's feature parameters) and, optionally, its annotated
 * cycles: a list of spans, or a recording's annotations as `readRecordingAnnotations` returns them (then
 * the result also names the annotation file, for the views' cycle lane). `null` means none. A recording
 * a model should not be asked about (silent, clipped throughout, under 0.48 s: audioCheck.ts) is refused.
 */
export function classifyLogMel(
  loaded: LoadedModel, logMel: LogMel, annotated?: CycleSpan[] | RecordingAnnotations | null, aggregation?: CycleAggregation,
): Omit<RecordingPrediction, 'file' | 'durationSeconds' | 'sampleRate'> {
  checkModelInput(logMel);
  const method = aggregation ?? loaded.meta.cycleAggregation ?? 'mean';
  const found = annotated && isRecordingAnnotations(annotated) ? annotated : null;
  const cycles = found ? found.cycles : (annotated as CycleSpan[] | null | undefined) ?? undefined;
  const { model, meta } = loaded;
  const k = meta.classes.length;
  const whole = patchLayout(logMel.frames);
  const probs = logMelProbabilities(model, logMel, whole.startFrame);
  const patches: PatchPrediction[] = whole.startFrame.map((s, i) => {
    const p = Array.from(probs.subarray(i * k, (i + 1) * k), round4);
    return {
      startSeconds: round4(s / FRAMES_PER_SECOND), endSeconds: round4((s + PATCH_FRAMES) / FRAMES_PER_SECOND),
      padded: whole.padded[i], label: meta.classes[argmax(p)], probabilities: p,
    };
  });
  const mean = recordingProbabilities(probs, k);
  const result: Omit<RecordingPrediction, 'file' | 'durationSeconds' | 'sampleRate'> = {
    model: meta.name, classes: meta.classes, label: meta.classes[argmax(mean)], probabilities: mean.map(round4), patches,
  };
  if (cycles) {
    result.cycleAggregation = method;
    if (found) {
      result.annotationSource = {
        fileName: basename(found.path), format: found.format, cycleAggregation: method,
        ...(found.recordLabel ? { recordLabel: found.recordLabel } : {}),
      };
    }
    result.cycles = classifyCycles(loaded, logMel, cycles, method);
  }
  return result;
}
