/**
 * The study's data: every recording's log-mel under one feature configuration and the labelled patches cut
 * inside its annotated cycles (the ICBHI protocol: one label per cycle).
 */
import type { FeatureParams, LogMel } from '../types';
import type { PatchSet } from '../model/train';
import { logMelFromFile } from '../audio/features';
import { cyclePatches } from '../data/cycles';
import type { DatasetRecording } from '../data/dataset';
import { PATCH_FRAMES } from '../types';

export interface StudySet extends PatchSet {
  /** Per patch: which recording and which cycle (index into `cycles`). */
  recording: number[];
  cycle: number[];
  /** Every cycle with patches: its recording and true class index. */
  cycles: { recording: number; label: number }[];
  logMels: LogMel[];
}

export async function studySet(recordings: DatasetRecording[], params: FeatureParams): Promise<StudySet> {
  const chunks: Float32Array[] = [];
  const labels: number[] = [];
  const recording: number[] = [];
  const cycle: number[] = [];
  const cycles: { recording: number; label: number }[] = [];
  const logMels: LogMel[] = [];
  let bands = 0;
  for (let r = 0; r < recordings.length; r++) {
    const logMel = await logMelFromFile(recordings[r].wavPath, params);
    logMels.push(logMel);
    bands = logMel.bands;
    const cp = cyclePatches(logMel, recordings[r].cycles);
    const cycleId = new Map<number, number>();
    for (let p = 0; p < cp.count; p++) {
      if (!cycleId.has(cp.cycleIndex[p])) {
        cycleId.set(cp.cycleIndex[p], cycles.length);
        cycles.push({ recording: r, label: cp.labelIndex[p] });
      }
      labels.push(cp.labelIndex[p]);
      recording.push(r);
      cycle.push(cycleId.get(cp.cycleIndex[p])!);
    }
    chunks.push(cp.data);
  }
  const size = PATCH_FRAMES * bands;
  const x = new Float32Array(labels.length * size);
  let offset = 0;
  for (const c of chunks) {
    x.set(c, offset);
    offset += c.length;
  }
  return { x, count: labels.length, bands, labels: Int32Array.from(labels), recording, cycle, cycles, logMels };
}
