/**
 * The real recordings of ../shared/realdata for experiments: each recording with its database, patient,
 * device and scored units (ICBHI cycles, SPRSound events, as cycles), and a log-mel cache under
 * .bench/cache so experiments never recompute features. Uses the engine's reader (readDataset).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { readDataset } from '../../../kernels/engine/data/dataset';
import { logMelFromFile } from '../../../kernels/engine/audio/features';
import type { FeatureParams } from '../../../kernels/engine/types';

export const REPO = path.resolve(__dirname, '../../..');
export const REALDATA = path.resolve(REPO, '../shared/realdata');
export const BENCH = path.join(REPO, '.bench');

export type Database = 'icbhi' | 'sprsound';

export interface RealRecording {
  name: string;
  database: Database;
  wavPath: string;
  patient: string;
  device: string;
  cycles: { startSeconds: number; endSeconds: number; label: string }[];
}

/** Every scored real recording of ../shared/realdata (its subfolders too; Poor Quality skipped by the reader). */
export function realRecordings(): RealRecording[] {
  return readDataset(REALDATA, {}).recordings
    .filter((r) => (r.database === 'icbhi' || r.database === 'sprsound') && r.cycles.length > 0)
    .map((r) => ({
      name: r.name, database: r.database as Database, wavPath: r.wavPath, patient: `${r.database}:${r.patientId}`,
      device: r.database === 'sprsound' ? 'Yunting' : r.device,
      cycles: r.cycles.map((c) => ({ startSeconds: c.startSeconds, endSeconds: c.endSeconds, label: c.label })),
    }));
}

export interface CachedLogMel {
  data: Float32Array;
  frames: number;
  bands: number;
}

const recipeKey = (p: Partial<FeatureParams>) => `${p.fmin}-${p.fmax}-${p.bands}`;

/** The log-mel of a recording with `params` (no cutoff), from the cache or computed and cached. */
export async function cachedLogMel(rec: { name: string; wavPath: string }, params: Partial<FeatureParams>): Promise<CachedLogMel> {
  const dir = path.join(BENCH, 'cache', recipeKey(params));
  const file = path.join(dir, `${rec.name}.f32`);
  if (existsSync(file)) {
    const buf = readFileSync(file);
    const head = new Int32Array(buf.buffer, buf.byteOffset, 2);
    const [frames, bands] = [head[0], head[1]];
    const data = new Float32Array(buf.buffer.slice(buf.byteOffset + 8, buf.byteOffset + 8 + frames * bands * 4));
    return { data, frames, bands };
  }
  const mel = await logMelFromFile(rec.wavPath, { ...params, bandCutoffHz: null }, { threads: 1 });
  mkdirSync(dir, { recursive: true });
  const out = Buffer.alloc(8 + mel.data.byteLength);
  out.writeInt32LE(mel.frames, 0);
  out.writeInt32LE(mel.bands, 4);
  Buffer.from(mel.data.buffer, mel.data.byteOffset, mel.data.byteLength).copy(out, 8);
  writeFileSync(file, out);
  return { data: mel.data, frames: mel.frames, bands: mel.bands };
}

