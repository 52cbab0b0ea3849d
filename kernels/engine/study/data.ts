/**
 * The study's data: every recording's log-mel under one feature configuration and the labelled patches cut
 * inside its annotated cycles (the ICBHI protocol: one label per cycle).
 */
import type { FeatureParams, LogMel } from '../types';
import type { PatchSet } from '../model/train';
import { logMelFromFile } from '../audio/features';
import { cyclePatches, type DatasetRecording } from '../data/icbhi';
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

/** Recordings split by patient (seeded), so no patient is in both: for validation inside the training set. */
export function splitByPatient(recordings: DatasetRecording[], fraction: number, seed: number): [DatasetRecording[], DatasetRecording[]] {
  const patients = [...new Set(recordings.map((r) => r.patientId))].sort();
  let s = seed * 2654435761 + 1;
  const rand = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  for (let i = patients.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [patients[i], patients[j]] = [patients[j], patients[i]];
  }
  const held = new Set(patients.slice(0, Math.max(1, Math.round(patients.length * fraction))));
  return [recordings.filter((r) => !held.has(r.patientId)), recordings.filter((r) => held.has(r.patientId))];
}
