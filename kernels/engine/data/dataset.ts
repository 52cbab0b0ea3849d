/**
 * Dataset folders: recordings in the ICBHI layout (`NAME.wav` + `NAME.txt`), the SPRSound layout
 * (`NAME.wav` + `NAME.json`), the synthetic corpus (ICBHI layout + `NAME.events.json`), or any mix, in the
 * folder and its subfolders. The patient is the name's first field in every layout, and every split is by
 * patient: official_split.txt / ICBHI_challenge_train_test.txt in the folder, a `splitFile`, or a seeded
 * patient-wise split made within each database.
 *
 * Recordings that cannot be scored are skipped with a count and a reason, never given a wrong label:
 * SPRSound "Poor Quality", annotations that do not parse (the message names file and line or field),
 * audio that is not a readable WAV, and a second recording of the same name.
 */
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseWavLayout } from '../audio/wavHeader';
import { isInputError, LungcamInputError } from '../errors';
import { readRecordingAnnotations, type AnnotationFormat } from './annotations';
import type { Cycle } from './cycles';
import { parseOfficialSplit, parseRecordingName, type RecordingName } from './icbhi';
import { splitByPatient } from './split';
import { parseSprsoundName } from './sprsound';

export type DatabaseName = 'icbhi' | 'sprsound' | 'synthetic' | 'unannotated';

export interface DatasetRecording extends RecordingName {
  name: string;
  wavPath: string;
  database: DatabaseName;
  annotationPath: string | null;
  annotationFormat: AnnotationFormat | null;
  /** NAME.events.json (ground truth of synthetic recordings) when present. */
  eventsPath: string | null;
  /** SPRSound's label of the whole recording; null elsewhere. */
  recordLabel: string | null;
  durationSeconds: number;
  cycles: Cycle[];
}

export type SkipReason = 'poor-quality' | 'annotation-error' | 'unreadable-audio' | 'duplicate-name';

export interface SkippedRecording {
  name: string;
  wavPath: string;
  reason: SkipReason;
  message: string;
}

export interface DatasetSplit {
  source: 'official' | 'file' | 'patient';
  /** The seed of a patient-wise split (null otherwise). */
  seed: number | null;
  /** The split file used (official or `splitFile`), else null. */
  file: string | null;
  train: DatasetRecording[];
  test: DatasetRecording[];
}

export interface Dataset {
  dir: string;
  recordings: DatasetRecording[];
  skipped: SkippedRecording[];
  split: DatasetSplit;
  warnings: string[];
}

export interface ReadDatasetOptions {
  /** Seed of the patient-wise split when there is no split file (default 0). */
  seed?: number;
  /** Share of cycles in the test set of a patient-wise split (default 0.4, as ICBHI's ≈ 60/40). */
  testFraction?: number;
  /** Keep WAV files without annotations (no cycles) instead of failing. */
  allowUnannotated?: boolean;
  /** A split file (`NAME-or-PATIENT<tab>train|test` lines) instead of the folder's own or a seeded split. */
  splitFile?: string;
}

export const OFFICIAL_SPLIT_FILES = ['official_split.txt', 'ICBHI_challenge_train_test.txt'];

/** How deep below the dataset folder recordings are looked for. */
const MAX_DEPTH = 4;

