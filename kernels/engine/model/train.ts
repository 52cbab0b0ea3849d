/**
 * Training the LungCAM CNN on labelled log-mel patches: Adam, class-weighted softmax cross-entropy,
 * audio-respecting augmentation, validation each epoch, early stopping that keeps the best weights.
 * Reproducible for a seed on one backend: seeded initialisers, seeded shuffling and augmentation, and
 * deterministic kernels (single-threaded XNNPACK on wasm).
 */
import * as tf from '@tensorflow/tfjs';
import { PATCH_FRAMES } from '../types';
import { AugmentOptions, DEFAULT_AUGMENT, augmentPatch, makeRandom } from './augment';
import { calibrateFlagThresholds, cycleFlagScores, flagLabel, type FlagThresholds } from './calibrate';
import { argmax, meanRows } from './classify';
import { classificationMetrics, type ClassificationMetrics } from './metrics';
import { CLASSES, buildModel, type ModelOptions } from './model';

/** Labelled patches: x is [count, 96, bands] row-major; labels are class indices (0 = normal). */
export interface PatchSet {
  x: Float32Array;
  count: number;
  bands: number;
  labels: Int32Array;
  /** Optional group per patch (its cycle): validation is then scored per group, as ICBHI scores cycles. */
  cycleId?: Int32Array;
  /**
   * Optional database (or other stratum) per patch, with cycleId: validation then scores each stratum on
   * its own and selects by their mean ICBHI score, so a small database weighs as much as a large one.
   */
  stratum?: Int32Array;
}

export interface EpochInfo {
  epoch: number;
  trainLoss: number;
  valLoss: number | null;
  /** Validation metrics: per cycle (mean patch probability) when the set has cycleId, else per patch. */
  val: ClassificationMetrics | null;
  /** With validation strata: each stratum's metrics and the mean score used for selection. */
  valByStratum?: ClassificationMetrics[];
  valSelection?: number | null;
  seconds: number;
  improved: boolean;
}

export interface TrainOptions {
  epochs?: number;
  batchSize?: number;
  seed?: number;
  /** Stop after this many epochs without a better validation ICBHI score (0: never stop early). */
  patience?: number;
  learningRate?: number;
  /** Weight classes by inverse frequency (balanced). Default true. */
  classWeighting?: boolean;
  /**
   * 'shuffle' (default): every patch once per epoch. 'balanced': as many draws per epoch, each class equally
   * likely (patches drawn with replacement within their class); class weights then stay at 1.
   */
  sampling?: 'shuffle' | 'balanced';
  /** Mixup: each patch mixed with another of its batch, λ ~ Beta(α, α), labels mixed alike (0: off). */
  mixupAlpha?: number;
  /** false disables augmentation. */
  augment?: AugmentOptions | false;
  model?: ModelOptions;
  /** How validation turns patch probabilities into a cycle label (with cycleId): see classify.ts. */
  aggregation?: 'mean' | 'max-flags';
  /** Called after every batch (progress bars) and epoch. */
  onBatch?: (info: { epoch: number; batch: number; batches: number; loss: number }) => void;
  onEpoch?: (info: EpochInfo) => void;
  signal?: AbortSignal;
  /** Wall-clock budget: no new epoch starts after this many seconds (the best weights are kept). */
  maxSeconds?: number;
  /** Checked after each epoch: true ends training there, keeping the best weights (e.g. Ctrl-C). */
  shouldStop?: () => boolean;
}

export interface TrainResult {
  model: tf.LayersModel;
  history: EpochInfo[];
  bestEpoch: number;
  /** Validation metrics of the kept (best) weights, patch level. */
  bestVal: ClassificationMetrics | null;
  classWeights: number[];
  msPerSamplePerEpoch: number;
  stoppedEarly: boolean;
  /** 'max-flags' thresholds calibrated on the validation cycles at the kept epoch. */
  flagThresholds?: FlagThresholds;
}

/** Balanced class weights: n / (k · n_c), 0 for absent classes. */
export function classWeightsFor(labels: Int32Array, k = CLASSES.length): number[] {
  const counts = new Array<number>(k).fill(0);
  for (const l of labels) counts[l]++;
  const present = counts.filter((c) => c > 0).length;
  return counts.map((c) => (c > 0 ? labels.length / (present * c) : 0));
}

/** A copy of the patches with indices `idx` (and augmented when `augment` is given). */
function gatherBatch(set: PatchSet, idx: ArrayLike<number>, augment: AugmentOptions | false, rand: () => number): Float32Array {
  const size = PATCH_FRAMES * set.bands;
  const out = new Float32Array(idx.length * size);
  for (let i = 0; i < idx.length; i++) {
    const view = out.subarray(i * size, (i + 1) * size);
    view.set(set.x.subarray(idx[i] * size, (idx[i] + 1) * size));
    if (augment) augmentPatch(view, set.bands, rand, augment);
  }
  return out;
}

