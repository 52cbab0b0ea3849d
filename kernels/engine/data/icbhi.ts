/**
 * Reader for the ICBHI 2017 Respiratory Sound Database layout (and the synthetic corpus of `lungcam synth`,
 * which uses the same layout): NAME.wav + NAME.txt per recording, NAME = Patient_RecIdx_ChestLoc_Mode_Device.
 *
 * API (exported from the `lungcam` module):
 *   readDataset(dir, { seed = 0, testFraction = 0.4, allowUnannotated = false }?) → Dataset
 *     Dataset { dir, recordings: DatasetRecording[], split: DatasetSplit, warnings: string[] }
 *     DatasetRecording { name, wavPath, annotationPath, eventsPath | null, patientId, recordingIndex,
 *                        chestLocation, mode, device, cycles: Cycle[] }
 *     Cycle { startSeconds, endSeconds, crackles, wheezes, label: CycleLabel, line (1-based in NAME.txt) }
 *     DatasetSplit { source: 'official' | 'patient', seed: number | null, train, test: DatasetRecording[] }
 *       official_split.txt or ICBHI_challenge_train_test.txt (`NAME\ttrain|test`) when present, else a
 *       seeded patient-wise split (no patient in both sets; class proportions kept close to the whole set's).
 *   cyclePatches(logMel, cycles, { hopFrames = 96, pad = 'repeat' }?) → CyclePatches
 *     Patches [count, 96, bands] cut within each cycle, plus per patch: cycleIndex, label, labelIndex.
 *     A cycle shorter than 0.96 s gives one padded patch (its frames repeated, or ln(0.01) with 'floor').
 *   CYCLE_LABELS = ['normal','crackle','wheeze','both'] (class index order), labelFromFlags(c, w)
 *   parseAnnotations(text, file), parseOfficialSplit(text, file), parseRecordingName(name)
 * Errors are LungcamInputError: "DIR: no WAV files in DIR", "FILE:LINE: …" for annotation lines that
 * do not parse, "NAME.wav: no annotation file NAME.txt" (unless allowUnannotated).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { LungcamInputError } from '../errors';
import { PATCH_FRAMES, type LogMel, type Patches } from '../types';
import { CYCLE_LABELS, labelFromFlags, type CycleLabel } from './labels';
import { splitByPatient } from './split';

export { CYCLE_LABELS, labelFromFlags, flagsFromLabel, isCycleLabel } from './labels';
export type { CycleLabel } from './labels';

export interface Cycle {
  startSeconds: number;
  endSeconds: number;
  crackles: boolean;
  wheezes: boolean;
  label: CycleLabel;
  /** Line number in the annotation file (1-based). */
  line: number;
}

export interface RecordingName {
  patientId: string;
  recordingIndex: string;
  chestLocation: string;
  mode: string;
  device: string;
}

export interface DatasetRecording extends RecordingName {
  name: string;
  wavPath: string;
  annotationPath: string | null;
  /** NAME.events.json (ground truth of synthetic recordings) when present. */
  eventsPath: string | null;
  cycles: Cycle[];
}

export interface DatasetSplit {
  source: 'official' | 'patient';
  /** The seed of a patient-wise split (null for the official one). */
  seed: number | null;
  train: DatasetRecording[];
  test: DatasetRecording[];
}

export interface Dataset {
  dir: string;
  recordings: DatasetRecording[];
  split: DatasetSplit;
  warnings: string[];
}

export interface ReadDatasetOptions {
  /** Seed of the patient-wise split when there is no official_split.txt (default 0). */
  seed?: number;
  /** Share of cycles in the test set of a patient-wise split (default 0.4, as ICBHI's ≈ 60/40). */
  testFraction?: number;
  /** Keep WAV files without NAME.txt (no cycles) instead of failing. */
  allowUnannotated?: boolean;
}

/**
 * Splits `Patient_RecIdx_ChestLoc_Mode_Device` into its fields. Names with fewer fields still work:
 * the patient is the text before the first underscore (or the whole name).
 */
export function parseRecordingName(name: string): RecordingName {
  const parts = name.split('_');
  return {
    patientId: parts[0],
    recordingIndex: parts[1] ?? '',
    chestLocation: parts[2] ?? '',
    mode: parts[3] ?? '',
    device: parts.slice(4).join('_'),
  };
}

