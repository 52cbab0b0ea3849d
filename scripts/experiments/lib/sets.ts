/**
 * Labelled patch sets from cached log-mels of real recordings, for experiments: which split, which
 * databases, how units (ICBHI cycles, SPRSound events) are cut into patches, per-recording normalisation,
 * the band cutoff and the log offset. Every unit keeps its patient, database and device for scoring.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { cyclePatches, type Cycle } from '../../../kernels/engine/data/cycles';
import { CYCLE_LABELS, type CycleLabel } from '../../../kernels/engine/data/labels';
import { keptBands, resolveFeatureParams } from '../../../kernels/engine/audio/melFilter';
import type { PatchSet } from '../../../kernels/engine/model/train';
import { PATCH_FRAMES } from '../../../kernels/engine/types';
import { REPO, cachedLogMel, realRecordings, type Database, type RealRecording } from './realData';

export interface SetSpec {
  fmin: number;
  fmax: number;
  bands: number;
  cutoffHz: number | null;
  /** Hop between patches inside a unit longer than a patch, frames. */
  hopFrames: number;
  /** A unit shorter than a patch: its frames repeated (the engine's cyclePatches) or a centred window of the recording. */
  shortUnits: 'repeat' | 'context';
  /** Per-recording normalisation of the log-mel before cutting. */
  norm: 'none' | 'recording-band-mean' | 'recording-mean';
  /** Log offset of the features: 0.01 (VGGish, the engine's) or e.g. 0.001 (YAMNet), converted from the cache. */
  logOffset: number;
  /**
   * Level normalisation: scale each recording's mel energies so that the median over frames of the
   * frame's mean mel energy is this value (null: as recorded).
   */
  gainTarget?: number | null;
  databases: Database[];
}

export const SEED_SPEC: SetSpec = {
  fmin: 100, fmax: 2000, bands: 64, cutoffHz: null, hopFrames: 48, shortUnits: 'repeat', norm: 'none', logOffset: 0.01, databases: ['icbhi', 'sprsound'],
};

export interface UnitSet extends PatchSet {
  cycleId: Int32Array;
  stratum: Int32Array;
  recordingIndex: Int32Array;
  units: { recording: string; patient: string; database: Database; device: string; label: number; startSeconds: number; endSeconds: number }[];
}

export type SplitName = 'train' | 'validation' | 'test';

export function readSplit(file = path.join(REPO, 'samples/models/splits/real.tsv')): Map<string, SplitName> {
  const m = new Map<string, SplitName>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [name, set] = line.trim().split('\t');
    if (name) m.set(name, set as SplitName);
  }
  return m;
}

const DB_INDEX: Record<Database, number> = { icbhi: 0, sprsound: 1 };

function normalise(data: Float32Array, frames: number, bands: number, norm: SetSpec['norm']): void {
  if (norm === 'none' || frames === 0) return;
  if (norm === 'recording-mean') {
    let s = 0;
    for (let i = 0; i < data.length; i++) s += data[i];
    const m = s / data.length;
    for (let i = 0; i < data.length; i++) data[i] -= m;
    return;
  }
  for (let b = 0; b < bands; b++) {
    let s = 0;
    for (let f = 0; f < frames; f++) s += data[f * bands + b];
    const m = s / frames;
    for (let f = 0; f < frames; f++) data[f * bands + b] -= m;
  }
}