/** Logits for many patches, in batches (no training-mode layers). */
export function predictLogits(model: tf.LayersModel, x: Float32Array, count: number, bands: number, batchSize = 64): Float32Array {
  const k = (model.outputs[0].shape[1] as number) ?? CLASSES.length;
  const out = new Float32Array(count * k);
  const size = PATCH_FRAMES * bands;
  for (let start = 0; start < count; start += batchSize) {
    const n = Math.min(batchSize, count - start);
    const logits = tf.tidy(() => {
      const input = tf.tensor4d(x.subarray(start * size, (start + n) * size), [n, PATCH_FRAMES, bands, 1]);
      return model.predict(input) as tf.Tensor;
    });
    out.set(logits.dataSync() as Float32Array, start * k);
    logits.dispose();
  }
  return out;
}

function argmaxRows(values: Float32Array, k: number): Int32Array {
  const rows = values.length / k;
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (values[r * k + c] > values[r * k + best]) best = c;
    out[r] = best;
  }
  return out;
}

/** Row-wise softmax of [rows, k] logits. */
function softmaxRows(logits: Float32Array, k: number): Float32Array {
  const probs = new Float32Array(logits.length);
  for (let r = 0; r < logits.length / k; r++) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, logits[r * k + c]);
    let z = 0;
    for (let c = 0; c < k; c++) z += (probs[r * k + c] = Math.exp(logits[r * k + c] - max));
    for (let c = 0; c < k; c++) probs[r * k + c] /= z;
  }
  return probs;
}

/** Mean weighted cross-entropy of logits against labels (validation loss, computed in JS). */
function crossEntropy(logits: Float32Array, labels: Int32Array, weights: number[], k: number): number {
  let total = 0;
  let wsum = 0;
  for (let r = 0; r < labels.length; r++) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, logits[r * k + c]);
    let z = 0;
    for (let c = 0; c < k; c++) z += Math.exp(logits[r * k + c] - max);
    const w = weights[labels[r]] || 1;
    total += w * (Math.log(z) + max - logits[r * k + labels[r]]);
    wsum += w;
  }
  return wsum > 0 ? total / wsum : 0;
}

/** Evaluation of a patch set (see evaluatePatches). */
export interface PatchSetEvaluation {
  /** Cycle-level metrics over every cycle (patch level without cycleId). */
  metrics: ClassificationMetrics;
  loss: number;
  thresholds?: FlagThresholds;
  /** With strata: each stratum's cycle-level metrics, and the mean of their ICBHI scores (model selection). */
  byStratum?: ClassificationMetrics[];
  selectionScore: number | null;
}

/** Mean ICBHI score over strata (those with a score). */
function meanScore(ms: ClassificationMetrics[]): number | null {
  const scores = ms.map((m) => m.icbhiScore).filter((v): v is number => v !== null);
  return scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : null;
}

/** Evaluates a model on a patch set: cycle-level (or patch-level) metrics and weighted loss. */
export function evaluatePatches(
  model: tf.LayersModel, set: PatchSet, weights?: number[], aggregation: 'mean' | 'max-flags' = 'mean',
): PatchSetEvaluation {
  const k = CLASSES.length;
  const logits = predictLogits(model, set.x, set.count, set.bands);
  const loss = crossEntropy(logits, set.labels, weights ?? new Array(k).fill(1), k);
  if (!set.cycleId) {
    const metrics = classificationMetrics(set.labels, argmaxRows(logits, k));
    return { metrics, loss, selectionScore: metrics.icbhiScore };
  }
  // Per cycle: mean softmax of its patches ('mean'), or crackle/wheeze flags from the most telling patch,
  // with thresholds calibrated on these cycles ('max-flags').
  const probs = softmaxRows(logits, k);
  const rowsByCycle = new Map<number, number[]>();
  for (let r = 0; r < set.count; r++) {
    const rows = rowsByCycle.get(set.cycleId[r]) ?? [];
    rows.push(r);
    rowsByCycle.set(set.cycleId[r], rows);
  }
  const groups = [...rowsByCycle.values()];
  const truth = groups.map((rows) => set.labels[rows[0]]);
  const strata = set.stratum ? groups.map((rows) => set.stratum![rows[0]]) : null;
  const byStratum = (predicted: number[]) => {
    if (!strata) return undefined;
    return [...new Set(strata)].sort((a, b) => a - b).map((s) => {
      const idx = strata.flatMap((v, i) => (v === s ? [i] : []));
      return classificationMetrics(idx.map((i) => truth[i]), idx.map((i) => predicted[i]));
    });
  };
  if (aggregation === 'max-flags' && k === 4) {
    const { thresholds, metrics } = calibrateFlagThresholds(groups.map((rows) => cycleFlagScores(probs, rows)), truth, strata ?? undefined);
    const scores = groups.map((rows) => cycleFlagScores(probs, rows));
    const strataMetrics = byStratum(scores.map((sc) => flagLabel(sc, thresholds)));
    return { metrics, loss, thresholds, byStratum: strataMetrics, selectionScore: strataMetrics ? meanScore(strataMetrics) : metrics.icbhiScore };
  }
  const predicted = groups.map((rows) => argmax(meanRows(probs, rows, k)));
  const metrics = classificationMetrics(truth, predicted);
  const strataMetrics = byStratum(predicted);
  return { metrics, loss, byStratum: strataMetrics, selectionScore: strataMetrics ? meanScore(strataMetrics) : metrics.icbhiScore };
}

