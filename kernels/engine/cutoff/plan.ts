/**
 * Which model answers a band cutoff, and how. A `--model` folder is one model or a family by cutoff
 * (family.ts); both become a list of members, fewest bands first. A cutoff keeps the bands whose centre
 * lies at or below it: the member that keeps exactly those bands answers as itself (`cutoffMode:
 * 'model'`); otherwise the member with the fewest bands above them answers with those bands masked
 * (`'masked'`: the occlusion what-if, bandMask.ts), which departs least from what it was trained on.
 * Any cutoff inside the source's band gets an answer; outside it, one line naming the valid range.
 */
import * as path from 'node:path';
import { LungcamInputError } from '../errors';
import { bandEdgesHzAll, keptBands } from '../audio/melFilter';
import { bandCutoffLabel, type BandCutoffHz, type CutoffMode } from '../../shared/cutoff';
import type { FeatureParams } from '../types';
import { isModelFamilyFolder, readModelFamily, type FamilyMember, type ModelFamily } from '../model/family';
import { readModelMetadata } from '../model/metadata';
import { DEFAULT_MASK_FILL, type MaskFill } from './bandMask';
import { resolveModelDir } from '../model/modelNames';

/** A `--model` folder: one model, or a family by cutoff. */
export type ModelSource =
  | { kind: 'model'; dir: string; name: string; members: [FamilyMember]; featureParams: FeatureParams }
  | { kind: 'family'; dir: string; name: string; members: FamilyMember[]; featureParams: FeatureParams; family: ModelFamily };

/** Reads a model folder or a family folder (metadata only). */
export function openModelSource(ref: string): ModelSource {
  const dir = resolveModelDir(ref); // a folder, or a portable name (model/modelNames.ts)
  if (isModelFamilyFolder(dir)) {
    const family = readModelFamily(dir);
    return { kind: 'family', dir: family.dir, name: family.name, members: family.members, featureParams: family.featureParams, family };
  }
  const meta = readModelMetadata(dir);
  const member: FamilyMember = { bandCutoffHz: meta.featureParams.bandCutoffHz, dir: path.resolve(dir), meta, bands: keptBands(meta.featureParams) };
  return { kind: 'model', dir: path.resolve(dir), name: meta.name, members: [member], featureParams: { ...meta.featureParams, bandCutoffHz: null } };
}

export interface CutoffPlan {
  /** The cutoff asked for; none asked: the widest member's own (null: the full band). */
  bandCutoffHz: BandCutoffHz;
  cutoffMode: CutoffMode;
  /** The model that answers. */
  member: FamilyMember;
  /** Bands the cutoff keeps (of the source's filterbank, low bands first). */
  keptBands: number;
  /** How the member's bands above the cutoff are filled (masked mode only). */
  maskFill?: MaskFill;
}

/** Cutoffs a source answers: above its lowest band centre, up to the top of its widest member's band. */
export function bandCutoffRange(source: ModelSource): { aboveHz: number; upToHz: number } {
  const widest = source.members[source.members.length - 1];
  return {
    aboveHz: bandEdgesHzAll(source.featureParams)[1],
    upToHz: widest.bandCutoffHz ?? source.featureParams.fmax,
  };
}

const hz = (v: number) => `${+v.toFixed(1)} Hz`;

function rangeText(source: ModelSource): string {
  const { aboveHz, upToHz } = bandCutoffRange(source);
  const what = source.kind === 'family' ? `family ${source.name}` : `model ${source.name}`;
  return `${what} answers cutoffs above ${hz(aboveHz)} (its lowest band centre) up to ${hz(upToHz)}`;
}

/**
 * A `--cutoff` value as typed: a frequency in Hz, or `full` (also `none`) for the full band. Checked
 * against the source's band, so every error names the valid range.
 */
export function readBandCutoff(text: string | number, source: ModelSource, flag = '--cutoff'): BandCutoffHz {
  if (typeof text === 'string' && /^(full|none)$/i.test(text.trim())) return null;
  const value = typeof text === 'number' ? text : text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(value)) throw new LungcamInputError(`${JSON.stringify(String(text))} is not a frequency: ${rangeText(source)} (or "full")`, flag);
  checkBandCutoff(value, source, flag);
  return value;
}

function checkBandCutoff(value: number, source: ModelSource, flag: string): void {
  const { aboveHz, upToHz } = bandCutoffRange(source);
  if (value <= aboveHz) throw new LungcamInputError(`${value} Hz is at or under the lowest band: ${rangeText(source)}`, flag);
  if (value > upToHz + 1e-9) throw new LungcamInputError(`${value} Hz is outside the band: ${rangeText(source)}`, flag);
}

/** The member that answers `bandCutoffHz` and how (see the header). */
export function planBandCutoff(source: ModelSource, bandCutoffHz: BandCutoffHz, maskFill: MaskFill = DEFAULT_MASK_FILL): CutoffPlan {
  const widest = source.members[source.members.length - 1];
  if (bandCutoffHz === null) return { bandCutoffHz: widest.bandCutoffHz, cutoffMode: 'model', member: widest, keptBands: widest.bands };
  checkBandCutoff(bandCutoffHz, source, '--cutoff');
  const kept = keptBands({ ...source.featureParams, bandCutoffHz });
  const same = source.members.find((m) => m.bands === kept);
  if (same) return { bandCutoffHz, cutoffMode: 'model', member: same, keptBands: kept };
  const above = source.members.find((m) => m.bands > kept) ?? widest;
  return { bandCutoffHz, cutoffMode: 'masked', member: above, keptBands: kept, maskFill };
}

/** "model cut1500 (trained at 1.5 kHz)" / "model baseline with the bands above 1 kHz masked (floor)". */
export function describePlan(plan: CutoffPlan): string {
  const name = plan.member.meta.name;
  if (plan.cutoffMode === 'model') {
    return `model ${name} (trained ${plan.member.bandCutoffHz === null ? 'on the full band' : `at ${bandCutoffLabel(plan.member.bandCutoffHz)}`})`;
  }
  return `what-if: model ${name} with the bands above ${bandCutoffLabel(plan.bandCutoffHz)} masked (${plan.maskFill})`;
}

/** What JSON outputs say about the cutoff: which, how, with what (and the family it came from). */
export function cutoffFields(plan: CutoffPlan, source: ModelSource): { bandCutoffHz: BandCutoffHz; cutoffMode: CutoffMode; modelId: string; family?: string; maskFill?: MaskFill } {
  return {
    bandCutoffHz: plan.bandCutoffHz,
    cutoffMode: plan.cutoffMode,
    modelId: plan.member.meta.name,
    ...(source.kind === 'family' ? { family: source.name } : {}),
    ...(plan.cutoffMode === 'masked' ? { maskFill: plan.maskFill } : {}),
  };
}
