/**
 * The band-cutoff sweep: the seed's experiment over a ladder of cutoffs and several training seeds. For
 * every seed, a full-band model and one model retrained at each cutoff (the same recipe), all evaluated
 * on the test patients (each database scored on its own: ICBHI cycles, SPRSound events), with their
 * Grad-CAM attention by band; and the masking what-if of the full-band model at every cutoff (bands above
 * it replaced by the floor, the band mean or noise) — to see whether masking predicts what retraining
 * gives. Figures are summarised over seeds (mean and 95 % t interval); the first seed's models form a
 * model family by cutoff.
 */
import * as tf from '@tensorflow/tfjs';
import { readDataset, type DatasetRecording } from '../data/dataset';
import { melAxes, resolveFeatureParams } from '../audio/melFilter';
import { SEED_PARAMS, PATCH_FRAMES } from '../types';
import { CLASSES, convLayerNames } from '../model/model';
import { classificationMetrics } from '../model/metrics';
import { evaluateRecordings, type DatasetEvaluation } from '../model/dataset';
import { maskBandsAbove, MASK_FILLS, type MaskFill } from '../cutoff/bandMask';
import type { ModelMetadata } from '../model/modelIO';
import { cyclePatches } from '../data/cycles';
import { attentionShare, bandAttention } from './attention';
import type { StudySet } from './data';
import { blankAbove, studyArm, type StudyArm, type StudyOptions, type StudyResult } from './study';
import { seedSummary, type SeedSummary } from './seedStats';
import { localiseInTime, type TimeLocalisation } from '../cam/timeLocalisation';

export interface SweepOptions extends Omit<StudyOptions, 'cutoffHz' | 'seed'> {
  /** The ladder, Hz (e.g. 1000, 1250, 1500, 1750). */
  cutoffs: number[];
  /** Training seeds (each trains every rung). */
  seeds: number[];
  /** The cutoff of the seed's Figures 3–4 (default 1500 when on the ladder, else the ladder's first). */
  primaryCutoffHz?: number;
  /** Fills of the masking what-if (default all three). */
  maskFills?: MaskFill[];
  /**
   * Train the rungs other than the full band and the primary cutoff with only the first this-many seeds
   * (default: all): the seed's comparison gets every seed, the ladder fewer, for less compute.
   */
  ladderSeeds?: number;
}

/** Se, Sp and ICBHI score of one set of scored units. */
export interface Scores {
  sensitivity: number | null;
  specificity: number | null;
  icbhiScore: number | null;
  count: number;
}

/** One model's (or one what-if's) figures on the test patients. */
export interface SweepFigures {
  seed: number;
  /** null: the full band. */
  cutoffHz: number | null;
  /** Mean of the databases' ICBHI scores (each database weighs the same). */
  score: number;
  overall: Scores;
  byDatabase: Record<string, Scores>;
  /** Share of Grad-CAM attention (last conv layer, predicted class) in the lower half of the full band. */
  lowerHalf: number;
  /** Share of attention above each threshold of the ladder. */
  above: Record<string, number>;
  byBand: number[];
}

export interface SweepRun extends SweepFigures {
  /** Grad-CAM in time against the annotated SPRSound events of the test patients (when there are some). */
  localisation: TimeLocalisation | null;
  bands: number;
  bestEpoch: number;
  epochsRun: number;
  seconds: number;
}

export interface MaskedRun extends SweepFigures {
  fill: MaskFill;
}

export interface RungSummary {
  cutoffHz: number | null;
  score: SeedSummary;
  byDatabase: Record<string, SeedSummary>;
  /** Paired over seeds: this rung's score minus the full band's. */
  delta: SeedSummary;
  lowerHalf: SeedSummary;
  above: Record<string, SeedSummary>;
  /** Time localisation on SPRSound test events (retrained models only): energy/time-share ratio and pointing game. */
  localisationRatio?: SeedSummary;
  pointingGame?: SeedSummary;
  /** Mean attention by band over seeds. */
  byBand: number[];
  bandCentersHz: number[];
}

