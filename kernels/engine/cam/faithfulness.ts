/**
 * Is the map faithful to the model? Deletion: remove the cells the map ranks highest first (set them to
 * silence) and watch the class probability fall — a faithful map makes it fall fast (low AUC). Insertion:
 * start from silence and put back the highest-ranked cells first — it should rise fast (high AUC).
 * Each is compared with two baselines that know nothing about the model: a random order and an energy order
 * (loudest log-mel cells first), so "better than loudness" is visible.
 */
import * as tf from '@tensorflow/tfjs';
import { softmaxRows, type PatchBatch } from './cam';
import { SILENCE_LOG_MEL } from '../audio/logMel';
import { makeRandom } from '../model/augment';

export type Ordering = 'cam' | 'random' | 'energy';
export const ORDERINGS: Ordering[] = ['cam', 'random', 'energy'];

export interface Curve {
  /** Fraction of cells deleted (or inserted), 0..1. */
  fractions: number[];
  /** Mean class probability over patches at each fraction. */
  probability: number[];
  /** Area under the curve (trapezoid over the fraction). */
  auc: number;
}

export interface FaithfulnessResult {
  classIndices: number[];
  patches: number;
  steps: number;
  deletion: Record<Ordering, Curve>;
  insertion: Record<Ordering, Curve>;
}

export interface FaithfulnessOptions {
  /** Points on each curve after 0 (default 20: 5 % of the cells per step). */
  steps?: number;
  /** The value a deleted cell takes (default silence, ln(0.01)). */
  baseline?: number;
  seed?: number;
  batchSize?: number;
  signal?: AbortSignal;
}

/** Area under y(x) by trapezoids. */
export function trapezoidAuc(x: number[], y: number[]): number {
  let s = 0;
  for (let i = 1; i < x.length; i++) s += ((x[i] - x[i - 1]) * (y[i] + y[i - 1])) / 2;
  return s;
}


/** Cell indices, highest score first. */
export function rankCells(scores: ArrayLike<number>): Uint32Array {
  const idx = Uint32Array.from({ length: scores.length }, (_, i) => i);
  return idx.sort((a, b) => scores[b] - scores[a] || a - b);
}

function shuffled(n: number, next: () => number): Uint32Array {
  const idx = Uint32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx;
}

/**
 * Deletion and insertion curves for each patch's class (`classIndices[p]`, e.g. the predicted class), with
 * `saliency` [patches, frames, bands] the map at the patch size.
 */
export async function faithfulness(
  model: tf.LayersModel,
  patches: PatchBatch,
  saliency: Float32Array,
  classIndices: number[],
  options: FaithfulnessOptions = {},
): Promise<FaithfulnessResult> {
  const steps = options.steps ?? 20;
  const baseline = options.baseline ?? SILENCE_LOG_MEL;
  const batchSize = options.batchSize ?? 64;
  const next = makeRandom(options.seed ?? 0);
  const size = patches.frames * patches.bands;
  const classes = (model.outputs[0].shape as number[])[1];
  const fractions = Array.from({ length: steps + 1 }, (_, s) => s / steps);
  const sums = { deletion: {} as Record<Ordering, number[]>, insertion: {} as Record<Ordering, number[]> };
  for (const o of ORDERINGS) {
    sums.deletion[o] = new Array(steps + 1).fill(0);
    sums.insertion[o] = new Array(steps + 1).fill(0);
  }

  for (let p = 0; p < patches.count; p++) {
    if (options.signal?.aborted) throw Object.assign(new Error('faithfulness was cancelled'), { name: 'AbortError' });
    const x = patches.data.subarray(p * size, (p + 1) * size);
    const orders: Record<Ordering, Uint32Array> = {
      cam: rankCells(saliency.subarray(p * size, (p + 1) * size)),
      random: shuffled(size, next),
      energy: rankCells(x),
    };
    // Inputs: for each ordering, deletion then insertion, steps + 1 each.
    const inputs = new Float32Array(ORDERINGS.length * 2 * (steps + 1) * size);
    let row = 0;
    for (const o of ORDERINGS) {
      for (const mode of ['deletion', 'insertion'] as const) {
        for (let s = 0; s <= steps; s++) {
          const k = Math.round(fractions[s] * size);
          const out = inputs.subarray(row * size, (row + 1) * size);
          if (mode === 'deletion') {
            out.set(x);
            for (let i = 0; i < k; i++) out[orders[o][i]] = baseline;
          } else {
            out.fill(baseline);
            for (let i = 0; i < k; i++) out[orders[o][i]] = x[orders[o][i]];
          }
          row++;
        }
      }
    }
    const logits = new Float32Array(row * classes);
    for (let s = 0; s < row; s += batchSize) {
      const n = Math.min(batchSize, row - s);
      const y = tf.tidy(() => model.predict(tf.tensor4d(inputs.subarray(s * size, (s + n) * size), [n, patches.frames, patches.bands, 1])) as tf.Tensor);
      logits.set(y.dataSync(), s * classes);
      y.dispose();
    }
    const probs = softmaxRows(logits, classes);
    row = 0;
    for (const o of ORDERINGS) {
      for (const mode of ['deletion', 'insertion'] as const) {
        for (let s = 0; s <= steps; s++) sums[mode][o][s] += probs[row++ * classes + classIndices[p]];
      }
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  const curve = (ys: number[]): Curve => {
    const probability = ys.map((v) => v / Math.max(1, patches.count));
    return { fractions, probability, auc: trapezoidAuc(fractions, probability) };
  };
  const pick = (mode: 'deletion' | 'insertion') =>
    Object.fromEntries(ORDERINGS.map((o) => [o, curve(sums[mode][o])])) as Record<Ordering, Curve>;
  return { classIndices, patches: patches.count, steps, deletion: pick('deletion'), insertion: pick('insertion') };
}