/** Beta(α, α) from two gamma draws (Marsaglia–Tsang; α < 1 boosted by U^(1/α)). */
function betaSample(alpha: number, rand: () => number): number {
  const gamma = (a: number): number => {
    if (a < 1) return gamma(a + 1) * Math.pow(Math.max(rand(), 1e-12), 1 / a);
    const d = a - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        const u1 = Math.max(rand(), 1e-12);
        x = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * rand());
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = rand();
      if (Math.log(Math.max(u, 1e-12)) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
    }
  };
  const a = gamma(alpha);
  const b = gamma(alpha);
  return a / (a + b);
}

/** The epoch's patch order: a shuffle, or class-balanced draws with replacement. */
function epochOrder(labels: Int32Array, sampling: 'shuffle' | 'balanced', rand: () => number, order: Int32Array): Int32Array {
  if (sampling === 'balanced') {
    const byClass: number[][] = CLASSES.map(() => []);
    labels.forEach((l, i) => byClass[l].push(i));
    const present = byClass.filter((ix) => ix.length > 0);
    return Int32Array.from({ length: labels.length }, () => {
      const ix = present[Math.floor(rand() * present.length)];
      return ix[Math.floor(rand() * ix.length)];
    });
  }
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/**
 * Mixes each patch of a batch with another of the same batch (a seeded permutation): x ← λx + (1−λ)x',
 * targets and sample weights alike. Returns soft targets [n, k].
 */
function mixBatch(xb: Float32Array, yb: Int32Array, w: number[], alpha: number, rand: () => number, size: number, k: number): { targets: Float32Array; weights: Float32Array } {
  const n = yb.length;
  const targets = new Float32Array(n * k);
  const weights = new Float32Array(n);
  const partner = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [partner[i], partner[j]] = [partner[j], partner[i]];
  }
  const original = xb.slice();
  for (let i = 0; i < n; i++) {
    const j = partner[i];
    const lambda = betaSample(alpha, rand);
    for (let e = 0; e < size; e++) xb[i * size + e] = lambda * original[i * size + e] + (1 - lambda) * original[j * size + e];
    targets[i * k + yb[i]] += lambda;
    targets[i * k + yb[j]] += 1 - lambda;
    weights[i] = lambda * (w[yb[i]] || 1) + (1 - lambda) * (w[yb[j]] || 1);
  }
  return { targets, weights };
}