/** Parses an ICBHI annotation file: `start end crackles wheezes` per line (tabs or spaces). */
export function parseAnnotations(text: string, file: string): Cycle[] {
  const cycles: Cycle[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const where = `${file}:${i + 1}`;
    const fields = line.split(/\s+/);
    const fail = (what: string): never => {
      throw new LungcamInputError(
        `${what} (expected "start_s end_s crackles(0/1) wheezes(0/1)", got "${line.slice(0, 60)}")`,
        where,
      );
    };
    if (fields.length !== 4) fail(`${fields.length} fields instead of 4`);
    const [start, end] = fields.slice(0, 2).map(Number);
    if (!Number.isFinite(start) || !Number.isFinite(end)) fail('start and end must be numbers of seconds');
    if (start < 0 || end <= start) fail('a cycle must have 0 ≤ start < end');
    const flags = fields.slice(2).map((f) => (f === '0' ? false : f === '1' ? true : null));
    if (flags[0] === null || flags[1] === null) fail('the crackle and wheeze flags must be 0 or 1');
    const crackles = flags[0] as boolean;
    const wheezes = flags[1] as boolean;
    cycles.push({ startSeconds: start, endSeconds: end, crackles, wheezes, label: labelFromFlags(crackles, wheezes), line: i + 1 });
  });
  return cycles;
}

/** Parses official_split.txt: `NAME\ttrain|test` per line. */
export function parseOfficialSplit(text: string, file: string): Map<string, 'train' | 'test'> {
  const split = new Map<string, 'train' | 'test'>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const fields = line.split(/\s+/);
    const set = fields[1]?.toLowerCase();
    if (fields.length !== 2 || (set !== 'train' && set !== 'test')) {
      throw new LungcamInputError(`expected "NAME<tab>train|test", got "${line.slice(0, 60)}"`, `${file}:${i + 1}`);
    }
    split.set(fields[0].replace(/\.wav$/i, ''), set);
  });
  return split;
}

/** Reads a dataset folder (see the header for the layout and errors). */
export function readDataset(dir: string, opts: ReadDatasetOptions = {}): Dataset {
  if (!existsSync(dir)) throw new LungcamInputError('no such folder', dir);
  if (!statSync(dir).isDirectory()) throw new LungcamInputError('is not a folder (expected a dataset folder of NAME.wav + NAME.txt)', dir);
  const files = readdirSync(dir).sort();
  const wavs = files.filter((f) => /\.wav$/i.test(f));
  if (wavs.length === 0) throw new LungcamInputError(`no WAV files in ${dir}`, dir);
  const warnings: string[] = [];
  const recordings: DatasetRecording[] = [];
  for (const wav of wavs) {
    const name = wav.replace(/\.wav$/i, '');
    const wavPath = path.join(dir, wav);
    const txt = path.join(dir, `${name}.txt`);
    const events = path.join(dir, `${name}.events.json`);
    let cycles: Cycle[] = [];
    let annotationPath: string | null = null;
    if (existsSync(txt)) {
      annotationPath = txt;
      cycles = parseAnnotations(readFileSync(txt, 'utf8'), txt);
      if (cycles.length === 0) warnings.push(`${txt}: no cycles annotated`);
    } else if (opts.allowUnannotated) {
      warnings.push(`${wavPath}: no annotation file ${name}.txt (kept without cycles)`);
    } else {
      throw new LungcamInputError(`no annotation file ${name}.txt beside it (ICBHI layout: NAME.wav + NAME.txt)`, wavPath);
    }
    recordings.push({
      name,
      wavPath,
      annotationPath,
      eventsPath: existsSync(events) ? events : null,
      cycles,
      ...parseRecordingName(name),
    });
  }
  const split = readSplit(dir, recordings, opts, warnings);
  return { dir, recordings, split, warnings };
}

export const OFFICIAL_SPLIT_FILES = ['official_split.txt', 'ICBHI_challenge_train_test.txt'];

function readSplit(dir: string, recordings: DatasetRecording[], opts: ReadDatasetOptions, warnings: string[]): DatasetSplit {
  // The challenge's own download names the file ICBHI_challenge_train_test.txt (same format).
  const officialPath = OFFICIAL_SPLIT_FILES.map((f) => path.join(dir, f)).find((p) => existsSync(p));
  if (officialPath) {
    const official = parseOfficialSplit(readFileSync(officialPath, 'utf8'), officialPath);
    const train: DatasetRecording[] = [];
    const test: DatasetRecording[] = [];
    for (const r of recordings) {
      const set = official.get(r.name);
      if (set === 'train') train.push(r);
      else if (set === 'test') test.push(r);
      else warnings.push(`${r.name} is not listed in ${officialPath}: left out of both sets`);
    }
    return { source: 'official', seed: null, train, test };
  }
  const seed = opts.seed ?? 0;
  const testFraction = opts.testFraction ?? 0.4;
  if (!(testFraction > 0 && testFraction < 1)) throw new LungcamInputError(`must be between 0 and 1 (got ${testFraction})`, 'testFraction');
  const { train, test } = splitByPatient(recordings, seed, testFraction);
  return { source: 'patient', seed, train, test };
}

