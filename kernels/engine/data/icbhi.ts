/**
 * The ICBHI 2017 Respiratory Sound Database's own formats (also the synthetic corpus of `lungcam synth`):
 * recording names `Patient_RecIdx_ChestLoc_Mode_Device`, `NAME.txt` cycle annotations
 * (`start_s end_s crackles(0/1) wheezes(0/1)`, one cycle a line) and the official train/test split file.
 */
import { LungcamInputError } from '../errors';
import type { Cycle } from './cycles';
import { labelFromFlags } from './labels';

export interface RecordingName {
  patientId: string;
  recordingIndex: string;
  chestLocation: string;
  mode: string;
  device: string;
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

/**
 * Parses a split file: `NAME<tab>train|test` per line (official_split.txt, ICBHI_challenge_train_test.txt,
 * or a `--split` file, where NAME may also be a patient id).
 */
export function parseOfficialSplit(text: string, file: string): Map<string, 'train' | 'test'> {
  const split = new Map<string, 'train' | 'test'>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    const set = fields[1]?.toLowerCase();
    if (fields.length !== 2 || (set !== 'train' && set !== 'test')) {
      throw new LungcamInputError(`expected "NAME<tab>train|test", got "${line.slice(0, 60)}"`, `${file}:${i + 1}`);
    }
    split.set(fields[0].replace(/\.wav$/i, ''), set);
  });
  return split;
}
