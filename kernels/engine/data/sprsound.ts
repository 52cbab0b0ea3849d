/**
 * The SPRSound paediatric respiratory sound database's formats (Zhang et al., IEEE TBioCAS 16(5), 2022):
 * recording names `PATIENT_AGE_SEX_LOCATION_ID` and `NAME.json` annotations
 * `{"record_annotation": …, "event_annotation": [{"start": ms, "end": ms, "type": …}]}` (start and end are
 * milliseconds, sometimes written as strings). Each event is scored as a cycle, as ICBHI's cycles are.
 */
import { LungcamInputError } from '../errors';
import type { Cycle } from './cycles';
import { flagsFromLabel, type CycleLabel } from './labels';
import type { RecordingName } from './icbhi';

/** SPRSound event types onto LungCAM's classes: CAS (wheeze, rhonchi, stridor) → wheeze; DAS (crackles) → crackle. */
export const SPRSOUND_EVENT_LABELS: Readonly<Record<string, CycleLabel>> = {
  Normal: 'normal',
  'Fine Crackle': 'crackle',
  'Coarse Crackle': 'crackle',
  Wheeze: 'wheeze',
  Rhonchi: 'wheeze',
  Stridor: 'wheeze',
  'Wheeze+Crackle': 'both',
};

export const SPRSOUND_RECORD_LABELS = ['Normal', 'CAS', 'DAS', 'CAS & DAS', 'Poor Quality'] as const;
export type SprsoundRecordLabel = (typeof SPRSOUND_RECORD_LABELS)[number];

/** The record label of recordings that are not scored (skipped with a count). */
export const POOR_QUALITY = 'Poor Quality';

export interface SprsoundAnnotation {
  recordLabel: SprsoundRecordLabel;
  cycles: Cycle[];
}

/** The stethoscope every SPRSound recording was made with. */
export const SPRSOUND_DEVICE = 'Yunting II';

/** `PATIENT_AGE_SEX_LOCATION_ID`, e.g. `40069321_15.3_0_p4_984`: the patient first, as in ICBHI names. */
export function parseSprsoundName(name: string): RecordingName {
  const parts = name.split('_');
  return { patientId: parts[0], recordingIndex: parts[4] ?? '', chestLocation: parts[3] ?? '', mode: '', device: SPRSOUND_DEVICE };
}

/** True when a parsed JSON document is meant as a SPRSound annotation (has either of its two keys). */
export function looksLikeSprsound(doc: unknown): boolean {
  return typeof doc === 'object' && doc !== null && !Array.isArray(doc) && ('record_annotation' in doc || 'event_annotation' in doc);
}

const EXPECTED = 'expected {"record_annotation": "Normal" | "CAS" | "DAS" | "CAS & DAS" | "Poor Quality", "event_annotation": [{"start": ms, "end": ms, "type": …}]}';

/** Milliseconds as a number or a numeric string (both occur in the database) → seconds, or null. */
function seconds(value: unknown): number | null {
  const ms = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(ms) ? ms / 1000 : null;
}

/** Parses a SPRSound `NAME.json`; errors name the file and the field (`event_annotation[3].type`). */
export function parseSprsoundAnnotation(text: string, file: string): SprsoundAnnotation {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new LungcamInputError(`not valid JSON (${(e as Error).message}); ${EXPECTED}`, file);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new LungcamInputError(`the annotation is ${Array.isArray(doc) ? 'a list' : doc === null ? 'null' : `a ${typeof doc}`}, not an object; ${EXPECTED}`, file);
  }
  const record = (doc as Record<string, unknown>).record_annotation;
  if (!(SPRSOUND_RECORD_LABELS as readonly unknown[]).includes(record)) {
    const got = record === undefined ? 'missing' : JSON.stringify(record).slice(0, 40);
    throw new LungcamInputError(`record_annotation is ${got} (expected one of ${SPRSOUND_RECORD_LABELS.map((l) => `"${l}"`).join(', ')})`, file);
  }
  const events = (doc as Record<string, unknown>).event_annotation;
  if (!Array.isArray(events)) throw new LungcamInputError(`event_annotation is ${events === undefined ? 'missing' : 'not a list'}; ${EXPECTED}`, file);
  const cycles = events.map((e, i): Cycle => {
    const field = (name?: string) => `${file}: event_annotation[${i}]${name ? `.${name}` : ''}`;
    if (typeof e !== 'object' || e === null || Array.isArray(e)) throw new LungcamInputError('is not an object {"start", "end", "type"}', field());
    const { start, end, type } = e as Record<string, unknown>;
    const startSeconds = seconds(start);
    const endSeconds = seconds(end);
    if (startSeconds === null) throw new LungcamInputError(`start is ${JSON.stringify(start)}, not a number of milliseconds`, field('start'));
    if (endSeconds === null) throw new LungcamInputError(`end is ${JSON.stringify(end)}, not a number of milliseconds`, field('end'));
    if (startSeconds < 0 || endSeconds <= startSeconds) {
      throw new LungcamInputError(`an event must have 0 ≤ start < end (start ${start} ms, end ${end} ms)`, field());
    }
    const label = typeof type === 'string' ? SPRSOUND_EVENT_LABELS[type] : undefined;
    if (!label) {
      const known = Object.keys(SPRSOUND_EVENT_LABELS).map((k) => `"${k}"`).join(', ');
      throw new LungcamInputError(`unknown event type ${JSON.stringify(type)} (expected one of ${known})`, field('type'));
    }
    return { startSeconds, endSeconds, ...flagsFromLabel(label), label, line: i + 1, annotatedAs: type as string };
  });
  return { recordLabel: record as SprsoundRecordLabel, cycles };
}
