/**
 * The real recordings the tests read in place (never copied into the repository): ../shared/realdata beside
 * the repository, or LUNGCAM_REALDATA_DIR. ICBHI 107 has 7 of its 8 cycles annotated crackle+wheeze;
 * a SPRSound recording with events is picked by its annotation, not by name.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..');

export const REALDATA_DIR = process.env.LUNGCAM_REALDATA_DIR ?? path.resolve(repoRoot, '../shared/realdata');
export const ICBHI_107 = path.join(REALDATA_DIR, '107_2b3_Ar_mc_AKGC417L.wav');

/** Why real-data tests skip, or false when the recordings are there. */
export const noRealData: string | false = !existsSync(ICBHI_107)
  && `no real recordings at ${REALDATA_DIR} (set LUNGCAM_REALDATA_DIR to the folder holding 107_2b3_Ar_mc_AKGC417L.wav)`;

/** A SPRSound recording with a few events that is not "Poor Quality" (the first such, in name order). */
export function sprsoundRecording(): string | null {
  const folder = path.join(REALDATA_DIR, 'sprsound');
  if (!existsSync(folder)) return null;
  for (const f of readdirSync(folder).filter((n) => n.endsWith('.json')).sort()) {
    const doc = JSON.parse(readFileSync(path.join(folder, f), 'utf8'));
    const events = doc.event_annotation ?? [];
    if (doc.record_annotation !== 'Poor Quality' && events.length >= 2 && events.some((e: { type: string }) => e.type !== 'Normal')) {
      return path.join(folder, f.replace(/\.json$/, '.wav'));
    }
  }
  return null;
}
