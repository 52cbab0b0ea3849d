/**
 * A model family by band cutoff: one folder whose `family.json` lists models trained the same way at a
 * ladder of cutoffs (`{ format: "lungcam-family/1", name, members: [{ bandCutoffHz: null | Hz, dir }] }`).
 * The family is what lets a view switch the cutoff without recomputing features: every member reads the
 * same log-mel (a cut model's features are the low bands of the full band's), so the members must agree
 * on fmin, fmax, bands, classes and conv layers. Reading needs no TensorFlow.js; loading the weights does.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { LungcamInputError } from '../errors';
import { atomicWriteFile } from '../io/atomicWrite';
import { keptBands } from '../audio/melFilter';
import type { FeatureParams } from '../types';
import { readModelMetadata, sameNumber, type ModelMetadata } from './metadata';

export const FAMILY_FORMAT = 'lungcam-family/1';
export const FAMILY_MANIFEST = 'family.json';

/** A member as family.json lists it. */
export interface FamilyManifestMember {
  /** The member's band cutoff (its `lungcam train --cutoff`); null = the full band. */
  bandCutoffHz: number | null;
  /** Its model folder, relative to the family folder. */
  dir: string;
}

export interface FamilyManifest {
  format: typeof FAMILY_FORMAT;
  name: string;
  description?: string;
  members: FamilyManifestMember[];
}

export interface FamilyMember {
  bandCutoffHz: number | null;
  /** Absolute model folder. */
  dir: string;
  meta: ModelMetadata;
  /** Bands the member sees (the low bands of the family's filterbank). */
  bands: number;
}

export interface ModelFamily {
  name: string;
  description?: string;
  /** Absolute family folder. */
  dir: string;
  /** The filterbank every member shares (bandCutoffHz null: the full band). */
  featureParams: FeatureParams;
  classes: string[];
  convLayers: string[];
  /** Fewest bands first (the full band last). */
  members: FamilyMember[];
}

/** True when `dir` holds a family manifest. */
export function isModelFamilyFolder(dir: string): boolean {
  try {
    return statSync(path.join(dir, FAMILY_MANIFEST)).isFile();
  } catch {
    return false;
  }
}

const memberName = (i: number, m: { dir?: unknown }) => `member ${i + 1} (${typeof m.dir === 'string' ? m.dir : 'no dir'})`;

function parseManifest(text: string, where: string): FamilyManifest {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new LungcamInputError(`${FAMILY_MANIFEST} is not valid JSON`, where);
  }
  const m = doc as Partial<FamilyManifest> | null;
  if (!m || typeof m !== 'object' || m.format !== FAMILY_FORMAT) {
    const found = m && typeof m === 'object' && 'format' in m ? ` (format "${String(m.format)}")` : '';
    throw new LungcamInputError(`not a LungCAM model family: ${FAMILY_MANIFEST} should say format "${FAMILY_FORMAT}"${found}`, where);
  }
  if (typeof m.name !== 'string' || !m.name.trim()) throw new LungcamInputError(`${FAMILY_MANIFEST} has no "name"`, where);
  if (!Array.isArray(m.members) || m.members.length === 0) {
    throw new LungcamInputError(`${FAMILY_MANIFEST} lists no members (expected "members": [{ "bandCutoffHz": null | Hz, "dir": "…" }])`, where);
  }
  m.members.forEach((member, i) => {
    const who = memberName(i, member ?? {});
    if (!member || typeof member !== 'object' || typeof member.dir !== 'string' || !member.dir.trim()) {
      throw new LungcamInputError(`${who}: needs "dir", the member's model folder relative to the family folder`, where);
    }
    if (path.isAbsolute(member.dir)) throw new LungcamInputError(`${who}: "dir" must be relative to the family folder, so the family can be moved`, where);
    const hz = member.bandCutoffHz;
    if (hz !== null && !(typeof hz === 'number' && Number.isFinite(hz) && hz > 0)) {
      throw new LungcamInputError(`${who}: "bandCutoffHz" must be null (full band) or a frequency in Hz (got ${JSON.stringify(hz)})`, where);
    }
  });
  return m as FamilyManifest;
}

function differences(a: ModelMetadata, b: ModelMetadata): string[] {
  const fa = a.featureParams;
  const fb = b.featureParams;
  const out: string[] = [];
  if (!sameNumber(fa.fmin, fb.fmin)) out.push(`fmin ${fb.fmin} Hz (${a.name}: ${fa.fmin} Hz)`);
  if (!sameNumber(fa.fmax, fb.fmax)) out.push(`fmax ${fb.fmax} Hz (${a.name}: ${fa.fmax} Hz)`);
  if (fa.bands !== fb.bands) out.push(`${fb.bands} mel bands (${a.name}: ${fa.bands})`);
  if (a.classes.join() !== b.classes.join()) out.push(`classes ${b.classes.join(', ')} (${a.name}: ${a.classes.join(', ')})`);
  if (a.convLayers.join() !== b.convLayers.join()) out.push(`conv layers ${b.convLayers.join(', ')} (${a.name}: ${a.convLayers.join(', ')})`);
  return out;
}

