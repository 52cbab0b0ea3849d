/**
 * Training on an ICBHI-layout dataset folder, end to end: read + split (official_split.txt or a seeded
 * patient-wise split), log-mel patches within cycles, a patient-wise validation set carved from the
 * training set, training with early stopping, cycle-level evaluation on the test set, and (optionally)
 * saving the model with its metadata. The CLI's `train` and the band-cutoff study both use this.
 */
import * as path from 'node:path';
import { readDataset, skipSummary } from '../data/dataset';
import { splitByPatient } from '../data/split';
import { resolveFeatureParams } from '../audio/melFilter';
import { LungcamInputError } from '../errors';
import type { FeatureParams } from '../types';
import { backendName } from './backend';
import { recordingPatches, evaluateRecordings, type DatasetEvaluation } from './dataset';
import { CLASSES, DEFAULT_FILTERS, convLayerNames } from './model';
import { MODEL_FORMAT, saveModel, type LoadedModel, type ModelMetadata } from './modelIO';
import { trainOnPatches, type TrainOptions, type TrainResult } from './train';

export interface TrainDatasetOptions extends TrainOptions {
  featureParams?: Partial<FeatureParams>;
  /** A split file (`NAME-or-PATIENT<tab>train|test`) instead of the folder's own or a seeded split. */
  splitFile?: string;
  /** Share of the training patients held out for validation (default 0.2). */
  validationFraction?: number;
  /** Patch hop inside cycles for the training set, frames (default 48: half-overlapping). */
  trainHopFrames?: number;
  /** Training patch labels: from the cycle annotations (default) or from NAME.events.json ground truth. */
  labels?: 'cycles' | 'events';
  /** Saved into metadata.training.command. */
  command?: string;
  /** Lines for the user (reading, sizes, results). */
  log?: (line: string) => void;
}

export interface TrainDatasetResult {
  loaded: LoadedModel;
  result: TrainResult;
  test: DatasetEvaluation | null;
}

const count = <T>(xs: readonly T[], f: (x: T) => number) => xs.reduce((a, x) => a + f(x), 0);

/** Trains on the dataset in `dir`; saves to `outDir` when given. */
export async function trainOnDataset(dir: string, opts: TrainDatasetOptions = {}, outDir?: string): Promise<TrainDatasetResult> {
  const log = opts.log ?? (() => undefined);
  const seed = opts.seed ?? 1;
  const params = resolveFeatureParams(opts.featureParams);
  const started = performance.now();
  const dataset = readDataset(dir, { seed, splitFile: opts.splitFile });
  for (const w of dataset.warnings) log(`warning: ${w}`);
  if (dataset.skipped.length) log(`skipped ${dataset.skipped.length} recordings (${skipSummary(dataset.skipped)})`);
  const { train: trainAll, test } = dataset.split;
  if (count(trainAll, (r) => r.cycles.length) === 0) throw new LungcamInputError('no annotated cycles in the training set', dir);
  const { train, test: val } = splitByPatient(trainAll, seed + 1, opts.validationFraction ?? 0.2);
  log(`dataset ${dir}: ${dataset.recordings.length} recordings (${dataset.split.source} split) → train ${train.length}, validation ${val.length}, test ${test.length} recordings`);
  const labels = opts.labels ?? 'cycles';
  if (labels === 'events' && !train.some((r) => r.eventsPath)) {
    throw new LungcamInputError('--labels events needs NAME.events.json ground truth (a corpus made by `lungcam synth`)', dir);
  }
  const aggregation = opts.aggregation ?? (labels === 'events' ? 'max-flags' : 'mean');
  const trainPatches = await recordingPatches(train, params, { hopFrames: opts.trainHopFrames ?? 48, labels });
  const valPatches = await recordingPatches(val, params);
  const classCounts = (labels: Int32Array) => CLASSES.map((_, c) => labels.filter((l) => l === c).length);
  log(`patches (96 frames × ${trainPatches.bands} bands): train ${trainPatches.count} [${classCounts(trainPatches.labels).join('/')}], validation ${valPatches.count} [${classCounts(valPatches.labels).join('/')}] (normal/crackle/wheeze/both)`);

  const result = await trainOnPatches(trainPatches, valPatches.count > 0 ? valPatches : null, { ...opts, aggregation });
  const filters = opts.model?.filters ?? DEFAULT_FILTERS;
  const meta: ModelMetadata = {
    format: MODEL_FORMAT,
    name: outDir ? path.basename(path.resolve(outDir)) : 'unsaved',
    classes: [...CLASSES],
    featureParams: params,
    inputBands: trainPatches.bands,
    convLayers: convLayerNames(result.model),
    architecture: { filters, batchNorm: opts.model?.batchNorm ?? false, inputNorm: opts.model?.inputNorm ?? true },
    training: {
      command: opts.command ?? '',
      seed,
      epochs: opts.epochs ?? 30,
      epochsRun: result.history.length,
      bestEpoch: result.bestEpoch,
      batchSize: opts.batchSize ?? 32,
      patience: opts.patience ?? 6,
      learningRate: opts.learningRate ?? 1e-3,
      augment: opts.augment !== false,
      ...(opts.augment && opts.augment.deviceEqProbability ? { deviceEqProbability: opts.augment.deviceEqProbability } : {}),
      classWeights: result.classWeights.map((w) => Math.round(w * 1e4) / 1e4),
      msPerSamplePerEpoch: Math.round(result.msPerSamplePerEpoch * 100) / 100,
      seconds: 0,
    },
    data: {
      dir: path.resolve(dir),
      split: dataset.split.source,
      splitSeed: dataset.split.seed,
      ...(dataset.split.file ? { splitFile: path.resolve(dataset.split.file) } : {}),
      skipped: dataset.skipped.length,
      recordings: { train: train.length, validation: val.length, test: test.length },
      cycles: { train: count(train, (r) => r.cycles.length), validation: count(val, (r) => r.cycles.length), test: count(test, (r) => r.cycles.length) },
      trainPatchesPerClass: Object.fromEntries(CLASSES.map((c, i) => [c, classCounts(trainPatches.labels)[i]])),
      trainHopFrames: opts.trainHopFrames ?? 48,
      trainLabels: labels,
    },
    metrics: { validation: result.bestVal },
    backend: backendName(),
    created: new Date().toISOString(),
    cycleAggregation: aggregation,
    ...(aggregation === 'max-flags' && result.flagThresholds ? { flagThresholds: result.flagThresholds } : {}),
  };
  const loaded: LoadedModel = { model: result.model, meta, dir: outDir ?? '' };
  let testEval: DatasetEvaluation | null = null;
  if (count(test, (r) => r.cycles.length) > 0) {
    testEval = await evaluateRecordings(loaded, test);
    meta.metrics.test = testEval.metrics;
  }
  meta.training.seconds = Math.round((performance.now() - started) / 100) / 10;
  if (outDir) await saveModel(outDir, result.model, meta);
  return { loaded, result, test: testEval };
}
