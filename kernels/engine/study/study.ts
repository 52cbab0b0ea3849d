/**
 * The seed's experiment end to end (seed-paper.txt): train on full-band features (100–2000 Hz, 64 bands),
 * measure Grad-CAM attention by band over the test set, show how little the band above the cutoff gets and
 * how often it is blank, cut the features at the cutoff, retrain with the same seed and recipe, and
 * compare accuracy / ICBHI score and attention before and after.
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { readDataset } from '../data/dataset';
import { trainOnDataset } from '../model/trainDataset';
import type { ModelMetadata } from '../model/modelIO';
import { CLASSES, convLayerNames } from '../model/model';
import { melAxes, resolveFeatureParams } from '../audio/melFilter';
import { SEED_PARAMS, type FeatureParams } from '../types';
import { studySet, type StudySet } from './data';
import { evaluateCycles, type StudyEvaluation } from './evaluate';
import { attentionShare, bandAttention, type BandAttention } from './attention';
import { localiseRecordings, type DatasetLocalisation } from '../cam/localiseDataset';

export interface StudyOptions {
  cutoffHz?: number;
  seed?: number;
  epochs?: number;
  /** Share of training patients held out for model selection (default 0.2). */
  validationFraction?: number;
  /** Epochs without a better validation score before stopping (default 6). */
  patience?: number;
  onProgress?: (message: string) => void;
  signal?: AbortSignal;
}

export interface StudyArm {
  name: 'full-band' | 'cut';
  params: FeatureParams;
  bands: number;
  bandCentersHz: number[];
  train: { recordings: number; validationRecordings: number; epochsRun: number; bestEpoch: number; seconds: number; msPerSamplePerEpoch: number };
  test: StudyEvaluation;
  attention: BandAttention;
  /** Grad-CAM against the ground-truth events of the test recordings (when they have events.json). */
  localisation: DatasetLocalisation | null;
  model: tf.LayersModel;
  /** The model folder metadata (saved with the report). */
  meta: ModelMetadata;
}

export interface StudyResult {
  dataset: { dir: string; corpus: string | null; recordings: number; trainRecordings: number; validationRecordings: number; testRecordings: number; split: string };
  seed: number;
  epochs: number;
  cutoffHz: number;
  /** Test recordings whose band above the cutoff is blank (mean log-mel within 1 of the ln(0.01) floor). */
  blankAboveCutoff: { recordings: number; of: number };
  full: StudyArm;
  cut: StudyArm;
  /** Attention shares (full-band model) above the cutoff vs the share of bands there. */
  aboveCutoff: { attentionShare: number; areaShare: number };
  /** Share of attention in the lower half of the full-band spectrogram (band centres ≤ lowerHalfHz), before and after. */
  lowerHalf: { hz: number; before: number; after: number };
  seconds: number;
  testSetForFigures: StudySet[];
}

const FLOOR = Math.log(0.01);

/** How a synthetic corpus was made (from its synth.json), so the report says how to recreate it. */
function corpusDescription(dir: string): string | null {
  try {
    const doc = JSON.parse(readFileSync(path.join(dir, 'synth.json'), 'utf8')) as { options?: Record<string, unknown>; generator?: string };
    const o = doc.options ?? {};
    const flags = Object.entries(o).map(([k, v]) => `--${k} ${Array.isArray(v) ? v.join(',') : v}`).join(' ');
    return `${doc.generator ?? 'lungcam synth'}: \`lungcam synth DIR ${flags}\``;
  } catch {
    return null;
  }
}