export interface SweepResult {
  dataset: { dir: string; recordings: number; train: number; validation: number; test: number; split: string; splitFile: string | null; testPatients: Record<string, number> };
  seeds: number[];
  cutoffs: number[];
  primaryCutoffHz: number;
  lowerHalfHz: number;
  thresholdsHz: number[];
  fills: MaskFill[];
  runs: SweepRun[];
  masked: MaskedRun[];
  retrained: RungSummary[];
  /** Per fill, per cutoff. */
  maskedSummary: Record<string, RungSummary[]>;
  /**
   * How well each fill's what-if predicts retraining: mean over cutoffs of |masked Δ − retrained Δ| (score)
   * and of |masked − retrained| lower-half attention; the fill with the smallest score error is chosen.
   */
  fillAgreement: Record<string, { scoreError: number; attentionError: number }>;
  chosenFill: MaskFill;
  /** Per database: test recordings, and those whose band above each cutoff is blank. */
  blankAbove: Record<string, { of: number; byCutoff: Record<string, number> }>;
  /** The classic single-cutoff study of the first seed (full band and the primary cutoff), for its figures. */
  study: StudyResult;
  /** The first seed's models by cutoff (a family). */
  firstSeedModels: { cutoffHz: number | null; model: tf.LayersModel; meta: ModelMetadata }[];
  seconds: number;
}

function scoresOf(units: { trueLabel: string; label: string }[]): Scores {
  const idx = (l: string) => (CLASSES as readonly string[]).indexOf(l);
  const m = classificationMetrics(units.map((u) => idx(u.trueLabel)), units.map((u) => idx(u.label)));
  return { sensitivity: m.sensitivity, specificity: m.specificity, icbhiScore: m.icbhiScore, count: m.count };
}

function figuresOf(evaluation: DatasetEvaluation): Pick<SweepFigures, 'score' | 'overall' | 'byDatabase'> {
  const dbs = [...new Set(evaluation.cycles.map((c) => c.database))].sort();
  const byDatabase = Object.fromEntries(dbs.map((db) => [db, scoresOf(evaluation.cycles.filter((c) => c.database === db))]));
  const scores = Object.values(byDatabase).map((s) => s.icbhiScore ?? 0);
  return { score: scores.reduce((a, b) => a + b, 0) / Math.max(1, scores.length), overall: scoresOf(evaluation.cycles), byDatabase };
}

/**
 * The test patches with the bands above `bandCutoffHz` replaced as the product's what-if does it: each
 * recording's log-mel masked (its own band statistics), then cut into the same cycle patches again.
 */
function maskedSet(set: StudySet, recordings: readonly DatasetRecording[], bandCutoffHz: number, fill: MaskFill): StudySet {
  const x = new Float32Array(set.x.length);
  let offset = 0;
  set.logMels.forEach((lm, r) => {
    const masked = maskBandsAbove(lm, lm.axes.bandCentersHz, bandCutoffHz, fill, r);
    const cp = cyclePatches(masked, recordings[r].cycles);
    x.set(cp.data, offset);
    offset += cp.data.length;
  });
  if (offset !== x.length) throw new Error(`maskedSet: ${offset / (PATCH_FRAMES * set.bands)} masked patches for ${set.count} test patches`);
  return { ...set, x };
}

function summarise(runs: SweepFigures[], full: SweepFigures[], cutoffHz: number | null, thresholds: number[], bandCentersHz: number[]): RungSummary {
  const bySeed = new Map(full.map((f) => [f.seed, f.score]));
  const dbs = [...new Set(runs.flatMap((r) => Object.keys(r.byDatabase)))].sort();
  const bands = runs[0]?.byBand.length ?? 0;
  return {
    cutoffHz,
    score: seedSummary(runs.map((r) => r.score)),
    byDatabase: Object.fromEntries(dbs.map((db) => [db, seedSummary(runs.map((r) => r.byDatabase[db]?.icbhiScore ?? 0))])),
    delta: seedSummary(runs.map((r) => r.score - (bySeed.get(r.seed) ?? r.score))),
    lowerHalf: seedSummary(runs.map((r) => r.lowerHalf)),
    above: Object.fromEntries(thresholds.map((t) => [String(t), seedSummary(runs.map((r) => r.above[String(t)] ?? 0))])),
    ...(runs.every((r) => 'localisation' in r && r.localisation) ? {
      localisationRatio: seedSummary(runs.map((r) => (r as SweepRun).localisation!.meanRatio)),
      pointingGame: seedSummary(runs.map((r) => (r as SweepRun).localisation!.pointingGameRate)),
    } : {}),
    byBand: Array.from({ length: bands }, (_, b) => runs.reduce((a, r) => a + r.byBand[b], 0) / runs.length),
    bandCentersHz: bandCentersHz.slice(0, bands),
  };
}

