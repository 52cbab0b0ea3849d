/**
 * From an ICBHI-layout dataset (kernels/engine/data/icbhi.ts) to labelled log-mel patches for training,
 * and cycle-level evaluation of a model on recordings (each cycle: mean of its patches' probabilities).
 */
import { logMelFromFile } from '../audio/features';
import { resolveFeatureParams } from '../audio/melFilter';
import { cyclePatches, type DatasetRecording } from '../data/icbhi';
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

/** Log-mel + cycle patches of each recording, concatenated. `onRecording` reports progress. */
export async function recordingPatches(
  recordings: readonly DatasetRecording[], params: Partial<FeatureParams>,
  opts: { hopFrames?: number; onRecording?: (i: number, n: number) => void } = {},
): Promise<RecordingPatches> {
  const p = resolveFeatureParams(params);
  const parts: { data: Float32Array; labels: Int32Array; count: number; bands: number; rec: number; cycle: Int32Array }[] = [];
  let cycles = 0;
  for (let i = 0; i < recordings.length; i++) {
    const r = recordings[i];
    const mel = await logMelFromFile(r.wavPath, p);
    const cp = cyclePatches(mel, r.cycles, { hopFrames: opts.hopFrames });
    parts.push({ data: cp.data, labels: cp.labelIndex, count: cp.count, bands: cp.bands, rec: i, cycle: Int32Array.from(cp.cycleIndex, (c) => c + cycles) });
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
      const { label, probabilities } = aggregateCycle(probs, rows, meta.classes, method);
      results.push({
        recording: r.name, startSeconds: c.startSeconds, endSeconds: c.endSeconds, trueLabel: c.label,
        label, probabilities: probabilities.map((v) => Math.round(v * 1e4) / 1e4),
      });
    });
    opts.onRecording?.(i + 1, recordings.length);
  }
  const index = (label: string) => meta.classes.indexOf(label);
  const metrics = classificationMetrics(results.map((c) => index(c.trueLabel)), results.map((c) => index(c.label)), meta.classes);
  return { metrics, cycles: results, recordings: recordings.length, skippedCycles: skipped };
}