/** Patches of `recs` under `spec` (every unit of every recording). */
export async function unitSet(recs: readonly RealRecording[], spec: SetSpec, hopFrames = spec.hopFrames): Promise<UnitSet> {
  const p = resolveFeatureParams({ fmin: spec.fmin, fmax: spec.fmax, bands: spec.bands, bandCutoffHz: spec.cutoffHz });
  const kept = keptBands(p);
  const size = PATCH_FRAMES * kept;
  const chunks: Float32Array[] = [];
  const labels: number[] = [];
  const cycleId: number[] = [];
  const stratum: number[] = [];
  const recordingIndex: number[] = [];
  const units: UnitSet['units'] = [];
  for (let ri = 0; ri < recs.length; ri++) {
    const r = recs[ri];
    const full = await cachedLogMel(r, { fmin: spec.fmin, fmax: spec.fmax, bands: spec.bands });
    // Keep the bands at or below the cutoff (a prefix), convert the log offset, normalise.
    const frames = full.frames;
    const data = new Float32Array(frames * kept);
    let gain = 1;
    if (spec.gainTarget) {
      const frameMeans = new Float64Array(frames);
      for (let f = 0; f < frames; f++) {
        let sum = 0;
        for (let b = 0; b < full.bands; b++) sum += Math.max(0, Math.exp(full.data[f * full.bands + b]) - 0.01);
        frameMeans[f] = sum / full.bands;
      }
      frameMeans.sort();
      gain = spec.gainTarget / Math.max(1e-9, frameMeans[frames >> 1]);
    }
    for (let f = 0; f < frames; f++) {
      for (let b = 0; b < kept; b++) {
        const v = full.data[f * full.bands + b];
        data[f * kept + b] = spec.logOffset === 0.01 && gain === 1 ? v : Math.log(gain * Math.max(0, Math.exp(v) - 0.01) + spec.logOffset);
      }
    }
    normalise(data, frames, kept, spec.norm);
    const floor = spec.norm === 'none' ? Math.log(spec.logOffset) : 0;
    const logMel = { data, frames, bands: kept } as unknown as Parameters<typeof cyclePatches>[0];
    const cycles: Cycle[] = r.cycles.map((c, i) => ({ ...c, label: c.label as CycleLabel, crackles: false, wheezes: false, line: i + 1 }));
    const cp = cyclePatches(logMel, cycles, { hopFrames });
    const seen = new Map<number, number>();
    for (let i = 0; i < cp.count; i++) {
      const ci = cp.cycleIndex[i];
      if (!seen.has(ci)) {
        seen.set(ci, units.length);
        const c = r.cycles[ci];
        units.push({ recording: r.name, patient: r.patient, database: r.database, device: r.device, label: CYCLE_LABELS.indexOf(c.label as CycleLabel), startSeconds: c.startSeconds, endSeconds: c.endSeconds });
      }
      let patch = cp.data.subarray(i * size, (i + 1) * size);
      if (spec.shortUnits === 'context' && cp.padded[i]) {
        // A window of the recording centred on the unit (its neighbours as context), silence past the ends.
        const c = r.cycles[ci];
        const centre = Math.round(((c.startSeconds + c.endSeconds) / 2) * 100);
        const s = centre - PATCH_FRAMES / 2;
        const w = new Float32Array(size).fill(floor);
        const from = Math.max(0, s);
        const to = Math.min(frames, s + PATCH_FRAMES);
        if (to > from) w.set(data.subarray(from * kept, to * kept), (from - s) * kept);
        patch = w;
      }
      chunks.push(patch);
      labels.push(cp.labelIndex[i]);
      cycleId.push(seen.get(ci)!);
      stratum.push(DB_INDEX[r.database]);
      recordingIndex.push(ri);
    }
  }
  const x = new Float32Array(chunks.length * size);
  chunks.forEach((c, i) => x.set(c, i * size));
  return {
    x, count: chunks.length, bands: kept, labels: Int32Array.from(labels), cycleId: Int32Array.from(cycleId),
    stratum: Int32Array.from(stratum), recordingIndex: Int32Array.from(recordingIndex), units,
  };
}

/**
 * The experiments' two sets from the split file: training patches of `spec`'s databases, and validation
 * units of both databases cut every 96 frames (the same for every experiment, so results compare).
 */
export async function trainAndValidation(spec: SetSpec): Promise<{ train: UnitSet; val: UnitSet }> {
  const split = readSplit();
  const recs = realRecordings();
  const train = await unitSet(recs.filter((r) => spec.databases.includes(r.database) && split.get(r.name) === 'train'), spec);
  const val = await unitSet(recs.filter((r) => split.get(r.name) === 'validation'), { ...spec, databases: ['icbhi', 'sprsound'] }, 96);
  return { train, val };
}
