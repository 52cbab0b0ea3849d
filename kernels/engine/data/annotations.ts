/**
 * The annotations of one recording, whichever database's format they are in: `NAME.txt` (ICBHI cycles)
 * or `NAME.json` (SPRSound events), found beside the recording from its own name whatever its extension.
 * The dataset reader, classify, the views and batch all read annotations through here.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { LungcamInputError } from '../errors';
import type { Cycle } from './cycles';
import { parseAnnotations } from './icbhi';
import { looksLikeSprsound, parseSprsoundAnnotation, POOR_QUALITY } from './sprsound';

export type AnnotationFormat = 'icbhi' | 'sprsound';

export interface RecordingAnnotations {
  path: string;
  format: AnnotationFormat;
  cycles: Cycle[];
  /** SPRSound's label of the whole recording ("Normal", "CAS", …); null for ICBHI. */
  recordLabel: string | null;
  /** SPRSound "Poor Quality": not scored. */
  poorQuality: boolean;
  warnings: string[];
}

/**
 * Where a recording's annotations may be: its path with the extension (whatever it is) replaced by
 * `.txt` and `.json`. A candidate that is the recording itself is left out.
 */
export function annotationPaths(wavPath: string): { icbhi: string | null; sprsound: string | null } {
  const { dir, name } = path.parse(wavPath);
  const self = path.resolve(wavPath);
  const candidate = (ext: string) => {
    const p = path.join(dir, name + ext);
    return path.resolve(p) === self ? null : p;
  };
  return { icbhi: candidate('.txt'), sprsound: candidate('.json') };
}

const isFile = (p: string | null): p is string => p !== null && existsSync(p) && statSync(p).isFile();

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new LungcamInputError(`cannot read the annotation file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, file);
  }
}

/**
 * Reads the annotations beside `wavPath`, or null when there are none. A `NAME.json` that is JSON but
 * not a SPRSound annotation (e.g. a LungCAM output saved beside the recording) is not an annotation.
 * With `durationSeconds`, cycles that start after the audio ends are dropped with a warning.
 * Throws LungcamInputError naming the file and line or field when an annotation does not parse.
 */
export function readRecordingAnnotations(wavPath: string, opts: { durationSeconds?: number } = {}): RecordingAnnotations | null {
  const { icbhi, sprsound } = annotationPaths(wavPath);
  const warnings: string[] = [];
  let found: RecordingAnnotations | null = null;
  if (isFile(icbhi)) {
    found = { path: icbhi, format: 'icbhi', cycles: parseAnnotations(readText(icbhi), icbhi), recordLabel: null, poorQuality: false, warnings };
    if (isFile(sprsound) && looksLikeSprsound(tryJson(readText(sprsound)))) warnings.push(`${sprsound}: ignored, ${path.basename(icbhi)} is used`);
  } else if (isFile(sprsound)) {
    const text = readText(sprsound);
    const doc = tryJson(text);
    // Not JSON at all, or a JSON value that is not an object, is a broken annotation; an object without
    // SPRSound's keys is some other file that happens to share the name.
    if (doc === undefined || typeof doc !== 'object' || doc === null || Array.isArray(doc) || looksLikeSprsound(doc)) {
      const { recordLabel, cycles } = parseSprsoundAnnotation(text, sprsound);
      found = { path: sprsound, format: 'sprsound', cycles, recordLabel, poorQuality: recordLabel === POOR_QUALITY, warnings };
    }
  }
  if (found && opts.durationSeconds !== undefined) found.cycles = dropCyclesPastEnd(found, opts.durationSeconds);
  return found;
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function dropCyclesPastEnd(a: RecordingAnnotations, durationSeconds: number): Cycle[] {
  const kept = a.cycles.filter((c) => c.startSeconds < durationSeconds);
  const dropped = a.cycles.length - kept.length;
  if (dropped > 0) {
    const unit = a.format === 'icbhi' ? 'cycle' : 'event';
    const where = a.cycles.filter((c) => c.startSeconds >= durationSeconds).map((c) => (a.format === 'icbhi' ? `line ${c.line}` : `event_annotation[${c.line - 1}]`));
    a.warnings.push(`${a.path}: ${dropped} ${unit}${dropped > 1 ? 's' : ''} start after the recording ends at ${durationSeconds.toFixed(2)} s (${where.slice(0, 3).join(', ')}${where.length > 3 ? ', …' : ''}): not scored`);
  }
  return kept;
}