/** Patches cut within cycles, with the label of the cycle each came from. */
export interface CyclePatches extends Patches {
  /** Index into the `cycles` given, per patch. */
  cycleIndex: number[];
  labels: CycleLabel[];
  /** Class index per patch (CYCLE_LABELS order: 0 normal, 1 crackle, 2 wheeze, 3 both). */
  labelIndex: Int32Array;
}

export interface CyclePatchOptions {
  /** Hop between patches inside a cycle, frames (default 96: no overlap). */
  hopFrames?: number;
  /** How a cycle shorter than a patch is filled: its own frames repeated (default) or silence ln(0.01). */
  pad?: 'repeat' | 'floor';
}

/** Frame range [first, end) whose frame centres lie inside [startSeconds, endSeconds). */
export function cycleFrames(logMel: LogMel, startSeconds: number, endSeconds: number): [number, number] {
  const hop = logMel.axes?.hopSeconds ?? 0.01;
  const half = (logMel.axes?.windowSeconds ?? 0.025) / 2;
  const first = Math.max(0, Math.ceil((startSeconds - half) / hop - 1e-9));
  const end = Math.min(logMel.frames, Math.ceil((endSeconds - half) / hop - 1e-9));
  return [first, Math.max(first, end)];
}

/**
 * Cuts [count, 96, bands] patches inside each cycle: full patches at hopFrames steps, plus one aligned to
 * the cycle's end when more than half a hop would otherwise be left out; a cycle under 96 frames gives one
 * padded patch. Cycles with no frames (annotated past the end of the audio) give none.
 */
export function cyclePatches(logMel: LogMel, cycles: readonly Cycle[], opts: CyclePatchOptions = {}): CyclePatches {
  const hop = opts.hopFrames ?? PATCH_FRAMES;
  if (!Number.isInteger(hop) || hop < 1) throw new LungcamInputError(`patch hop must be a whole number of frames ≥ 1 (got ${hop})`, 'hopFrames');
  const { bands } = logMel;
  const size = PATCH_FRAMES * bands;
  const floor = Math.log(0.01);
  const startFrame: number[] = [];
  const padded: boolean[] = [];
  const cycleIndex: number[] = [];
  const chunks: Float32Array[] = [];
  cycles.forEach((c, ci) => {
    const [first, end] = cycleFrames(logMel, c.startSeconds, c.endSeconds);
    const length = end - first;
    if (length <= 0) return;
    if (length < PATCH_FRAMES) {
      const patch = new Float32Array(size);
      for (let f = 0; f < PATCH_FRAMES; f++) {
        const src = opts.pad === 'floor' ? (f < length ? first + f : -1) : first + (f % length);
        if (src < 0) patch.fill(floor, f * bands, (f + 1) * bands);
        else patch.set(logMel.data.subarray(src * bands, (src + 1) * bands), f * bands);
      }
      chunks.push(patch);
      startFrame.push(first);
      padded.push(true);
      cycleIndex.push(ci);
      return;
    }
    const starts: number[] = [];
    for (let s = first; s + PATCH_FRAMES <= end; s += hop) starts.push(s);
    const lastEnd = starts[starts.length - 1] + PATCH_FRAMES;
    if (end - lastEnd > hop / 2) starts.push(end - PATCH_FRAMES);
    for (const s of starts) {
      chunks.push(logMel.data.slice(s * bands, s * bands + size));
      startFrame.push(s);
      padded.push(false);
      cycleIndex.push(ci);
    }
  });
  const data = new Float32Array(chunks.length * size);
  chunks.forEach((chunk, i) => data.set(chunk, i * size));
  const labels = cycleIndex.map((ci) => cycles[ci].label);
  return {
    data,
    count: chunks.length,
    frames: PATCH_FRAMES,
    bands,
    hopFrames: hop,
    startFrame,
    padded,
    cycleIndex,
    labels,
    labelIndex: Int32Array.from(labels, (l) => CYCLE_LABELS.indexOf(l)),
  };
}
