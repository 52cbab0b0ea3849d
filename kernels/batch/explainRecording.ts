/**
 * One recording of a batch: its log-mel with the model's own feature parameters, then what the batch
 * asks for — predictions with a verdict per annotated cycle, the Grad-CAM map (last conv layer,
 * predicted class) as NPY with its attention by band, the log-mel as NPY — and last its record, the
 * JSON the summary table is made from. Every file is written atomically; the record last, so a
 * recording with a record is complete. A recording the engine refuses (bad audio) gets a record with
 * the reason: the batch goes on and the summary shows it.
 */
import { mkdirSync } from 'node:fs';
import type { LoadedModel } from '../engine/model/modelIO';
import { isInputError } from '../engine/errors';
import type { BatchOutput, PlannedRecording } from './plan';
import { outputPaths } from './plan';

/** Attention is summed into these ranges of band centres, Hz, for the summary table. */
export const ATTENTION_RANGES_HZ: ReadonlyArray<readonly [number, number]> = [
  [0, 250], [250, 500], [500, 1000], [1000, 1500], [1500, 2000], [2000, Infinity],
];

export const rangeName = ([lo, hi]: readonly [number, number]) => (hi === Infinity ? `${lo}+Hz` : `${lo}-${hi}Hz`);

export interface CycleVerdict {
  startSeconds: number;
  endSeconds: number;
  annotated: string;
  predicted: string;
  right: boolean;
}

export interface RecordingRecord {
  name: string;
  database: string;
  patient: string;
  durationSeconds: number;
  model: string;
  classes: string[];
  /** Recording label and mean class probabilities (classify or gradcam). */
  label?: string;
  probabilities?: number[];
  cycles?: CycleVerdict[];
  gradcam?: {
    file: string;
    method: string;
    layer: string;
    className: string;
    frames: number;
    bands: number;
    hopSeconds: number;
    bandCentersHz: number[];
    /** Mean attention of each band over the recording (the map is 0..1 per patch). */
    attentionByBand: number[];
    /** Share of the attention in each of ATTENTION_RANGES_HZ (sums to 1 when there is any). */
    attentionShare: Record<string, number>;
  };
  features?: { file: string; frames: number; bands: number };
  /** Why the engine could not explain this recording (bad input); nothing else is set then. */
  error?: string;
}

export interface RecordingContext {
  loaded: LoadedModel;
  what: BatchOutput[];
  method: string;
  outDir: string;
}

export async function explainRecording(rec: PlannedRecording, ctx: RecordingContext): Promise<RecordingRecord> {
  const { loaded, outDir } = ctx;
  const paths = outputPaths(outDir, rec.name);
  const { atomicWriteFile } = await import('../engine/io/atomicWrite');
  mkdirSync(paths.dir, { recursive: true });
  const base = { name: rec.name, database: rec.database, patient: rec.patient, durationSeconds: rec.durationSeconds, model: loaded.meta.name, classes: loaded.meta.classes };
  let record: RecordingRecord;
  try {
    record = { ...base, ...(await explain(rec, ctx, paths)) };
  } catch (e) {
    if (!isInputError(e)) throw e;
    record = { ...base, error: (e as Error).message };
  }
  await atomicWriteFile(paths.record, JSON.stringify(record, null, 1) + '\n');
  return record;
}

async function explain(rec: PlannedRecording, ctx: RecordingContext, paths: ReturnType<typeof outputPaths>): Promise<Partial<RecordingRecord>> {
  const { loaded, what } = ctx;
  const { logMelFromFile } = await import('../engine/audio/features');
  const { writeNpy } = await import('../engine/io/npy');
  const logMel = await logMelFromFile(rec.wavPath, loaded.meta.featureParams);
  const out: Partial<RecordingRecord> = {};
  if (what.includes('features')) {
    await writeNpy(paths.features, logMel.data, [logMel.frames, logMel.bands], 'float32');
    out.features = { file: relativeName(paths.features), frames: logMel.frames, bands: logMel.bands };
  }
  if (what.includes('classify') || what.includes('gradcam')) {
    const { classifyLogMel } = await import('../engine/model/classify');
    const spans = rec.cycles.map((c) => ({ startSeconds: c.startSeconds, endSeconds: c.endSeconds, label: c.label }));
    const prediction = classifyLogMel(loaded, logMel, spans.length ? spans : undefined);
    out.label = prediction.label;
    out.probabilities = prediction.probabilities;
    if (spans.length) {
      out.cycles = (prediction.cycles ?? []).map((c) => ({
        startSeconds: c.startSeconds, endSeconds: c.endSeconds, annotated: c.trueLabel ?? '', predicted: c.label, right: c.trueLabel === c.label,
      }));
    }
  }
  if (what.includes('gradcam')) {
    const { recordingCam } = await import('../engine/cam/explain');
    const { resolveMethod } = await import('../engine/cam/layers');
    const { attentionByBand } = await import('../shared/view/summaries');
    const cm = { model: loaded.model, id: loaded.meta.name, classes: loaded.meta.classes, convLayers: loaded.meta.convLayers };
    const rc = await recordingCam(cm, logMel, { method: resolveMethod(ctx.method), className: out.label });
    await writeNpy(paths.gradcam, rc.map, [logMel.frames, logMel.bands], 'float32');
    const byBand = Array.from(attentionByBand({ data: rc.map, frames: logMel.frames, bands: logMel.bands }));
    out.gradcam = {
      file: relativeName(paths.gradcam), method: ctx.method, layer: rc.layers.join('+'), className: rc.className,
      frames: logMel.frames, bands: logMel.bands, hopSeconds: logMel.axes.hopSeconds, bandCentersHz: logMel.axes.bandCentersHz,
      attentionByBand: byBand, attentionShare: attentionShare(byBand, logMel.axes.bandCentersHz),
    };
  }
  return out;
}

/** Share of the attention in each range of band centres. */
export function attentionShare(byBand: number[], centersHz: number[]): Record<string, number> {
  const total = byBand.reduce((s, v) => s + v, 0);
  const share: Record<string, number> = {};
  for (const range of ATTENTION_RANGES_HZ) {
    const inRange = byBand.reduce((s, v, b) => (centersHz[b] >= range[0] && centersHz[b] < range[1] ? s + v : s), 0);
    share[rangeName(range)] = total > 0 ? inRange / total : 0;
  }
  return share;
}

const relativeName = (file: string) => file.slice(file.lastIndexOf('/') + 1);