/** WAV files in `dir` and its subfolders (not hidden ones, not node_modules), in a stable order. */
export function findWavFiles(dir: string, depth = 0): string[] {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: string[] = [];
  for (const e of entries) {
    const p = path.join(dir, e.name);
    // Symbolic links count as what they point to (a dataset can be assembled from links to recordings).
    if (/\.wav$/i.test(e.name) && (e.isFile() || (e.isSymbolicLink() && isFileAt(p)))) out.push(p);
  }
  if (depth < MAX_DEPTH) {
    for (const e of entries) {
      if (e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules') out.push(...findWavFiles(path.join(dir, e.name), depth + 1));
    }
  }
  return out;
}

function isFileAt(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Length of a WAV file in seconds from its header alone. */
export function wavDurationSeconds(wavPath: string): number {
  const fd = openSync(wavPath, 'r');
  try {
    const size = statSync(wavPath).size;
    const readAt = (offset: number, length: number) => {
      const buf = new Uint8Array(Math.max(0, Math.min(length, size - offset)));
      const n = readSync(fd, buf, 0, buf.length, offset);
      return buf.subarray(0, n);
    };
    const { frames, format } = parseWavLayout(readAt, size, wavPath);
    return frames / format.sampleRate;
  } finally {
    closeSync(fd);
  }
}

type ReadOne = { recording: DatasetRecording } | { skipped: SkippedRecording };

function readRecording(wavPath: string, opts: ReadDatasetOptions, warnings: string[]): ReadOne {
  const name = path.basename(wavPath).replace(/\.wav$/i, '');
  const skip = (reason: SkipReason, message: string): ReadOne => ({ skipped: { name, wavPath, reason, message } });
  let durationSeconds: number;
  try {
    durationSeconds = wavDurationSeconds(wavPath);
  } catch (e) {
    if (!isInputError(e)) throw e;
    return skip('unreadable-audio', (e as Error).message);
  }
  let annotations;
  try {
    annotations = readRecordingAnnotations(wavPath, { durationSeconds });
  } catch (e) {
    if (!isInputError(e)) throw e;
    return skip('annotation-error', (e as Error).message);
  }
  const eventsPath = path.join(path.dirname(wavPath), `${name}.events.json`);
  const hasEvents = existsSync(eventsPath);
  if (!annotations) {
    if (!opts.allowUnannotated) {
      throw new LungcamInputError(`no annotation file ${name}.txt (ICBHI layout) or ${name}.json (SPRSound layout) beside it`, wavPath);
    }
    warnings.push(`${wavPath}: no annotation file ${name}.txt or ${name}.json (kept without cycles)`);
  } else {
    warnings.push(...annotations.warnings);
    if (annotations.poorQuality) return skip('poor-quality', `${annotations.path}: record_annotation "Poor Quality": not scored`);
    if (annotations.cycles.length === 0) warnings.push(`${annotations.path}: no ${annotations.format === 'icbhi' ? 'cycles' : 'events'} annotated`);
  }
  const database: DatabaseName = !annotations ? 'unannotated' : annotations.format === 'sprsound' ? 'sprsound' : hasEvents ? 'synthetic' : 'icbhi';
  return {
    recording: {
      name,
      wavPath,
      database,
      annotationPath: annotations?.path ?? null,
      annotationFormat: annotations?.format ?? null,
      eventsPath: hasEvents ? eventsPath : null,
      recordLabel: annotations?.recordLabel ?? null,
      durationSeconds,
      cycles: annotations?.cycles ?? [],
      ...(database === 'sprsound' ? parseSprsoundName(name) : parseRecordingName(name)),
    },
  };
}

/** Reads a dataset folder (see the header for the layouts, splits and what is skipped). */
export function readDataset(dir: string, opts: ReadDatasetOptions = {}): Dataset {
  if (!existsSync(dir)) throw new LungcamInputError('no such folder', dir);
  if (!statSync(dir).isDirectory()) throw new LungcamInputError('is not a folder (expected a dataset folder of NAME.wav + NAME.txt or NAME.json)', dir);
  const wavs = findWavFiles(dir);
  if (wavs.length === 0) throw new LungcamInputError(`no WAV files in ${dir} or its subfolders`, dir);
  const warnings: string[] = [];
  const recordings: DatasetRecording[] = [];
  const skipped: SkippedRecording[] = [];
  const byName = new Map<string, string>();
  for (const wavPath of wavs) {
    const read = readRecording(wavPath, opts, warnings);
    if ('skipped' in read) {
      skipped.push(read.skipped);
      continue;
    }
    const { recording } = read;
    const first = byName.get(recording.name);
    if (first) {
      skipped.push({ name: recording.name, wavPath, reason: 'duplicate-name', message: `${wavPath}: a recording of the same name was read first (${first}): not read twice` });
      continue;
    }
    byName.set(recording.name, wavPath);
    recordings.push(recording);
  }
  for (const s of skipped) if (s.reason !== 'poor-quality') warnings.push(`skipped ${s.message}`);
  if (recordings.length === 0) {
    const why = skipped.length ? `: all ${skipped.length} were skipped (${skipSummary(skipped)}); first: ${skipped[0].message}` : '';
    throw new LungcamInputError(`no readable annotated recordings in ${dir}${why}`, dir);
  }
  const split = readSplit(dir, recordings, opts, warnings);
  return { dir, recordings, skipped, split, warnings };
}

/** "30 poor quality, 1 annotation error" */
export function skipSummary(skipped: readonly SkippedRecording[]): string {
  const counts = new Map<SkipReason, number>();
  for (const s of skipped) counts.set(s.reason, (counts.get(s.reason) ?? 0) + 1);
  return [...counts].map(([reason, n]) => `${n} ${reason.replace('-', ' ')}`).join(', ');
}

function readSplit(dir: string, recordings: DatasetRecording[], opts: ReadDatasetOptions, warnings: string[]): DatasetSplit {
  // The challenge's own download names the file ICBHI_challenge_train_test.txt (same format).
  const official = OFFICIAL_SPLIT_FILES.map((f) => path.join(dir, f)).find((p) => existsSync(p));
  const file = opts.splitFile ?? official;
  if (file) {
    if (opts.splitFile && !existsSync(opts.splitFile)) throw new LungcamInputError('split file not found', opts.splitFile);
    const sides = parseOfficialSplit(readFileSync(file, 'utf8'), file);
    const train: DatasetRecording[] = [];
    const test: DatasetRecording[] = [];
    const unlisted: string[] = [];
    for (const r of recordings) {
      const set = sides.get(r.name) ?? sides.get(r.patientId);
      if (set === 'train') train.push(r);
      else if (set === 'test') test.push(r);
      else unlisted.push(r.name);
    }
    if (unlisted.length) {
      warnings.push(`${unlisted.length} recording${unlisted.length > 1 ? 's are' : ' is'} not listed in ${file}: left out of both sets (${unlisted.slice(0, 5).join(', ')}${unlisted.length > 5 ? ', …' : ''})`);
    }
    const shared = sharedPatients(train, test);
    if (shared.length) {
      const message = `patient${shared.length > 1 ? 's' : ''} ${shared.slice(0, 5).join(', ')} ${shared.length > 1 ? 'are' : 'is'} in both the train and the test set`;
      // A user's own split must be patient-wise; a database's official file is reported, not refused.
      if (opts.splitFile) throw new LungcamInputError(`${message}: every split must be by patient`, file);
      warnings.push(`${file}: ${message}`);
    }
    return { source: opts.splitFile ? 'file' : 'official', seed: null, file, train, test };
  }
  const seed = opts.seed ?? 0;
  const testFraction = opts.testFraction ?? 0.4;
  if (!(testFraction > 0 && testFraction < 1)) throw new LungcamInputError(`must be between 0 and 1 (got ${testFraction})`, 'testFraction');
  // Within each database, so each keeps its share of test patients and classes.
  const inTest = new Set<DatasetRecording>();
  for (const db of new Set(recordings.map((r) => r.database))) {
    for (const r of splitByPatient(recordings.filter((x) => x.database === db), seed, testFraction).test) inTest.add(r);
  }
  return {
    source: 'patient', seed, file: null,
    train: recordings.filter((r) => !inTest.has(r)),
    test: recordings.filter((r) => inTest.has(r)),
  };
}

function sharedPatients(a: readonly DatasetRecording[], b: readonly DatasetRecording[]): string[] {
  const inA = new Set(a.map((r) => r.patientId));
  return [...new Set(b.map((r) => r.patientId).filter((p) => inA.has(p)))].sort();
}