/** Trains a new model (or `opts.model`'s architecture) on `train`, validating on `val` each epoch. */
export async function trainOnPatches(train: PatchSet, val: PatchSet | null, opts: TrainOptions = {}): Promise<TrainResult> {
  if (train.count === 0) throw new Error('no training patches');
  const epochs = opts.epochs ?? 30;
  const batchSize = opts.batchSize ?? 32;
  const seed = opts.seed ?? 1;
  const patience = opts.patience ?? 6;
  const augment = opts.augment === undefined ? DEFAULT_AUGMENT : opts.augment;
  const k = CLASSES.length;
  const sampling = opts.sampling ?? 'shuffle';
  const mixupAlpha = opts.mixupAlpha ?? 0;
  const weights = opts.classWeighting === false || sampling === 'balanced' ? new Array<number>(k).fill(1) : classWeightsFor(train.labels, k);
  const rand = makeRandom(seed * 7919 + 17);
  const model = buildModel({ ...opts.model, seed: opts.model?.seed ?? seed });
  const optimizer = tf.train.adam(opts.learningRate ?? 1e-3);
  const weightTensor = tf.tensor1d(weights);
  const history: EpochInfo[] = [];
  let best: { score: number; loss: number; epoch: number; weights: tf.Tensor[]; val: ClassificationMetrics | null; thresholds?: FlagThresholds } | null = null;
  let sinceBest = 0;
  let trainedSamples = 0;
  let trainMs = 0;
  let stoppedEarly = false;
  const shuffled = Int32Array.from({ length: train.count }, (_, i) => i);
  const started = performance.now();
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      if (opts.signal?.aborted) throw new Error('training cancelled');
      const t0 = performance.now();
      const order = epochOrder(train.labels, sampling, rand, shuffled);
      const batches = Math.ceil(order.length / batchSize);
      let lossSum = 0;
      for (let b = 0; b < batches; b++) {
        const idx = order.subarray(b * batchSize, Math.min(order.length, (b + 1) * batchSize));
        const xb = gatherBatch(train, idx, augment, rand);
        const yb = Int32Array.from(idx, (i) => train.labels[i]);
        const mixed = mixupAlpha > 0 ? mixBatch(xb, yb, weights, mixupAlpha, rand, PATCH_FRAMES * train.bands, k) : null;
        const loss = tf.tidy(() => {
          const x = tf.tensor4d(xb, [idx.length, PATCH_FRAMES, train.bands, 1]);
          const y = tf.tensor1d(yb, 'int32');
          const onehot = mixed ? tf.tensor2d(mixed.targets, [idx.length, k]) : tf.oneHot(y, k);
          const w = mixed ? tf.tensor1d(mixed.weights) : tf.gather(weightTensor, y);
          return optimizer.minimize(() => {
            const logits = model.apply(x, { training: true }) as tf.Tensor2D;
            const ce = tf.losses.softmaxCrossEntropy(onehot, logits, undefined, undefined, tf.Reduction.NONE);
            return tf.div(tf.sum(tf.mul(ce, w)), tf.sum(w)) as tf.Scalar;
          }, true) as tf.Scalar;
        });
        const l = (await loss.data())[0];
        loss.dispose();
        lossSum += l * idx.length;
        opts.onBatch?.({ epoch, batch: b + 1, batches, loss: l });
        // Let the event loop breathe (progress output, cancellation) without slowing the loop.
        if (b % 8 === 7) await new Promise((r) => setImmediate(r));
      }
      trainMs += performance.now() - t0;
      trainedSamples += order.length;
      const trainLoss = lossSum / order.length;
      let valLoss: number | null = null;
      let valMetrics: ClassificationMetrics | null = null;
      let thresholds: FlagThresholds | undefined;
      let selection: number | null = null;
      let byStratum: ClassificationMetrics[] | undefined;
      if (val && val.count > 0) {
        const r = evaluatePatches(model, val, weights, opts.aggregation);
        valLoss = r.loss;
        valMetrics = r.metrics;
        thresholds = r.thresholds;
        selection = r.selectionScore;
        byStratum = r.byStratum;
      }
      // Model selection: validation ICBHI score (mean over strata when given), then validation loss;
      // training loss without validation.
      const score = selection ?? -trainLoss;
      const lossKey = valLoss ?? trainLoss;
      const improved = !best || score > best.score + 1e-9 || (Math.abs(score - best.score) <= 1e-9 && lossKey < best.loss);
      if (improved) {
        best?.weights.forEach((w) => w.dispose());
        best = { score, loss: lossKey, epoch, weights: model.getWeights().map((w) => w.clone()), val: valMetrics, thresholds };
        sinceBest = 0;
      } else sinceBest++;
      const info: EpochInfo = { epoch, trainLoss, valLoss, val: valMetrics, ...(byStratum ? { valByStratum: byStratum, valSelection: selection } : {}), seconds: (performance.now() - t0) / 1000, improved };
      history.push(info);
      opts.onEpoch?.(info);
      if (patience > 0 && sinceBest >= patience) {
        stoppedEarly = epoch < epochs;
        break;
      }
      const elapsed = (performance.now() - started) / 1000;
      const perEpoch = elapsed / epoch;
      if ((opts.maxSeconds !== undefined && elapsed + perEpoch > opts.maxSeconds) || opts.shouldStop?.()) {
        stoppedEarly = epoch < epochs;
        break;
      }
    }
    if (best) model.setWeights(best.weights);
  } finally {
    best?.weights.forEach((w) => w.dispose());
    weightTensor.dispose();
    optimizer.dispose();
  }
  return {
    model, history, bestEpoch: best?.epoch ?? 0, bestVal: best?.val ?? null, classWeights: weights,
    msPerSamplePerEpoch: trainedSamples > 0 ? trainMs / trainedSamples : 0, stoppedEarly,
    flagThresholds: best?.thresholds,
  };
}