export async function runSweep(dir: string, opts: SweepOptions): Promise<SweepResult> {
  const t0 = performance.now();
  const say = opts.onProgress ?? (() => undefined);
  const cutoffs = [...opts.cutoffs].sort((a, b) => a - b);
  const fills = opts.maskFills ?? [...MASK_FILLS];
  const primary = opts.primaryCutoffHz ?? (cutoffs.includes(1500) ? 1500 : cutoffs[0]);
  if (!cutoffs.includes(primary)) cutoffs.push(primary);
  cutoffs.sort((a, b) => a - b);
  const dataset = readDataset(dir, { seed: opts.seeds[0], splitFile: opts.splitFile });
  const testRecs: DatasetRecording[] = dataset.split.test;
  const fullParams = resolveFeatureParams({ ...SEED_PARAMS });
  const centres = melAxes(fullParams, 0).bandCentersHz;
  const lowerHalfHz = centres[Math.floor(centres.length / 2) - 1];
  const thresholds = cutoffs;
  const attentionFigures = (a: StudyArm['attention']) => ({
    lowerHalf: attentionShare(a, 0, lowerHalfHz),
    above: Object.fromEntries(thresholds.map((t) => [String(t), attentionShare(a, t + 1e-9, Infinity)])),
    byBand: a.byBand,
  });
  const runs: SweepRun[] = [];
  const masked: MaskedRun[] = [];
  const testSets = new Map<string, StudySet>();
  let study: StudyResult | null = null;
  const firstSeedModels: SweepResult['firstSeedModels'] = [];
  for (const [si, seed] of opts.seeds.entries()) {
    const armOpts = { ...opts, seed, onProgress: (m: string) => say(`seed ${seed}: ${m}`) };
    const [full, fullTest] = await studyArm(dir, 'full-band', fullParams, testRecs, armOpts, testSets.get('full'));
    testSets.set('full', fullTest);
    const timed = testRecs.filter((r) => r.database === 'sprsound');
    const run = async (arm: StudyArm, cutoffHz: number | null): Promise<SweepRun> => ({
      seed, cutoffHz, bands: arm.bands, bestEpoch: arm.train.bestEpoch, epochsRun: arm.train.epochsRun, seconds: arm.train.seconds,
      ...figuresOf(arm.test.recordings!), ...attentionFigures(arm.attention),
      localisation: timed.length ? await localiseInTime({ model: arm.model, id: arm.name, classes: [...CLASSES], convLayers: convLayerNames(arm.model) }, timed, arm.params) : null,
    });
    runs.push(await run(full, null));
    const loaded = { model: full.model, meta: full.meta, dir: '' };
    for (const c of cutoffs) {
      for (const fill of fills) {
        if (opts.signal?.aborted) throw new Error('study cancelled');
        const evaluation = await evaluateRecordings(loaded, testRecs, { transform: (mel, r) => maskBandsAbove(mel, mel.axes.bandCentersHz, c, fill, r) });
        const layers = convLayerNames(full.model);
        const attention = await bandAttention(full.model, maskedSet(fullTest, testRecs, c, fill), layers[layers.length - 1], [...CLASSES], centres, opts.signal);
        masked.push({ seed, cutoffHz: c, fill, ...figuresOf(evaluation), ...attentionFigures(attention) });
        say(`seed ${seed}: what-if at ${c} Hz (${fill}): score ${(100 * masked[masked.length - 1].score).toFixed(1)}`);
      }
    }
    let primaryArm: [StudyArm, StudySet] | null = null;
    for (const c of cutoffs) {
      if (c !== primary && opts.ladderSeeds !== undefined && si >= opts.ladderSeeds) continue;
      const params = resolveFeatureParams({ ...SEED_PARAMS, bandCutoffHz: c });
      const key = `cut${c}`;
      const [cut, cutTest] = await studyArm(dir, 'cut', params, testRecs, armOpts, testSets.get(key));
      testSets.set(key, cutTest);
      runs.push(await run(cut, c));
      if (c === primary) primaryArm = [cut, cutTest];
      // The first seed's models stay (its family and Figures 3–4); later seeds' go once measured.
      if (si === 0) firstSeedModels.push({ cutoffHz: c, model: cut.model, meta: cut.meta });
      else cut.model.dispose();
    }
    if (si === 0) {
      firstSeedModels.unshift({ cutoffHz: null, model: full.model, meta: full.meta });
      const [cut, cutTest] = primaryArm!;
      study = {
        dataset: { dir, corpus: null, recordings: dataset.recordings.length, trainRecordings: full.train.recordings, validationRecordings: full.train.validationRecordings, testRecordings: testRecs.length, split: dataset.split.source },
        seed, epochs: opts.epochs ?? opts.recipe?.epochs ?? 12, cutoffHz: primary,
        blankAboveCutoff: { recordings: blankAbove(fullTest.logMels, centres, primary), of: fullTest.logMels.length },
        full, cut,
        aboveCutoff: { attentionShare: attentionShare(full.attention, primary + 1e-9, Infinity), areaShare: centres.filter((hz) => hz > primary).length / centres.length },
        lowerHalf: { hz: lowerHalfHz, before: attentionShare(full.attention, 0, lowerHalfHz), after: attentionShare(cut.attention, 0, lowerHalfHz) },
        seconds: 0,
        testSetForFigures: [fullTest, cutTest],
      };
    } else {
      full.model.dispose();
    }
  }
  const fullRuns = runs.filter((r) => r.cutoffHz === null);
  const retrained = [null, ...cutoffs].map((c) => summarise(runs.filter((r) => r.cutoffHz === c), fullRuns, c, thresholds, centres));
  const maskedSummary = Object.fromEntries(fills.map((f) => [f, cutoffs.map((c) => summarise(masked.filter((m) => m.fill === f && m.cutoffHz === c), fullRuns, c, thresholds, centres))]));
  const fillAgreement = Object.fromEntries(fills.map((f) => {
    const rows = maskedSummary[f];
    const scoreError = rows.reduce((a, m, i) => a + Math.abs(m.delta.mean - retrained[i + 1].delta.mean), 0) / rows.length;
    const attentionError = rows.reduce((a, m, i) => a + Math.abs(m.lowerHalf.mean - retrained[i + 1].lowerHalf.mean), 0) / rows.length;
    return [f, { scoreError, attentionError }];
  }));
  const chosenFill = fills.reduce((best, f) => (fillAgreement[f].scoreError < fillAgreement[best].scoreError ? f : best), fills[0]);
  const full = testSets.get('full')!;
  const dbOfRec = testRecs.map((r) => r.database);
  const blank = Object.fromEntries([...new Set(dbOfRec)].sort().map((db) => {
    const logMels = full.logMels.filter((_, i) => dbOfRec[i] === db);
    return [db, { of: logMels.length, byCutoff: Object.fromEntries(cutoffs.map((c) => [String(c), blankAbove(logMels, centres, c)])) }];
  }));
  const testPatients = Object.fromEntries([...new Set(dbOfRec)].sort().map((db) => [db, new Set(testRecs.filter((r) => r.database === db).map((r) => r.patientId)).size]));
  const seconds = (performance.now() - t0) / 1000;
  study!.seconds = seconds;
  return {
    dataset: {
      dir, recordings: dataset.recordings.length, train: dataset.split.train.length, validation: dataset.split.validation.length || study!.full.train.validationRecordings,
      test: testRecs.length, split: dataset.split.source, splitFile: dataset.split.file, testPatients,
    },
    seeds: opts.seeds, cutoffs, primaryCutoffHz: primary, lowerHalfHz, thresholdsHz: thresholds, fills,
    runs, masked, retrained, maskedSummary, fillAgreement, chosenFill, blankAbove: blank,
    study: study!, firstSeedModels, seconds,
  };
}