export async function runStudy(dir: string, opts: StudyOptions = {}): Promise<StudyResult> {
  const t0 = performance.now();
  const seed = opts.seed ?? 1;
  const epochs = opts.epochs ?? 12;
  const cutoffHz = opts.cutoffHz ?? 1500;
  const say = opts.onProgress ?? (() => undefined);
  // The same reader and split as the model's own training (trainOnDataset): the test recordings match.
  const dataset = readDataset(dir, { seed });
  const testRecs = dataset.split.test;
  const fullParams = resolveFeatureParams({ ...SEED_PARAMS });
  const cutParams = resolveFeatureParams({ ...SEED_PARAMS, bandCutoffHz: cutoffHz });

  const arm = async (name: 'full-band' | 'cut', params: FeatureParams): Promise<[StudyArm, StudySet]> => {
    say(`${name}: features (${params.fmin}–${params.fmax} Hz, ${params.bands} bands${params.bandCutoffHz ? `, cut above ${params.bandCutoffHz} Hz` : ''})`);
    const t = performance.now();
    // The model engineer's recipe (trainOnDataset: patient-wise validation, early stopping, cycle-level test).
    const trained = await trainOnDataset(dir, {
      featureParams: params, epochs, seed, patience: opts.patience, validationFraction: opts.validationFraction, signal: opts.signal,
      log: (line) => say(`${name}: ${line}`),
      onEpoch: (e) => say(`${name}: epoch ${e.epoch} loss ${e.trainLoss.toFixed(3)}${e.val ? ` val ICBHI ${((e.val.icbhiScore ?? 0) * 100).toFixed(1)}` : ''}`),
    });
    const seconds = (performance.now() - t) / 1000;
    const model = trained.result.model;
    const test = await studySet(testRecs, params);
    const evaluation: StudyEvaluation = {
      cycles: trained.test?.metrics ?? evaluateCycles(model, test, [...CLASSES]).cycles,
      patches: evaluateCycles(model, test, [...CLASSES]).patches,
    };
    const layers = convLayerNames(model);
    const axes = melAxes(params, 0);
    say(`${name}: test ICBHI ${((evaluation.cycles.icbhiScore ?? 0) * 100).toFixed(1)}; Grad-CAM over ${test.count} test patches`);
    const attention = await bandAttention(model, test, layers[layers.length - 1], [...CLASSES], axes.bandCentersHz, opts.signal);
    const withEvents = testRecs.filter((r) => r.eventsPath);
    const localisation = withEvents.length
      ? await localiseRecordings({ model, id: name, classes: [...CLASSES], convLayers: layers }, withEvents, params)
      : null;
    return [{
      name, params, bands: test.bands, bandCentersHz: axes.bandCentersHz,
      train: {
        recordings: Number((trained.loaded.meta.data.recordings as { train: number }).train), validationRecordings: Number((trained.loaded.meta.data.recordings as { validation: number }).validation),
        epochsRun: trained.result.history.length, bestEpoch: trained.result.bestEpoch, seconds, msPerSamplePerEpoch: trained.result.msPerSamplePerEpoch,
      },
      test: evaluation, attention, localisation, model, meta: trained.loaded.meta,
    }, test];
  };

  const [full, fullTest] = await arm('full-band', fullParams);
  const [cut, cutTest] = await arm('cut', cutParams);

  // Blank high band: mean log-mel over the bands above the cutoff close to the floor.
  const above = full.bandCentersHz.map((hz) => hz > cutoffHz);
  const blank = fullTest.logMels.filter((lm) => {
    let s = 0;
    let n = 0;
    for (let f = 0; f < lm.frames; f++) for (let b = 0; b < lm.bands; b++) if (above[b]) { s += lm.data[f * lm.bands + b]; n++; }
    return n > 0 && s / n < FLOOR + 1;
  }).length;
  const lowerHalfHz = full.bandCentersHz[Math.floor(full.bands / 2) - 1];
  return {
    dataset: {
      dir, corpus: corpusDescription(dir), recordings: dataset.recordings.length, trainRecordings: full.train.recordings, validationRecordings: full.train.validationRecordings,
      testRecordings: testRecs.length, split: dataset.split.source,
    },
    seed, epochs, cutoffHz,
    blankAboveCutoff: { recordings: blank, of: fullTest.logMels.length },
    full, cut,
    aboveCutoff: {
      attentionShare: attentionShare(full.attention, cutoffHz + 1e-9, Infinity),
      areaShare: above.filter(Boolean).length / above.length,
    },
    lowerHalf: { hz: lowerHalfHz, before: attentionShare(full.attention, 0, lowerHalfHz), after: attentionShare(cut.attention, 0, lowerHalfHz) },
    seconds: (performance.now() - t0) / 1000,
    testSetForFigures: [fullTest, cutTest],
  };
}
