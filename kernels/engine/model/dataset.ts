/**
 * From an ICBHI-layout dataset (kernels/engine/data/icbhi.ts) to labelled log-mel patches for training,
 * and cycle-level evaluation of a model on recordings (each cycle: mean of its patches' probabilities).
 */
import { readFileSync } from 'node:fs';
import { logMelFromFile } from '../audio/features';
import { resolveFeatureParams } from '../audio/melFilter';
import { cyclePatches } from '../data/cycles';
import type { DatasetRecording } from '../data/dataset';
import { PATCH_FRAMES, type FeatureParams } from '../types';
import { predictProbabilities, aggregateCycle, type CycleAggregation } from './classify';
import { classificationMetrics, type ClassificationMetrics } from './metrics';
import type { LoadedModel } from './modelIO';
import type { PatchSet } from './train';

export interface RecordingPatches extends PatchSet {
  /** Which recording each patch came from (index into the list given). */
  recordingIndex: Int32Array;
  /** A running cycle number per patch (unique across recordings): groups patches by cycle. */
  cycleId: Int32Array;
  cycles: number;
}

/** Where patch labels come from: the cycle's annotation, or the sound events inside the patch. */
export type PatchLabelSource = 'cycles' | 'events';

interface TimedEvent { type: string; startSeconds: number; endSeconds: number }

/** Least wheeze inside a patch for it to count as wheezing (ATS: a wheeze lasts ≥ 100 ms). */
const MIN_WHEEZE_SECONDS = 0.08;

/**
 * Labels from ground-truth events (NAME.events.json of a synthetic corpus): a patch has crackles when a
 * crackle's midpoint falls inside it, wheezes when ≥ 80 ms of a wheeze does. A cycle label says only that
 * the sound occurs somewhere in the cycle; most patches of a wheeze cycle hold no wheeze, so event labels
 * give the CNN far cleaner targets (use with 'max-flags' cycle aggregation).
 */
function eventLabels(eventsPath: string, startFrames: number[], hopSeconds: number): Int32Array {
  const doc = JSON.parse(readFileSync(eventsPath, 'utf8')) as { events?: TimedEvent[] };
  const events = doc.events ?? [];
  return Int32Array.from(startFrames, (s) => {
    const t0 = s * hopSeconds;
    const t1 = t0 + PATCH_FRAMES * hopSeconds + 0.015;
    let crackle = false;
    let wheeze = false;
    for (const e of events) {
      if (e.type === 'crackle') {
        const mid = (e.startSeconds + e.endSeconds) / 2;
        if (mid >= t0 && mid < t1) crackle = true;
      } else if (e.type === 'wheeze') {
        if (Math.min(t1, e.endSeconds) - Math.max(t0, e.startSeconds) >= MIN_WHEEZE_SECONDS) wheeze = true;
      }
    }
    return crackle ? (wheeze ? 3 : 1) : wheeze ? 2 : 0;
  });
}

/** Log-mel + cycle patches of each recording, concatenated. `onRecording` reports progress. */
export async function recordingPatches(
  recordings: readonly DatasetRecording[], params: Partial<FeatureParams>,
  opts: { hopFrames?: number; labels?: PatchLabelSource; onRecording?: (i: number, n: number) => void } = {},
): Promise<RecordingPatches> {
  const p = resolveFeatureParams(params);
  const parts: { data: Float32Array; labels: Int32Array; count: number; bands: number; rec: number; cycle: Int32Array }[] = [];
  let cycles = 0;
  for (let i = 0; i < recordings.length; i++) {
    const r = recordings[i];
    const mel = await logMelFromFile(r.wavPath, p);
    const cp = cyclePatches(mel, r.cycles, { hopFrames: opts.hopFrames });
    const labels = opts.labels === 'events' && r.eventsPath
      ? eventLabels(r.eventsPath, cp.startFrame, mel.axes?.hopSeconds ?? 0.01)
      : cp.labelIndex;
    parts.push({ data: cp.data, labels, count: cp.count, bands: cp.bands, rec: i, cycle: Int32Array.from(cp.cycleIndex, (c) => c + cycles) });
    cycles += r.cycles.length;
    opts.onRecording?.(i + 1, recordings.length);
  }
  const bands = parts[0]?.bands ?? p.bands;
  const count = parts.reduce((a, b) => a + b.count, 0);
  const size = PATCH_FRAMES * bands;
  const x = new Float32Array(count * size);
  const labels = new Int32Array(count);
  const recordingIndex = new Int32Array(count);
  const cycleId = new Int32Array(count);
  let offset = 0;
  for (const part of parts) {
    x.set(part.data, offset * size);
    labels.set(part.labels, offset);
    cycleId.set(part.cycle, offset);
    recordingIndex.fill(part.rec, offset, offset + part.count);
    offset += part.count;
  }
  return { x, count, bands, labels, recordingIndex, cycleId, cycles };
}

export interface CycleResult {
  recording: string;
  patientId: string;
  database: string;
  device: string;
  startSeconds: number;
  endSeconds: number;
  trueLabel: string;
  label: string;
  probabilities: number[];
}

export interface DatasetEvaluation {
  metrics: ClassificationMetrics;
  cycles: CycleResult[];
  recordings: number;
  /** Cycles with no audio under them (annotated past the end of the file): not scored. */
  skippedCycles: number;
}

/** Cycle-level evaluation of a loaded model on recordings (ICBHI protocol: one label per cycle). */
export async function evaluateRecordings(
  loaded: LoadedModel, recordings: readonly DatasetRecording[],
  opts: { onRecording?: (i: number, n: number) => void; aggregation?: CycleAggregation } = {},
): Promise<DatasetEvaluation> {
  const { model, meta } = loaded;
  const method = opts.aggregation ?? meta.cycleAggregation ?? 'mean';
  const results: CycleResult[] = [];
  let skipped = 0;
  for (let i = 0; i < recordings.length; i++) {
    const r = recordings[i];
    const mel = await logMelFromFile(r.wavPath, meta.featureParams);
    const cp = cyclePatches(mel, r.cycles);
    const probs = predictProbabilities(model, cp.data, cp.count, cp.bands);
    r.cycles.forEach((c, ci) => {
      const rows = cp.cycleIndex.flatMap((idx, row) => (idx === ci ? [row] : []));
      if (rows.length === 0) {
        skipped++;
        return;
      }
      const { label, probabilities } = aggregateCycle(probs, rows, meta.classes, method, meta.flagThresholds);
      results.push({
        recording: r.name, patientId: r.patientId, database: r.database, device: r.device, startSeconds: c.startSeconds, endSeconds: c.endSeconds, trueLabel: c.label,
        label, probabilities: probabilities.map((v) => Math.round(v * 1e4) / 1e4),
      });
    });
    opts.onRecording?.(i + 1, recordings.length);
  }
  const index = (label: string) => meta.classes.indexOf(label);
  const metrics = classificationMetrics(results.map((c) => index(c.trueLabel)), results.map((c) => index(c.label)), meta.classes);
  return { metrics, cycles: results, recordings: recordings.length, skippedCycles: skipped };
}
