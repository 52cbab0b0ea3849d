/**
 * A model family by band cutoff: one folder holding LungCAM models trained the same way on the same
 * features, each with the bands above its own cutoff dropped (the full band has none), and a manifest
 * `family.json` listing them:
 *
 *   { "format": "lungcam-family/1", "name": "…", "description": "…",
 *     "members": [{ "cutoffHz": null, "dir": "full" }, { "cutoffHz": 1000, "dir": "cut1000" }, …] }
 *
 * `dir` is relative to the family folder. A family is refused, naming the member, when a member folder is
 * missing or not a model, when its own cutoff differs from the manifest's, or when members mix feature
 * parameters (fmin, fmax, bands) or classes: every rung must see the same spectrogram up to its cutoff.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { LungcamInputError } from '../errors';
import { loadModel, readModelMetadata, type LoadedModel, type ModelMetadata } from './modelIO';

export const FAMILY_FORMAT = 'lungcam-family/1';
export const FAMILY_MANIFEST = 'family.json';

export interface FamilyManifest {
  format: typeof FAMILY_FORMAT;
  name: string;
  description?: string;
  members: { cutoffHz: number | null; dir: string }[];
}

export interface FamilyMember {
  /** null: the full band. */
  cutoffHz: number | null;
  /** Absolute model folder. */
  dir: string;
  meta: ModelMetadata;
}

export interface ModelFamily {
  dir: string;
  name: string;
  description: string;
  /** Full band first, then by ascending cutoff. */
  members: FamilyMember[];
}

export interface LoadedFamily extends Omit<ModelFamily, 'members'> {
  members: (FamilyMember & { loaded: LoadedModel })[];
}

/** True when `dir` holds a family manifest (a family rather than a single model). */
export function isModelFamily(dir: string): boolean {
  return existsSync(path.join(dir, FAMILY_MANIFEST));
}

const sameCutoff = (a: number | null, b: number | null) => (a === null || b === null ? a === b : Math.abs(a - b) < 1e-6);

/** Reads and checks family.json and every member's metadata (no weights loaded). */
export function readModelFamily(dir: string): ModelFamily {
  const file = path.join(dir, FAMILY_MANIFEST);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new LungcamInputError('model family folder not found', dir);
  if (!existsSync(file)) throw new LungcamInputError(`not a model family: ${FAMILY_MANIFEST} is missing`, dir);
  let doc: Partial<FamilyManifest> | null;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new LungcamInputError(`${FAMILY_MANIFEST} is not valid JSON`, file);
  }
  if (!doc || typeof doc !== 'object' || doc.format !== FAMILY_FORMAT) {
    throw new LungcamInputError(`not a LungCAM model family: expected format "${FAMILY_FORMAT}"`, file);
  }
  if (!Array.isArray(doc.members) || doc.members.length === 0) throw new LungcamInputError('the manifest lists no members', file);
  const members: FamilyMember[] = doc.members.map((m, i) => {
    const where = `${file}: member ${i + 1}${m && typeof m.dir === 'string' ? ` (${m.dir})` : ''}`;
    if (!m || typeof m.dir !== 'string' || !(m.cutoffHz === null || (typeof m.cutoffHz === 'number' && Number.isFinite(m.cutoffHz)))) {
      throw new LungcamInputError('each member needs "dir" (a folder name) and "cutoffHz" (a number of Hz, or null for the full band)', where);
    }
    const memberDir = path.resolve(dir, m.dir);
    if (!existsSync(memberDir)) throw new LungcamInputError(`member folder ${m.dir} is missing`, where);
    let meta: ModelMetadata;
    try {
      meta = readModelMetadata(memberDir);
    } catch (e) {
      throw new LungcamInputError(`member ${m.dir} is not a usable model: ${(e as Error).message}`, where);
    }
    const own = meta.featureParams.cutoffHz ?? null;
    if (!sameCutoff(own, m.cutoffHz)) {
      throw new LungcamInputError(`member ${m.dir} was trained with cutoff ${own ?? 'none'} but the manifest says ${m.cutoffHz ?? 'none (full band)'}`, where);
    }
    return { cutoffHz: m.cutoffHz, dir: memberDir, meta };
  });
  const first = members[0];
  for (let i = 1; i < members.length; i++) {
    const { meta } = members[i];
    const a = first.meta.featureParams;
    const b = meta.featureParams;
    const diffs = (['fmin', 'fmax', 'bands'] as const).filter((k) => a[k] !== b[k]).map((k) => `${k} ${b[k]} (member ${path.basename(first.dir)}: ${a[k]})`);
    if (meta.classes.join() !== first.meta.classes.join()) diffs.push(`classes ${meta.classes.join('/')} (member ${path.basename(first.dir)}: ${first.meta.classes.join('/')})`);
    if (diffs.length) throw new LungcamInputError(`member ${path.basename(members[i].dir)} mixes feature parameters with the family: ${diffs.join(', ')}`, file);
  }
  const cutoffs = members.map((m) => m.cutoffHz);
  const dup = cutoffs.find((c, i) => cutoffs.findIndex((d) => sameCutoff(c, d)) !== i);
  if (dup !== undefined) throw new LungcamInputError(`two members share the cutoff ${dup ?? 'none (full band)'}`, file);
  members.sort((p, q) => (p.cutoffHz === null ? -1 : q.cutoffHz === null ? 1 : p.cutoffHz - q.cutoffHz));
  return { dir: path.resolve(dir), name: doc.name ?? path.basename(path.resolve(dir)), description: doc.description ?? '', members };
}

/** Reads the family and loads every member's model. */
export async function loadModelFamily(dir: string): Promise<LoadedFamily> {
  const family = readModelFamily(dir);
  const members = [];
  for (const m of family.members) members.push({ ...m, loaded: await loadModel(m.dir) });
  return { ...family, members };
}

/** The member trained at exactly this cutoff (null: the full band), or undefined. */
export function familyMember<M extends FamilyMember>(family: { members: M[] }, cutoffHz: number | null): M | undefined {
  return family.members.find((m) => sameCutoff(m.cutoffHz, cutoffHz));
}