/**
 * The members' metadata, checked: each folder is a LungCAM model trained at the cutoff the manifest says,
 * all share one filterbank, classes and conv layers, and no two keep the same bands.
 */
function checkMembers(dir: string, manifest: FamilyManifest, where: string): FamilyMember[] {
  const members = manifest.members.map((m, i): FamilyMember => {
    const who = memberName(i, m);
    const memberDir = path.resolve(dir, m.dir);
    let meta: ModelMetadata;
    try {
      meta = readModelMetadata(memberDir);
    } catch (e) {
      throw new LungcamInputError(`${who}: ${(e as Error).message}`, where);
    }
    if (!sameNumber(meta.featureParams.bandCutoffHz, m.bandCutoffHz)) {
      const own = meta.featureParams.bandCutoffHz;
      throw new LungcamInputError(`${who}: listed at ${m.bandCutoffHz === null ? 'the full band' : `${m.bandCutoffHz} Hz`} but the model was trained ${own === null ? 'on the full band' : `with a cutoff at ${own} Hz`}`, where);
    }
    return { bandCutoffHz: m.bandCutoffHz, dir: memberDir, meta, bands: keptBands(meta.featureParams) };
  });
  // The odd one out is named: compare with the member most others agree with.
  const agreeing = members.map((m) => members.filter((o) => differences(m.meta, o.meta).length === 0).length);
  const reference = members[agreeing.indexOf(Math.max(...agreeing))];
  members.forEach((m, i) => {
    const diff = differences(reference.meta, m.meta);
    if (diff.length) throw new LungcamInputError(`${memberName(i, manifest.members[i])}: mixed feature parameters: it has ${diff.join(', ')}; every member must be trained on the same features`, where);
    const twin = members.findIndex((o, j) => j < i && o.bands === m.bands);
    if (twin >= 0) {
      throw new LungcamInputError(`${memberName(i, manifest.members[i])}: keeps the same ${m.bands} bands as ${memberName(twin, manifest.members[twin])}; each member needs its own cutoff`, where);
    }
  });
  return members.sort((a, b) => a.bands - b.bands);
}

/** Reads and checks a family folder's manifest and its members' metadata (no weights). */
export function readModelFamily(dir: string): ModelFamily {
  const abs = path.resolve(dir);
  const file = path.join(abs, FAMILY_MANIFEST);
  if (!existsSync(file)) {
    throw new LungcamInputError(existsSync(abs) ? `not a LungCAM model family: ${FAMILY_MANIFEST} is missing` : 'model family folder not found', dir);
  }
  const manifest = parseManifest(readFileSync(file, 'utf8'), file);
  const members = checkMembers(abs, manifest, file);
  const { meta } = members[0];
  return {
    name: manifest.name,
    ...(manifest.description ? { description: manifest.description } : {}),
    dir: abs,
    featureParams: { ...meta.featureParams, bandCutoffHz: null },
    classes: meta.classes,
    convLayers: meta.convLayers,
    members,
  };
}

/**
 * Writes `family.json` into `dir` (atomically) after checking the members as readModelFamily does, so a
 * family that would be refused on reading is never written. Member dirs are relative to `dir`.
 */
export async function writeFamilyManifest(dir: string, family: { name: string; description?: string; members: FamilyManifestMember[] }): Promise<ModelFamily> {
  const manifest: FamilyManifest = {
    format: FAMILY_FORMAT,
    name: family.name,
    ...(family.description ? { description: family.description } : {}),
    members: family.members.map((m) => ({ bandCutoffHz: m.bandCutoffHz, dir: m.dir })),
  };
  const text = JSON.stringify(manifest, null, 2) + '\n';
  const file = path.join(path.resolve(dir), FAMILY_MANIFEST);
  checkMembers(path.resolve(dir), parseManifest(text, file), file);
  await atomicWriteFile(file, text);
  return readModelFamily(dir);
}

/** The member that keeps exactly these bands, if the family has one. */
export function memberWithBands(family: ModelFamily, bands: number): FamilyMember | undefined {
  return family.members.find((m) => m.bands === bands);
}

/** One line: the family's name and its rungs ("seed-cutoffs: 1000, 1250, 1500 Hz and the full band"). */
export function describeFamily(family: Pick<ModelFamily, 'name' | 'members'>): string {
  const cut = family.members.filter((m) => m.bandCutoffHz !== null).map((m) => m.bandCutoffHz);
  const full = family.members.some((m) => m.bandCutoffHz === null);
  const list = cut.length ? `${cut.join(', ')} Hz` : '';
  return `${family.name}: ${list}${list && full ? ' and ' : ''}${full ? 'the full band' : ''}`;
}
