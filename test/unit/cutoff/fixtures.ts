// Tiny model families for the band-cutoff tests: untrained LungCAM CNNs (2 conv blocks) saved as real model
// folders at a ladder of cutoffs over one 100–2000 Hz, 32-band filterbank, plus a family.json. Weights are
// made in the test (a seed each), never committed.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { keptBands } from '../../../kernels/engine/audio/melFilter';
import { buildModel, convLayerNames, CLASSES } from '../../../kernels/engine/model/model';
import { MODEL_FORMAT, saveModel } from '../../../kernels/engine/model/modelIO';
import type { FeatureParams } from '../../../kernels/engine/types';

export const FAMILY_PARAMS: FeatureParams = { fmin: 100, fmax: 2000, bands: 32, bandCutoffHz: null };

export async function saveTinyModel(dir: string, name: string, bandCutoffHz: number | null, params: FeatureParams = FAMILY_PARAMS, filters = [4, 8]): Promise<string> {
  const featureParams = { ...params, bandCutoffHz };
  const bands = keptBands(featureParams);
  const model = buildModel({ filters, seed: 3 + (bandCutoffHz ?? 0), bands });
  const out = path.join(dir, name);
  await saveModel(out, model, {
    format: MODEL_FORMAT, name, classes: [...CLASSES], featureParams, inputBands: bands, convLayers: convLayerNames(model),
    architecture: { filters, batchNorm: true, inputNorm: false }, training: {} as never, data: {}, metrics: {}, backend: 'wasm', created: 'test',
  });
  return out;
}

/** A family folder with members at `cutoffs` (null: the full band) in subfolders; returns its path. */
export async function saveTinyFamily(dir: string, cutoffs: (number | null)[], name = 'tiny-cutoffs'): Promise<string> {
  const family = path.join(dir, name);
  mkdirSync(family, { recursive: true });
  const members = [];
  for (const hz of cutoffs) {
    const sub = hz === null ? 'full' : `cut${hz}`;
    await saveTinyModel(family, sub, hz);
    members.push({ bandCutoffHz: hz, dir: sub });
  }
  writeFileSync(path.join(family, 'family.json'), JSON.stringify({ format: 'lungcam-family/1', name, members }, null, 2));
  return family;
}

/** Rewrites a member's metadata.json through `edit` (a fixture for refused families). */
export function editMetadata(modelDir: string, edit: (meta: Record<string, any>) => void): void {
  const file = path.join(modelDir, 'metadata.json');
  const meta = JSON.parse(readFileSync(file, 'utf8'));
  edit(meta);
  writeFileSync(file, JSON.stringify(meta));
}
